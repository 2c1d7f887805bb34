"""The resolution dialog: both sides of a conflict side by side, with only the actions that fit it.

* a duplicate SKU: choose the MoySklad item and the RetailCRM offer that belong together (``pick``);
* an item only on one side: create it on the other side, or link it with the offer that holds its key;
* an order changed on both sides: its lines in MoySklad and in RetailCRM in two small tables, and which side
  wins (``use_retailcrm`` / ``use_moysklad``);
* anything: ignore it (and, once decided, reopen it).

Decisions are written to the store in the background; the sync honours them on its next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store import Conflict, Database
from app.store.conflicts import side_items
from app.ui.i18n import current_language
from app.ui.labels import CONFLICT_KIND_LABELS, CONFLICT_STATUS_LABELS, RESOLUTION_LABELS, label, local_time
from app.ui.worker import run_in_background
from app.vocab import ConflictKind, ResolutionAction

ITEM_KINDS = (
    ConflictKind.DUPLICATE_KEY,
    ConflictKind.ONLY_IN_MOYSKLAD,
    ConflictKind.ONLY_IN_RETAILCRM,
    ConflictKind.ARCHIVED_IN_MOYSKLAD,
)


def as_items(data: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """A conflict side as a list of dicts: the same choices ``conflicts resolve`` accepts (see side_items)."""
    return side_items(data, kind)


def resolution_for(conflict: Conflict, action: str, ms_id: str | None = None, rc_id: Any = None) -> dict[str, Any]:
    """The decision the sync engine expects for ``action`` (``pick``/``link`` carry the chosen ids)."""
    decision: dict[str, Any] = {"action": action}
    if action in ("pick", "link"):
        if ms_id is not None:
            decision["ms_id"] = ms_id
        if rc_id is not None:
            decision["rc_id"] = int(rc_id) if str(rc_id).isdigit() else rc_id
    return decision


def allowed_actions(conflict: Conflict) -> list[str]:
    """Which decisions fit this conflict, in the order the buttons appear."""
    if conflict.status != "open":
        return ["reopen"]
    if conflict.kind == ConflictKind.REQUIRED_ATTRIBUTE:
        # settled in the settings or in MoySklad, and closed by the next sync itself: nothing to pick or ignore
        # (ignoring would only send the orders to be refused again every run)
        return []
    ms, rc = as_items(conflict.ms_data, conflict.kind), as_items(conflict.rc_data, conflict.kind)
    actions: list[str] = []
    if conflict.kind == ConflictKind.DUPLICATE_KEY:
        actions.append("pick")
    elif conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
        if ms:
            actions.append("pick")
        actions.append("create")
    elif conflict.kind in (ConflictKind.ONLY_IN_MOYSKLAD, ConflictKind.ONLY_IN_RETAILCRM):
        actions.append("create")
        if ms and rc:
            actions.append("link")
    elif conflict.kind == "archived_in_moysklad" and ms and rc:
        actions.append("link")  # linked, the offer's stock goes to 0 (app/sync/catalog/retired.py)
    elif conflict.kind == ConflictKind.ORDER_CHANGED_BOTH_SIDES:
        actions.extend((ResolutionAction.USE_RETAILCRM.value, ResolutionAction.USE_MOYSKLAD.value))
    actions.append("ignore")
    return actions


class ItemCard(QGroupBox):
    """One item of one side: every fact that helps decide, in a form. Optionally choosable."""

    def __init__(
        self, service: str, item: dict[str, Any], choosable: bool, kind: str = "", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.item = item
        self.service = service
        self.kind = kind
        name = str(item.get("name") or item.get("value") or "—")
        self.setTitle(name)
        layout = QVBoxLayout(self)
        self.choice: QRadioButton | None = None
        if choosable:
            self.choice = QRadioButton(self.tr("Keep this one"))
            layout.addWidget(self.choice)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for caption, value in self.rows():
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(caption, text)
        layout.addLayout(form)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    @property
    def item_id(self) -> Any:
        return self.item.get("id")

    def rows(self) -> list[tuple[str, str]]:
        item = self.item
        rows: list[tuple[str, str]] = []

        def add(caption: str, value: Any) -> None:
            if value is None or value == "" or value == [] or value == {}:
                return
            rows.append((caption, _text(value)))

        add(self.tr("Article"), item.get("article"))
        add(self.tr("INN"), item.get("inn"))
        add(self.tr("E-mail"), item.get("email"))
        add(self.tr("Phone"), item.get("phone"))
        add(self.tr("Waiting orders"), item.get("orders"))
        add(self.tr("Order number"), item.get("number"))
        add(self.tr("Reasons"), item.get("reasons"))
        add(self.tr("Code"), item.get("code"))
        add(self.tr("External code"), item.get("external_code") or item.get("external_id"))
        add(self.tr("XML id"), item.get("xml_id"))
        barcodes = item.get("barcodes") or item.get("barcode")
        add(self.tr("Barcode"), barcodes)
        characteristics = item.get("characteristics") or []
        if characteristics:
            add(
                self.tr("Characteristics"),
                ", ".join(f"{c.get('name')}: {c.get('value')}" for c in characteristics if isinstance(c, Mapping)),
            )
        prices = item.get("sale_prices") or item.get("prices") or []
        if isinstance(prices, list) and prices:
            add(
                self.tr("Prices"),
                "\n".join(
                    f"{p.get('price_type') or p.get('code') or ''}: {p.get('value') or p.get('price') or '—'} ₽"
                    for p in prices
                    if isinstance(p, Mapping)
                ),
            )
        elif item.get("price") is not None:
            add(self.tr("Price"), f"{item.get('price')} ₽")
        if item.get("buy_price") is not None:
            add(self.tr("Purchase price"), f"{item.get('buy_price')} ₽")
        stock = item.get("stock")
        if isinstance(stock, Mapping):
            add(self.tr("Stock"), "\n".join(f"{store}: {qty}" for store, qty in stock.items()))
        elif stock is not None:
            add(self.tr("Stock"), stock)
        add(self.tr("Where"), self._where())
        if self.kind in ITEM_KINDS:
            linked = item.get("linked_rc_id") if self.service == "moysklad" else item.get("linked_ms_id")
            add(self.tr("Linked to"), linked if linked is not None else self.tr("nothing yet"))
        add(self.tr("Id"), item.get("id"))
        known = {
            "id", "name", "type", "article", "code", "external_code", "external_id", "xml_id", "barcodes",
            "barcode", "characteristics", "sale_prices", "prices", "price", "buy_price", "stock", "archived",
            "active", "site", "product_id", "linked_rc_id", "linked_ms_id", "value", "image", "image_url",
            "inn", "email", "phone", "orders", "number", "reasons", "customer_id", "order_id", "offer_id", "status",
            "field", "order_ids",  # required_attribute: the field is the card's title, the ids are for the sync
        }  # fmt: skip
        for key, value in item.items():
            if key not in known:
                add(key.replace("_", " "), value)
        return rows

    def _where(self) -> str:
        item = self.item
        if self.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
            return self.tr("MoySklad, counterparty") if self.service == "moysklad" else self.tr("RetailCRM, customer")
        if self.kind not in ITEM_KINDS:
            return self.tr("MoySklad") if self.service == "moysklad" else self.tr("RetailCRM")
        if self.service == "moysklad":
            kind = self.tr("variant") if item.get("type") == "variant" else self.tr("product")
            text = self.tr("MoySklad, {kind}").format(kind=kind)
            if item.get("archived"):
                text += ", " + self.tr("archived")
            return text
        text = self.tr("RetailCRM")
        if item.get("site"):
            text += ", " + self.tr("shop {site}").format(site=item.get("site"))
        if item.get("active") is False:
            text += ", " + self.tr("inactive")
        return text


def _choosable(cards: list[ItemCard]) -> bool:
    return any(card.choice is not None for card in cards)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _mapping(data: Any) -> Mapping[str, Any]:
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        return data[0]
    return data if isinstance(data, Mapping) else {}


def _lines(data: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """An order's lines from a conflict side (app/sync/orders/edits.py: name, quantity, price)."""
    out = []
    for line in data.get("lines") or []:
        if isinstance(line, Mapping):
            try:
                quantity, price = float(line.get("quantity") or 0), float(line.get("price") or 0)
            except (TypeError, ValueError):
                continue
            out.append((str(line.get("name") or ""), quantity, price))
    return out


def _number(value: float) -> str:
    return f"{value:g}"


class ConflictDialog(QDialog):
    """``decided(conflict)`` after a decision (or a reopen) was saved."""

    decided = Signal(object)

    def __init__(self, conflict: Conflict, db: Database, profile_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflict = conflict
        self._db = db
        self._profile_id = profile_id
        self.setWindowTitle(self.tr("Conflict: {kind}").format(kind=label(CONFLICT_KIND_LABELS, conflict.kind)))
        self.ms_items = as_items(conflict.ms_data, conflict.kind)
        self.rc_items = as_items(conflict.rc_data, conflict.kind)
        is_open = conflict.status == "open"
        ms_choosable = is_open and conflict.kind in (ConflictKind.DUPLICATE_KEY, ConflictKind.AMBIGUOUS_COUNTERPARTY)
        rc_choosable = is_open and conflict.kind == ConflictKind.DUPLICATE_KEY

        title = QLabel(conflict.title_text(current_language()))
        title.setWordWrap(True)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        title.setFont(font)
        explanation = QLabel(self._explanation())
        explanation.setWordWrap(True)
        state = QLabel(self._state_text())
        state.setWordWrap(True)

        self.ms_cards = [ItemCard("moysklad", item, ms_choosable, conflict.kind) for item in self.ms_items]
        self.rc_cards = [ItemCard("retailcrm", item, rc_choosable, conflict.kind) for item in self.rc_items]
        self.action_buttons: dict[str, QPushButton] = {}
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.ms_group = QButtonGroup(self)
        self.rc_group = QButtonGroup(self)
        for group, cards in ((self.ms_group, self.ms_cards), (self.rc_group, self.rc_cards)):
            for card in cards:
                if card.choice is not None:
                    group.addButton(card.choice)
                    card.choice.toggled.connect(self._update_buttons)
        self._preselect()

        sides = QHBoxLayout()
        self.line_tables: dict[str, QTableWidget] = {}
        if conflict.kind == ConflictKind.ORDER_CHANGED_BOTH_SIDES:
            ms_side, rc_side = _mapping(conflict.ms_data), _mapping(conflict.rc_data)
            ms_lines, rc_lines = _lines(ms_side), _lines(rc_side)
            sides.addWidget(self._order_side("moysklad", self.tr("In MoySklad"), ms_side, ms_lines, rc_lines), 1)
            sides.addWidget(self._order_side("retailcrm", self.tr("In RetailCRM"), rc_side, rc_lines, ms_lines), 1)
        else:
            sides.addWidget(self._side(self.tr("MoySklad"), self.ms_cards, self.tr("Nothing in MoySklad.")), 1)
            sides.addWidget(self._side(self.tr("RetailCRM"), self.rc_cards, self.tr("Nothing in RetailCRM.")), 1)
        sides_widget = QWidget()
        sides_widget.setLayout(sides)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(sides_widget)

        self.buttons = QDialogButtonBox()
        for action in allowed_actions(conflict):
            button = QPushButton(self._action_text(action))
            button.setToolTip(self._action_tip(action))
            button.clicked.connect(lambda _checked=False, a=action: self.apply(a))
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            self.action_buttons[action] = button
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addWidget(state)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.resize(900, 640)
        self._update_buttons()

    # -- layout helpers ----------------------------------------------------------------------------------

    def _side(self, title: str, cards: list[ItemCard], empty: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        if not cards:
            nothing = QLabel(empty)
            nothing.setWordWrap(True)
            layout.addWidget(nothing)
        for card in cards:
            layout.addWidget(card)
        layout.addStretch(1)
        return box

    def _order_side(self, side: str, title: str, data: Mapping[str, Any], lines: list[tuple[str, float, float]],
                    other: list[tuple[str, float, float]]) -> QWidget:
        """One side of an order changed on both sides: its lines (name, quantity, price) in a small table, the
        lines the other side does not have in bold, and its description."""
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        table = QTableWidget(len(lines), 3)
        table.setObjectName(f"lines_{side}")
        table.setHorizontalHeaderLabels([self.tr("Product"), self.tr("Quantity"), self.tr("Price")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, line in enumerate(lines):
            cells = [line[0], _number(line[1]), f"{line[2]:.2f}"]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if line not in other:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        layout.addWidget(table, 1)
        self.line_tables[side] = table
        name = _text(data.get("name") or data.get("number") or "")
        if name:
            layout.addWidget(QLabel(self.tr("Order: {name}").format(name=name)))
        description = QLabel(self.tr("Comment: {text}").format(text=_text(data.get("description") or "—")))
        description.setWordWrap(True)
        layout.addWidget(description)
        return box

    def _explanation(self) -> str:
        kind = self.conflict.kind
        if kind == ConflictKind.ORDER_CHANGED_BOTH_SIDES:
            return self.tr(
                "This order was changed in MoySklad (for example, a picker replaced a product) and in RetailCRM "
                "since the last sync, so Svyazka changed nothing in it. Lines that differ are in bold. Choose "
                "which version to keep; the next sync carries it out."
            )
        if kind == ConflictKind.DUPLICATE_KEY:
            return self.tr(
                "Several items share one key, so Svyazka cannot tell which belong together. Pick the MoySklad "
                "item and the RetailCRM offer that are the same product; the others stay unlinked. Better still, "
                "give each product its own SKU in MoySklad."
            )
        if kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
            return self.tr(
                "Several MoySklad counterparties fit this RetailCRM customer, so the order waits. Choose the right "
                "counterparty, or let Svyazka create a new one."
            )
        if kind == ConflictKind.UNMAPPED_STATUS:
            return self.tr(
                "Orders in this RetailCRM status wait because it has no MoySklad status. Choose one in the "
                "connection settings (Orders page), or ignore the status to skip such orders."
            )
        if kind == ConflictKind.UNLINKED_ORDER_LINE:
            return self.tr(
                "An order has a product that is not linked to MoySklad. Link the product in the catalog (see the "
                "catalog conflicts), or ignore this line."
            )
        if kind == ConflictKind.ONLY_IN_MOYSKLAD:
            return self.tr(
                "This item is in MoySklad but no RetailCRM offer has its key. Create it in RetailCRM, link it to "
                "the offer shown on the right (if any), or ignore it."
            )
        if kind == ConflictKind.ONLY_IN_RETAILCRM:
            return self.tr(
                "This offer is in RetailCRM but no MoySklad item has its key. Create it in MoySklad, link it to "
                "the item shown on the left (if any), or ignore it."
            )
        if kind == "archived_in_moysklad":
            return self.tr(
                "The only MoySklad item with this offer's key is archived in MoySklad. Restore it from the archive "
                "in MoySklad, link it (the offer's stock then goes to 0), or ignore it."
            )
        if kind == ConflictKind.REQUIRED_ATTRIBUTE:
            return self.tr(
                "MoySklad requires this additional field on customer orders, and nothing fills it, so MoySklad "
                "refuses the orders and they wait. Choose what fills it in the connection settings (Orders page, "
                "MoySklad order fields) or with svyazka setup --order-attribute, or make the field optional in "
                "MoySklad. The next sync then sends the waiting orders and closes this conflict by itself."
            )
        return self.tr("Svyazka did not guess here. Fix it in the service or in the settings, or ignore it.")

    def _state_text(self) -> str:
        conflict = self.conflict
        text = self.tr("{status}. First seen {first}, last seen {last}.").format(
            status=label(CONFLICT_STATUS_LABELS, conflict.status),
            first=local_time(conflict.detected_at),
            last=local_time(conflict.last_seen_at),
        )
        if conflict.resolution:
            text += " " + self.tr("Decision: {decision}.").format(
                decision=label(RESOLUTION_LABELS, str(conflict.resolution.get("action")))
            )
        return text

    def _action_text(self, action: str) -> str:
        if action == "create" and self.conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
            return self.tr("Create a new counterparty")
        if action == "create":
            return (
                self.tr("Create in RetailCRM")
                if self.conflict.kind == ConflictKind.ONLY_IN_MOYSKLAD
                else self.tr("Create in MoySklad")
            )
        if action == "pick":
            if self.conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
                return self.tr("Use the chosen counterparty")
            return self.tr("Keep the chosen pair")
        if action == "link":
            return self.tr("Link these two")
        if action == "ignore":
            return self.tr("Ignore")
        if action == ResolutionAction.USE_RETAILCRM:
            return self.tr("Keep as in RetailCRM")
        if action == ResolutionAction.USE_MOYSKLAD:
            return self.tr("Keep as in MoySklad")
        return self.tr("Reopen")

    def _action_tip(self, action: str) -> str:
        return {
            "pick": self.tr("The chosen item and offer are linked; the others are left alone."),
            "link": self.tr("These two are the same product: link them."),
            "create": self.tr("Svyazka creates it on the other side during the next sync."),
            "ignore": self.tr("Svyazka stops asking about this one."),
            "reopen": self.tr("Forget the decision and ask again."),
            "use_retailcrm": self.tr("The next sync writes RetailCRM's order (status and lines) to MoySklad."),
            "use_moysklad": self.tr("MoySklad's lines stay; the next sync sends only the status."),
        }.get(action, "")

    def _preselect(self) -> None:
        # An item already linked to one on the other side is the natural choice; alone on a side, it is the only one.
        for cards, other_key in ((self.ms_cards, "linked_rc_id"), (self.rc_cards, "linked_ms_id")):
            choosable = [c for c in cards if c.choice is not None]
            linked = [c for c in choosable if c.item.get(other_key) is not None]
            pick = linked[0] if len(linked) == 1 else choosable[0] if len(choosable) == 1 else None
            if pick is not None and pick.choice is not None:
                pick.choice.setChecked(True)

    # -- choosing ----------------------------------------------------------------------------------------

    def chosen_ms(self) -> ItemCard | None:
        return next((c for c in self.ms_cards if c.choice is not None and c.choice.isChecked()), None)

    def chosen_rc(self) -> ItemCard | None:
        return next((c for c in self.rc_cards if c.choice is not None and c.choice.isChecked()), None)

    def choose(self, ms_id: Any = None, rc_id: Any = None) -> None:
        """Tick the cards with these ids (tests and keyboard users)."""
        for cards, wanted in ((self.ms_cards, ms_id), (self.rc_cards, rc_id)):
            for card in cards:
                if wanted is not None and card.choice is not None and str(card.item_id) == str(wanted):
                    card.choice.setChecked(True)

    @Slot()
    def _update_buttons(self) -> None:
        pick = self.action_buttons.get("pick")
        if pick is not None:
            ms_ok = not _choosable(self.ms_cards) or self.chosen_ms() is not None
            rc_ok = not _choosable(self.rc_cards) or self.chosen_rc() is not None
            pick.setEnabled(ms_ok and rc_ok)
            if not (ms_ok and rc_ok):
                self.message_label.setText(
                    self.tr("Choose the counterparty to use, or let Svyazka create a new one.")
                    if self.conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY
                    else self.tr("Choose one item on each side to keep, or ignore the conflict.")
                )
            else:
                self.message_label.clear()

    # -- deciding ----------------------------------------------------------------------------------------

    def decision(self, action: str) -> dict[str, Any]:
        if action == "pick":
            ms, rc = self.chosen_ms(), self.chosen_rc()
            return resolution_for(self.conflict, "pick", ms.item_id if ms else None, rc.item_id if rc else None)
        if action == "link":
            return resolution_for(self.conflict, "link", self.ms_items[0].get("id"), self.rc_items[0].get("id"))
        return resolution_for(self.conflict, action)

    def apply(self, action: str) -> None:
        """Save the decision for ``action`` in the background; the dialog closes when it is stored."""
        repo = self._db.conflicts(self._profile_id)
        conflict_id = self.conflict.id
        if action == "reopen":
            work = lambda: repo.reopen(conflict_id)  # noqa: E731
        else:
            decision = self.decision(action)
            work = lambda: repo.resolve(conflict_id, decision)  # noqa: E731
        for button in self.action_buttons.values():
            button.setEnabled(False)
        self.message_label.setText(self.tr("Saving…"))

        def done(conflict: Conflict) -> None:
            self.conflict = conflict
            self.decided.emit(conflict)
            self.accept()

        def failed(message: str) -> None:
            self.message_label.setText(message)
            for button in self.action_buttons.values():
                button.setEnabled(True)
            self._update_buttons()

        run_in_background(work, done, failed, owner=self)
