"""Page 1: what Svyazka does, and a choice: connect my accounts, or try the demo shop."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout

from app.ui.widgets import MessageLabel
from app.ui.wizard.base import WizardPage


class WelcomePage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to Svyazka"))
        self.setSubTitle(self.tr("Setup takes about five minutes. Nothing is changed until you say so."))
        intro = QLabel(
            self.tr(
                "Svyazka keeps your RetailCRM and MoySklad in step: orders become customer orders in MoySklad, "
                "stock and prices go back to RetailCRM. Every change is written to a journal you can read, "
                "duplicate SKUs are shown side by side for you to decide, and your keys are kept only in this "
                "computer's password storage."
            )
        )
        intro.setWordWrap(True)
        self.needs = MessageLabel()
        self.needs.show_lines(
            "info",
            self.tr("What you need:"),
            [
                self.tr("an API key of your RetailCRM account (the wizard says where to find it);"),
                self.tr("a MoySklad token, or the login and password of a MoySklad user;"),
                self.tr("a few minutes to pair warehouses, prices and order statuses (most are prefilled)."),
            ],
        )
        self.connect_radio = QRadioButton(self.tr("Connect my RetailCRM and MoySklad accounts"))
        self.demo_radio = QRadioButton(self.tr("Try the demo shop first"))
        demo_hint = QLabel(
            self.tr(
                "Both services run on this computer with a made-up shop (with a few duplicate SKUs and an "
                "unmapped status on purpose). No accounts are needed and no real data is touched."
            )
        )
        demo_hint.setWordWrap(True)
        demo_hint.setIndent(24)
        group = QButtonGroup(self)
        group.addButton(self.connect_radio)
        group.addButton(self.demo_radio)
        self.connect_radio.setChecked(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.needs)
        layout.addSpacing(12)
        layout.addWidget(self.connect_radio)
        layout.addWidget(self.demo_radio)
        layout.addWidget(demo_hint)
        layout.addStretch(1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        if self.setup_wizard().context.is_demo:
            self.demo_radio.setChecked(True)

    def validatePage(self) -> bool:
        wizard = self.setup_wizard()
        if not self.demo_radio.isChecked() or wizard.context.is_demo:
            return True
        if self.busy:
            return False
        self.message.show_message("info", self.tr("Starting the demo shop…"))
        self.set_busy(True)
        self._advance_when_done = True

        def started() -> None:
            self.set_busy(False)
            self.message.clear_message()
            self.advance_after_check()

        def failed(text: str) -> None:
            self.set_busy(False)
            self._advance_when_done = False
            self.fail(text)

        wizard.start_demo(started, failed)
        return False
