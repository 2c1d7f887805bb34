"""Help → «Отправить отчёт разработчикам…»: what the support bundle (:mod:`app.support_bundle`) holds and where it
was saved, with a button that opens its folder. Nothing is sent anywhere: the person sends the file themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.support_bundle import Bundle


class SupportDialog(QDialog):
    """``url_opener`` opens the folder (QDesktopServices by default; tests replace it)."""

    def __init__(self, bundle: Bundle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundle = bundle
        self.url_opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.setWindowTitle(self.tr("Report for the developers"))
        layout = QVBoxLayout(self)
        saved = QLabel(self.tr("The report is saved in the file:\n{path}").format(path=str(bundle.path)))
        saved.setWordWrap(True)
        saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(saved)
        layout.addWidget(QLabel(self.tr("What is inside:")))
        self.contents = QListWidget()
        for name, size in bundle.entries:
            self.contents.addItem(self.tr("{what} — {name}, {size} KB").format(
                what=self._describe(name), name=name, size=max(1, round(size / 1024))))
        layout.addWidget(self.contents)
        note = QLabel(self.tr(
            "Keys, tokens, e-mails, phone numbers and the names of customers and counterparties are hidden. "
            "The values of your data are not in it: only the names and types of the fields the services answer "
            "with. Nothing has been sent: send the file to Svyazka's developers yourself if you agree."))
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button: QPushButton = buttons.addButton(self.tr("Open folder"),
                                                          QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_folder)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 440)

    def open_folder(self) -> None:
        self.url_opener(QUrl.fromLocalFile(str(self.bundle.path.parent)))

    def _describe(self, name: str) -> str:
        if name.startswith("shapes/"):
            return self.tr("The shape of the services' answers (no values)")
        if name.startswith("techlog/"):
            return self.tr("Technical log")
        known = {
            "README.txt": self.tr("What the report holds"),
            "about.json": self.tr("Versions of Svyazka and of the system"),
            "settings.json": self.tr("Settings, without keys"),
            "runs.json": self.tr("Results of the last runs"),
            "log.txt": self.tr("Last lines of the journal"),
        }
        return known.get(name, name)
