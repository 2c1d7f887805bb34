"""Render every screen of the app offscreen into ``docs/screenshots/*.png``, using the demo shop.

    python -m app.ui.tools.screenshots [--out docs/screenshots] [--lang ru] [--dark]

It walks the real wizard (checks, dry run) against the demo services, saves, runs real syncs, and captures
the main window's tabs, a conflict dialog and the safety check's question. One extra shot of the main window
is taken at 150% scaling (``QT_SCALE_FACTOR=1.5``, in a child process: the factor must be set before Qt
starts). ``--dark`` renders the same screens in a dark colour scheme (Fusion with a dark palette, as a dark
system scheme gives) into ``docs/screenshots/dark/``, to check every screen stays readable.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from app.vocab import ConflictKind

DEFAULT_OUT = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready in time")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str) -> Path:
    settle()
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


def render_all(out: Path, *, only_main: bool = False, suffix: str = "") -> None:
    from app.demo import start_demo
    from app.paths import database_path
    from app.store import Database
    from app.sync.model import ALL_FLOWS
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.wizard import SetupWizard
    from app.ui.worker import wait_for_jobs

    session = start_demo()
    db = Database.open(database_path(session.data_dir))
    context = AppContext(db=db, data_dir=session.data_dir, secrets=session.secrets, demo=session)
    try:
        wizard = SetupWizard(context)
        wizard.confirm_cancel = lambda: True
        wizard.resize(900, 700)
        wizard.show()
        W = SetupWizard

        def go(page_id: int) -> None:
            wizard.next()
            wait_until(lambda: wizard.currentId() == page_id and not getattr(wizard.currentPage(), "busy", False))

        if not only_main:
            save(wizard, out, f"wizard-1-welcome{suffix}")
        go(W.PAGE_RETAILCRM)
        rc = wizard.retailcrm_page
        rc.check()
        wait_until(lambda: not rc.busy)
        if not only_main:
            save(wizard, out, f"wizard-2-retailcrm{suffix}")
        go(W.PAGE_MOYSKLAD)
        ms = wizard.moysklad_page
        ms.check()
        wait_until(lambda: not ms.busy)
        if not only_main:
            save(wizard, out, f"wizard-3-moysklad{suffix}")
        go(W.PAGE_WAREHOUSES)
        if not only_main:
            save(wizard, out, f"wizard-4-warehouses{suffix}")
        go(W.PAGE_PRICES)
        if not only_main:
            save(wizard, out, f"wizard-5-prices{suffix}")
        go(W.PAGE_ORDERS)
        orders = wizard.orders_page
        if not only_main:
            save(wizard, out, f"wizard-6-orders{suffix}")
        # the demo shop's own status has no twin on purpose: map it the way a person would
        states = {s.name: s.id for s in wizard.state.ms_account.states} if wizard.state.ms_account else {}
        for code in orders.unmapped_rows():
            if code in wizard.state.settings.export_statuses or code in orders.export_statuses():
                orders.map_status(code, states.get("Новый") or next(iter(states.values()), None))
        go(W.PAGE_ORDER_LIFE)
        if not only_main:
            save(wizard, out, f"wizard-7-order-life{suffix}")
        go(W.PAGE_FINISH)
        finish = wizard.finish_page
        wait_until(finish.isComplete, timeout=120)
        if not only_main:
            save(wizard, out, f"wizard-8-dry-run{suffix}")
        completed: list[AppContext] = []
        wizard.completed.connect(completed.append)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        wait_until(lambda: bool(completed))
        wait_for_jobs()

        window = MainWindow(context)
        window.resize(1180, 760)
        window.show()
        wait_until(lambda: window.snapshot is not None)
        # a quick stock update first, then full syncs: the history shows runs of different sizes
        window.controller.start(ALL_FLOWS[1:2], trigger="schedule")
        wait_until(lambda: not window.controller.running, timeout=120)
        for round_ in range(2):
            window.sync_now()
            wait_until(lambda: not window.controller.running, timeout=180)
            if round_ == 0:  # the demo's day (app/demo_story.py) is told after the first sync that exported orders
                wait_until(lambda: getattr(window, "demo_day_box", None) is not None, timeout=180)
                if not only_main:
                    save(window.demo_day_box, out, f"demo-day{suffix}")
                window.demo_day_box.close()
        window.refresh()
        settle(1.0)
        window.scheduler.configure(15, 5)
        wait_until(lambda: not window.log_tab.model.busy)

        window.tabs.setCurrentWidget(window.log_tab)
        save(window, out, f"main-journal{suffix}")
        if only_main:
            return
        window.tabs.setCurrentWidget(window.conflicts_tab)
        window.conflicts_tab.reload()
        wait_until(lambda: window.conflicts_tab.model.rowCount() > 0)
        save(window, out, f"main-conflicts{suffix}")
        window.tabs.setCurrentWidget(window.history_tab)
        save(window, out, f"main-history{suffix}")
        window.tabs.setCurrentWidget(window.schedule_tab)
        stage_outside_the_window(window.schedule_tab)
        save(window, out, f"main-schedule{suffix}")

        tab = window.conflicts_tab
        loaded: list[bool] = []
        tab.loaded.connect(lambda: loaded.append(True))
        tab.show_kind(ConflictKind.DUPLICATE_KEY)
        wait_until(lambda: bool(loaded) and tab.model.rowCount() > 0)
        dialog = tab.open_dialog(0, modal=False)
        dialog.show()
        save(dialog, out, f"conflict-dialog{suffix}")
        dialog.close()
        # the demo's day left an order changed on both sides (app/demo_story.py): its two sides, side by side
        loaded.clear()
        tab.show_kind(ConflictKind.ORDER_CHANGED_BOTH_SIDES)
        wait_until(lambda: bool(loaded) and tab.model.rowCount() > 0)
        dialog = tab.open_dialog(0, modal=False)
        dialog.show()
        save(dialog, out, f"conflict-both-sides{suffix}")
        dialog.close()
        render_safety_dialog(out, window, suffix)

        checked: list[bool] = []
        window.check_tab.checked.connect(lambda: checked.append(True))
        window.tabs.setCurrentWidget(window.check_tab)
        window.check_tab.run_check()
        wait_until(lambda: bool(checked), timeout=120)
        settle(0.5)
        save(window, out, f"main-check{suffix}")

        from app.ui.alerts_dialog import AlertsDialog

        alerts = AlertsDialog(context, window)
        alerts.show()
        save(alerts, out, f"alerts-dialog{suffix}")
        alerts.close()
        support = window.make_support_bundle()
        if support is not None:
            save(support, out, f"support-dialog{suffix}")
            support.close()
        window._quitting = True
        window.close()
    finally:
        wait_for_jobs()
        db.close()
        session.stop()


def render_safety_dialog(out: Path, parent: QWidget | None = None, suffix: str = "") -> Path:
    """The safety check's question as the window asks it when RetailCRM answers an empty product list after
    a run that saw the whole catalog (the figures such a plan has; the sentences are the real ones)."""
    from app.store import SyncSettings
    from app.sync import safety
    from app.sync.catalog.work import CatalogStats
    from app.sync.model import Flow, FlowPlan
    from app.ui.safety_dialog import SafetyDialog

    stats = CatalogStats(ms_items=1240, rc_offers=0, pairs=0, links_before=1198, links_dropped=1198, to_create=1161)
    trips = safety.check(FlowPlan(Flow.CATALOG, stats=stats), SyncSettings(),
                         {"ms_items": 1240, "rc_offers": 1215})
    dialog = SafetyDialog(Flow.CATALOG, trips, parent)
    dialog.show()
    try:
        return save(dialog, out, f"safety-dialog{suffix}")
    finally:
        dialog.done(0)


def stage_outside_the_window(tab: Any) -> None:
    """The demo cannot start at login or be scheduled (its folder is thrown away): show the two boxes as a real
    shop sees them once both are on, without telling this computer's OS anything."""
    from app.os_integration.command import Registration

    for box in (tab.login_check, tab.os_schedule_check):
        box.setEnabled(True)
    tab._show_os_state(
        Registration(True, "xdg", "~/.config/autostart/svyazka.desktop"),
        Registration(True, "systemd", "~/.config/systemd/user/svyazka-sync.timer", every_minutes=15),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="default: docs/screenshots, or docs/screenshots/dark with --dark")
    parser.add_argument("--dark", action="store_true", help="a dark colour scheme")
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    parser.add_argument("--only-main", action="store_true", help="only the main window (used for the 150%% shot)")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--no-scaled", action="store_true", help="skip the 150%% shot")
    args = parser.parse_args(argv)
    from app.ui.qtcompat import install_signal_emit_fix

    install_signal_emit_fix()  # as app/ui/main.py does, before the windows emit anything
    args.out = args.out or (DEFAULT_OUT / "dark" if args.dark else DEFAULT_OUT)
    args.out.mkdir(parents=True, exist_ok=True)

    from app.ui.i18n import install_translators

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    if args.dark:
        from app.ui.tones import dark_palette

        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    install_translators(app, args.lang)
    render_all(args.out, only_main=args.only_main, suffix=args.suffix)

    if not args.only_main and not args.no_scaled:
        env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen")
        command = [sys.executable, "-m", "app.ui.tools.screenshots", "--out", str(args.out), "--lang", args.lang]
        if args.dark:
            command.append("--dark")
        subprocess.run([*command, "--only-main", "--suffix", "-150"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())

