"""Page 5: which MoySklad price type fills which RetailCRM price type."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.store import PricePair
from app.ui.wizard.base import WizardPage
from app.ui.wizard.pairing import PairingTable


class PricesPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Prices"))
        self.setSubTitle(
            self.tr("Pair the price types: MoySklad's price goes into the RetailCRM price type you choose.")
        )
        self.table = PairingTable(self.tr("MoySklad price type"), self.tr("RetailCRM price type"))
        hint = QLabel(
            self.tr(
                "Prices are sent from MoySklad to RetailCRM. A price type left without a pair is not sent; "
                "the purchase price is sent with the stock."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        self._filled_for: object = None
        self.table.changed.connect(self.message.clear_message)

    def initializePage(self) -> None:
        state = self.state
        state.ensure_suggestion()
        if self._filled_for == state.suggested_for:
            return
        self._filled_for = state.suggested_for
        rc, ms = state.rc_account, state.ms_account
        assert rc is not None and ms is not None
        chosen = {pair.ms_price_type_id: pair.rc_price_code for pair in state.settings.price_pairs}
        self.table.fill(
            [(p.id, p.name) for p in ms.price_types],
            [(p.code, f"{p.name} ({p.code})") for p in rc.price_types],
            chosen,
            self.tr("— not sent —"),
        )

    def validatePage(self) -> bool:
        pairs = self.table.pairs()
        if not pairs:
            return self.fail(self.tr("Choose a RetailCRM price type for at least one MoySklad price type."))
        twice = self.table.duplicated_right()
        if twice:
            return self.fail(
                self.tr(
                    "The RetailCRM price type «{price}» is chosen twice. Each RetailCRM price type takes one "
                    "MoySklad price: choose another one for one of the rows."
                ).format(price=twice[0])
            )
        self.state.update(
            price_pairs=tuple(PricePair(ms_id, self.table.left_name(ms_id), code) for ms_id, code in pairs)
        )
        self.message.clear_message()
        return True
