"""What every wizard page shares: the wizard's state, a message line, and "check, then go on".

Translatable text lives in the page classes themselves (``self.tr`` takes the runtime class as its
context, so a base class must not call it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWizardPage

from app.ui.widgets import MessageLabel
from app.ui.wizard.state import WizardState

if TYPE_CHECKING:
    from app.ui.wizard.wizard import SetupWizard


class WizardPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.message = MessageLabel()
        self.busy = False
        self._advance_when_done = False

    def setup_wizard(self) -> SetupWizard:
        wizard = self.wizard()
        assert wizard is not None
        return wizard  # type: ignore[return-value]

    @property
    def state(self) -> WizardState:
        return self.setup_wizard().state

    def cleanupPage(self) -> None:
        # QWizard's default resets the fields when going Back; what was typed must survive Back.
        pass

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy

    def fail(self, text: str) -> bool:
        """Show what to fix and stay on the page."""
        self.message.show_message("error", text)
        return False

    def advance_after_check(self) -> None:
        """Called by a page when a check that Next started has succeeded: go on by itself."""
        if self._advance_when_done:
            self._advance_when_done = False
            wizard = self.wizard()
            if wizard is not None and wizard.currentPage() is self:
                wizard.next()
