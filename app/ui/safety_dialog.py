"""The question the safety check before writing asks (see :mod:`app.sync.safety`): write anyway, or stop?

Opened without blocking (``open()``), so the window keeps drawing the run's progress and a test can answer it;
"Don't write" is the default button and what Esc or closing the box means.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.sync.model import Flow, SafetyTrip
from app.ui.i18n import current_language
from app.ui.labels import FLOW_LABELS, label


class SafetyDialog(QMessageBox):
    def __init__(self, flow: Flow, trips: Sequence[SafetyTrip], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Check before writing"))
        self.setText(
            self.tr("Before writing «{flow}», Svyazka found figures that usually mean a wrong setting or a failed "
                    "read:").format(flow=label(FLOW_LABELS, flow.value))
        )
        # the sentences come from the sync layer (app/messages), in the UI's language, each saying what looked
        # wrong and what to check
        lang = current_language()
        texts = [trip.msg.render(lang) if trip.msg else trip.message for trip in trips]
        self.setInformativeText("\n\n".join(f"• {text}" for text in texts))
        self.write_button: QPushButton = self.addButton(self.tr("Write anyway"), QMessageBox.ButtonRole.AcceptRole)
        self.stop_button: QPushButton = self.addButton(self.tr("Don't write, I will check"),
                                                       QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.stop_button)
        self.setEscapeButton(self.stop_button)

    def approved(self) -> bool:
        return self.clickedButton() is self.write_button
