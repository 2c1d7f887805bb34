"""The main window: the sync panel on top, then the Journal, Conflicts, History, Reconciliation and Schedule tabs.

It owns the :class:`SyncController` (one run at a time) and the scheduler, and refreshes what it shows
from the store in the background after every run.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.messages import msg, render
from app.resources import app_icon_path
from app.store import Profile, Run
from app.sync.model import ALL_FLOWS, Flow, RunReport
from app.ui.check_tab import CheckTab
from app.ui.conflicts_tab import ConflictsTab
from app.ui.context import DEFAULT_UI_PREFS, UI_PREFS_KEY, AppContext
from app.ui.history_tab import HistoryTab
from app.ui.i18n import current_language
from app.ui.log_tab import LogTab
from app.ui.safety_dialog import SafetyDialog
from app.ui.schedule_tab import ScheduleTab
from app.ui.scheduler import SyncScheduler
from app.ui.support_dialog import SupportDialog
from app.ui.sync_panel import SyncPanel
from app.ui.tray import TrayIcon
from app.ui.worker import SafetyQuestion, SyncController, run_in_background
from app.vocab import ConflictKind

RECENT_RUNS = 60
# The OS schedule's `svyazka sync --scheduled` and a person's `svyazka sync` write runs into this same database
# while the window is open: it looks for them this often (one tiny read) and refreshes when one appeared or ended.
OUTSIDE_RUNS_POLL_MS = 15_000


@dataclass
class Snapshot:
    """What the window shows about the profile, read in one background task."""

    profile: Profile | None
    runs: list[Run]
    last_finished: Run | None
    conflict_counts: dict[ConflictKind, int]
    settings: Any
    prefs: dict[str, Any] = field(default_factory=dict)


class MainWindow(QMainWindow):
    """``settings_requested`` asks the application to reopen the setup wizard for this profile."""

    settings_requested = Signal()
    refreshed = Signal()
    quit_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if context.profile_id is None:
            raise ValueError("the main window needs a profile")
        self.context = context
        self.profile_id: int = context.profile_id
        self.snapshot: Snapshot | None = None
        self._quitting = False
        self.setWindowTitle(APP_NAME)
        icon_path = app_icon_path()
        if icon_path.exists():
            self.setWindowIcon(QIcon(str(icon_path)))

        self.controller = SyncController(context.sync_target(), parent=self)
        self.controller.confirm = self.ask_safety
        self.safety_dialog: SafetyDialog | None = None  # the safety check's open question, if any
        self._trigger = "manual"  # of the run going on (a scheduled run that is held alerts through the tray)
        self.scheduler = SyncScheduler(self.controller, context.db, self.profile_id, parent=self)

        self.panel = SyncPanel()
        self.log_tab = LogTab(context.db, self.profile_id)
        self.conflicts_tab = ConflictsTab(context.db, self.profile_id)
        self.history_tab = HistoryTab()
        self.check_tab = CheckTab(context.db, self.profile_id, context.secrets)
        self.schedule_tab = ScheduleTab(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.log_tab, self.tr("Journal"))
        self.tabs.addTab(self.conflicts_tab, self.tr("Conflicts"))
        self.tabs.addTab(self.history_tab, self.tr("History"))
        self.tabs.addTab(self.check_tab, self.tr("Reconciliation"))
        self.tabs.addTab(self.schedule_tab, self.tr("Schedule and settings"))

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.panel)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._build_menu()
        self.demo_label = QLabel(self.tr("Demo mode: both services run on this computer; nothing touches real data."))
        self.profile_label = QLabel()
        self.statusBar().addPermanentWidget(self.profile_label)
        if context.is_demo:
            self.statusBar().addWidget(self.demo_label)

        self.tray = TrayIcon(self)

        # wiring: panel ↔ controller, controller → tabs
        self.panel.sync_requested.connect(self.sync_now)
        self.panel.stop_requested.connect(self.controller.stop)
        self.controller.started.connect(self.panel.on_started)
        self.controller.started.connect(self._on_run_started)
        self.controller.progress.connect(self.panel.on_progress)
        self.controller.log_events.connect(self.log_tab.on_log_events)
        self.controller.finished.connect(self._on_run_finished)
        self.controller.failed.connect(self._on_run_failed)
        self.controller.running_changed.connect(self.tray.set_running)
        self.conflicts_tab.sync_requested.connect(self.sync_now)
        self.conflicts_tab.changed.connect(lambda: self.refresh())
        self.check_tab.fix_requested.connect(self.fix_flows)
        self.history_tab.run_chosen.connect(self.show_run_log)
        self.schedule_tab.saved.connect(self._on_schedule_saved)
        self.schedule_tab.settings_requested.connect(self.settings_requested)
        self.scheduler.changed.connect(self._show_next_run)
        self.scheduler.skipped.connect(self._on_run_skipped)
        self.tray.open_requested.connect(self.show_normal)
        self.tray.sync_requested.connect(self.sync_now)
        self.tray.quit_requested.connect(self.quit_app)

        self._outside_runs = QTimer(self)
        self._outside_runs.setInterval(OUTSIDE_RUNS_POLL_MS)
        self._outside_runs.timeout.connect(self.check_outside_runs)
        self._outside_runs.start()

        self.resize(1100, 720)
        self.refresh()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Svyazka"))
        sync_action = QAction(self.tr("Sync now"), self)
        sync_action.setShortcut(QKeySequence("F5"))
        sync_action.triggered.connect(self.sync_now)
        menu.addAction(sync_action)
        settings_action = QAction(self.tr("Connection settings…"), self)
        settings_action.triggered.connect(self.settings_requested)
        menu.addAction(settings_action)
        menu.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_app)
        menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.report_action = QAction(self.tr("Send a report to the developers…"), self)
        self.report_action.triggered.connect(self.make_support_bundle)
        help_menu.addAction(self.report_action)
        about = QAction(self.tr("About Svyazka"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    # -- sync --------------------------------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> bool:
        """Start a full sync of every flow; False when one is already running."""
        started = self.controller.start(ALL_FLOWS, trigger="manual")
        if not started:
            self.statusBar().showMessage(self.tr("A sync is already running."), 5000)
        return started

    def fix_flows(self, flows: object) -> bool:
        """The Reconciliation tab's «Fix»: these flows in full (the engine cannot sync only some items)."""
        chosen = tuple(f for f in flows if isinstance(f, Flow)) if isinstance(flows, tuple) else ALL_FLOWS
        started = self.controller.start(chosen, full=True, trigger="manual")
        if not started:
            self.statusBar().showMessage(self.tr("A sync is already running."), 5000)
        return started

    def ask_safety(self, question: SafetyQuestion) -> None:
        """The safety check tripped before a write: ask, without blocking the window; the answer goes back
        to the run (Stop, or the run ending, leaves it at no)."""
        self._close_safety_dialog()
        dialog = SafetyDialog(question.flow, question.trips, self)
        dialog.finished.connect(lambda _result: question.reply(dialog.approved()))
        self.safety_dialog = dialog
        self.show_normal()
        dialog.open()

    def _close_safety_dialog(self) -> None:
        if self.safety_dialog is not None:
            dialog, self.safety_dialog = self.safety_dialog, None
            dialog.done(0)  # an unanswered question is a no (its run has ended or moves on)
            dialog.deleteLater()

    @Slot(object)
    def _on_run_started(self, info: object) -> None:
        self._trigger = str(info.get("trigger", "manual")) if isinstance(info, dict) else "manual"

    @Slot(object)
    def _on_run_finished(self, report: object) -> None:
        self._close_safety_dialog()
        self.panel.on_finished(report)
        self.log_tab.on_run_finished()
        previous = self.snapshot.conflict_counts if self.snapshot else {}
        self.refresh(notify_from=previous, report=report if isinstance(report, RunReport) else None,
                     trigger=self._trigger)
        if isinstance(report, RunReport) and not (report.dry_run or report.cancelled or report.held):
            self._play_demo_day()

    def _play_demo_day(self) -> None:
        """In the demo, after the first sync that exported orders, the shop's people act (app/demo_story.py):
        the next sync shows a payment, a return and an order changed on both sides."""
        story = getattr(self.context.demo, "story", None)
        if story is None or story.played:
            return
        run_in_background(story.play_day, self._show_demo_day, self._demo_day_failed, owner=self)

    def _demo_day_failed(self, message: str) -> None:
        # the demo goes on without its day; the technical log says why (nothing the person must do)
        logging.getLogger(__name__).warning("the demo's day did not play: %s", message)

    def _show_demo_day(self, lines: object) -> None:
        if not isinstance(lines, list) or not lines:
            return
        language = current_language()
        items = "".join(f"<li>{html.escape(render(line, language))}</li>" for line in lines)
        box = QMessageBox(QMessageBox.Icon.Information, render(msg("demo.day_title"), language),
                          f"<p>{html.escape(render(msg('demo.day_intro'), language))}</p><ul>{items}</ul>"
                          f"<p>{html.escape(render(msg('demo.day_outro'), language))}</p>",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("demoDayBox")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.demo_day_box = box
        box.show()

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        self._close_safety_dialog()
        self.panel.on_failed(message)
        self.log_tab.on_run_finished()
        if self.controller.last_failed_busy:
            # another run of this profile (a CLI run, cron) was going on: nothing failed, nothing was done. The
            # panel says so; a scheduled run's skip is also in the journal (app/sync/engine.py)
            self.statusBar().showMessage(message, 15_000)
        else:
            self.tray.notify_failure(message)
        self.refresh()

    @Slot(str)
    def _on_run_skipped(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    # -- data --------------------------------------------------------------------------------------------

    def refresh(
        self,
        notify_from: dict[ConflictKind, int] | None = None,
        report: RunReport | None = None,
        trigger: str = "manual",
    ) -> None:
        """Re-read the profile, recent runs and conflict counts in the background."""
        db, pid = self.context.db, self.profile_id

        def read() -> Snapshot:
            prefs = dict(DEFAULT_UI_PREFS)
            prefs.update(db.settings(pid).get(UI_PREFS_KEY, {}) or {})
            runs = db.runs(pid)
            return Snapshot(
                profile=db.profiles.get(pid),
                runs=runs.recent(RECENT_RUNS),
                last_finished=runs.last_finished(),
                conflict_counts=db.conflicts(pid).counts_by_kind(),
                settings=db.settings(pid).load_sync(),
                prefs=prefs,
            )

        def apply(snapshot: Snapshot) -> None:
            self._apply_snapshot(snapshot)
            if report is not None:
                if report.held:
                    if trigger == "schedule":  # nobody was asked: say it where it is seen
                        self.tray.notify_held(report.message_text(current_language()))
                elif not report.ok and not report.cancelled and report.errors:
                    self.tray.notify_failure(report.message_text(current_language()))
                if notify_from is not None:
                    new = sum(snapshot.conflict_counts.values()) - sum(notify_from.values())
                    if new > 0:
                        self.tray.notify_conflicts(new)
            self.refreshed.emit()

        run_in_background(read, apply, lambda message: self.statusBar().showMessage(message), owner=self)

    def _apply_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        if snapshot.profile is not None:
            self.profile_label.setText(snapshot.profile.name)
            self.setWindowTitle(f"{APP_NAME} — {snapshot.profile.name}")
        self.panel.set_last_run(snapshot.last_finished)
        self.log_tab.set_runs(snapshot.runs)
        self.history_tab.set_runs(snapshot.runs)
        self.conflicts_tab.set_counts(snapshot.conflict_counts)
        self.conflicts_tab.reload()
        open_conflicts = sum(snapshot.conflict_counts.values())
        index = self.tabs.indexOf(self.conflicts_tab)
        title = self.tr("Conflicts ({count})").format(count=open_conflicts) if open_conflicts else self.tr("Conflicts")
        self.tabs.setTabText(index, title)
        self.schedule_tab.load(snapshot.settings, snapshot.prefs, snapshot.profile)
        self.scheduler.configure(snapshot.settings.schedule_minutes, snapshot.settings.stock_schedule_minutes)
        self.tray.enabled_notifications = bool(snapshot.prefs.get("notify", True))
        self.tray.set_status(snapshot.last_finished, open_conflicts)

    @Slot(object)
    def _on_schedule_saved(self, _what: object) -> None:
        self.refresh()

    @Slot()
    def _show_next_run(self) -> None:
        self.panel.set_next_run(self.scheduler.next_full_run(), self.scheduler.next_stock_run())

    @Slot(int)
    def show_run_log(self, run_id: int) -> None:
        self.log_tab.show_run(run_id)
        self.tabs.setCurrentWidget(self.log_tab)

    # -- window ------------------------------------------------------------------------------------------

    @Slot()
    def show_normal(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def keeps_running_in_tray(self) -> bool:
        prefs = self.snapshot.prefs if self.snapshot else DEFAULT_UI_PREFS
        return bool(prefs.get("keep_in_tray", True)) and self.tray.available

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.keeps_running_in_tray():
            # The schedule keeps running; the tray icon brings the window back.
            self.hide()
            self.tray.notify_hidden()
            event.ignore()
            return
        if self.controller.running and not self._quitting:
            answer = QMessageBox.question(
                self,
                self.tr("A sync is running"),
                self.tr("A sync is running. Stop it after the current batch and quit?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._shutdown()
        event.accept()
        self.quit_requested.emit()

    @Slot()
    def quit_app(self) -> None:
        self._quitting = True
        self.close()

    @Slot()
    def check_outside_runs(self) -> None:
        """Refresh when the latest run is not the one shown (a run of the CLI or the OS schedule)."""
        if self.controller.running:
            return  # our own run refreshes when it ends
        db, pid = self.context.db, self.profile_id

        def read() -> tuple[int, str] | None:
            latest = db.runs(pid).recent(limit=1)
            return (latest[0].id, latest[0].status) if latest else None

        def apply(latest: tuple[int, str] | None) -> None:
            shown = self.snapshot.runs[0] if self.snapshot is not None and self.snapshot.runs else None
            if latest != ((shown.id, shown.status) if shown is not None else None):
                self.refresh()

        run_in_background(read, apply, lambda _message: None, owner=self)

    def _shutdown(self) -> None:
        self._outside_runs.stop()
        self.scheduler.stop()
        if self.controller.running:
            self.controller.stop()
            self.controller.wait(60_000)
        self.tray.hide()

    def make_support_bundle(self) -> SupportDialog | None:
        """Write the support bundle (app/support_bundle.py) and show what it holds and where it is."""
        from app.support_bundle import build_bundle

        try:
            bundle = build_bundle(self.context.db, self.context.data_dir)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Report for the developers"), self.tr(
                "Svyazka could not write the report ({error}). Free some disk space or check the rights to the "
                "data folder, then try again.").format(error=exc.strerror or exc))
            return None
        dialog = SupportDialog(bundle, self)
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Svyazka"),
            self.tr(
                "Svyazka {version} keeps RetailCRM and MoySklad in sync. Every change is written to the journal; "
                "keys are kept only in your system's password storage."
            ).format(version=__version__),
        )


def quit_when_closed(window: MainWindow) -> None:
    """Quit the application once the window really closed (not when it went to the tray)."""
    window.quit_requested.connect(lambda: QTimer.singleShot(0, QApplication.quit))
