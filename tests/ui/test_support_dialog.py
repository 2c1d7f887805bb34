"""Help → "Send a report to the developers…": the bundle is written to the data folder and the dialog lists what
it holds, says where it is and opens its folder."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtWidgets import QLabel

from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.support_dialog import SupportDialog

pytestmark = pytest.mark.gui


def test_the_help_menu_writes_the_report_and_shows_its_contents(qtbot, context: AppContext):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window._quitting = True
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.text() == "&Help")
    assert window.report_action in help_menu.actions()
    dialogs: list[SupportDialog] = []
    window.report_action.triggered.disconnect()
    window.report_action.triggered.connect(lambda: dialogs.append(window.make_support_bundle()))
    window.report_action.trigger()
    (dialog,) = dialogs
    assert dialog is not None and dialog.isVisible()
    path = dialog.bundle.path
    assert path.is_file() and path.parent == context.data_dir / "support"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    shown = [dialog.contents.item(i).text() for i in range(dialog.contents.count())]
    assert len(shown) == len(names) and all(any(name in line for line in shown) for name in names)
    assert any(line.startswith("Settings, without keys — settings.json") for line in shown)
    assert any(str(path) in label.text() for label in dialog.findChildren(QLabel))
    opened = []
    dialog.url_opener = opened.append
    dialog.open_button.click()
    assert [u.toLocalFile() for u in opened] == [str(path.parent)]
    dialog.close()
