"""Page 4: the organization, which MoySklad warehouse feeds which RetailCRM store, stock kind, master system,
and the MoySklad product folders Svyazka works with (the folder filter)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from app.store import StorePair
from app.ui.wizard.base import WizardPage
from app.ui.wizard.folder_tree import FolderTree
from app.ui.wizard.pairing import PairingTable


class WarehousesPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Organization and warehouses"))
        self.setSubTitle(
            self.tr("Choose whose orders these are and which warehouse's stock each RetailCRM store shows.")
        )
        self.organization_combo = QComboBox()
        self.table = PairingTable(self.tr("MoySklad warehouse"), self.tr("RetailCRM store"))

        self.stock_radio = QRadioButton(self.tr("Stock"))
        self.free_radio = QRadioButton(self.tr("Free stock"))
        stock_group = QButtonGroup(self)
        stock_group.addButton(self.stock_radio)
        stock_group.addButton(self.free_radio)
        stock_box = QGroupBox(self.tr("Which stock RetailCRM shows"))
        stock_layout = QVBoxLayout(stock_box)
        stock_layout.addWidget(self.stock_radio)
        stock_layout.addWidget(_explained(self.tr("Everything on the shelf.")))
        stock_layout.addWidget(self.free_radio)
        stock_layout.addWidget(
            _explained(self.tr("On the shelf minus what is reserved for orders: nothing is sold twice."))
        )

        self.ms_master_radio = QRadioButton(self.tr("MoySklad (recommended)"))
        self.rc_master_radio = QRadioButton(self.tr("RetailCRM"))
        master_group = QButtonGroup(self)
        master_group.addButton(self.ms_master_radio)
        master_group.addButton(self.rc_master_radio)
        master_box = QGroupBox(self.tr("Where products are kept (master system)"))
        master_layout = QVBoxLayout(master_box)
        master_layout.addWidget(self.ms_master_radio)
        master_layout.addWidget(
            _explained(self.tr("Products, prices and stock are kept in MoySklad; RetailCRM gets copies."))
        )
        master_layout.addWidget(self.rc_master_radio)
        master_layout.addWidget(
            _explained(self.tr("Products start in RetailCRM; Svyazka creates the missing ones in MoySklad."))
        )

        self.folder_tree = FolderTree()
        self.folders_box = QGroupBox(self.tr("Which MoySklad products Svyazka works with"))
        folders_layout = QVBoxLayout(self.folders_box)
        folders_layout.addWidget(_explained(self.tr(
            "Uncheck the product folders nobody sells through RetailCRM: their products (subfolders too) are "
            "not linked, created or counted. Everything is included by default."
        ), indent=0))
        folders_layout.addWidget(self.folder_tree)

        form = QFormLayout()
        form.addRow(self.tr("Organization"), self.organization_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        # the choices below the table side by side, so that the table keeps room for several warehouses
        choices = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(stock_box)
        left.addWidget(master_box)
        choices.addLayout(left, 1)
        choices.addWidget(self.folders_box, 1)
        layout.addLayout(choices)
        layout.addWidget(self.message)
        self._filled_for: object = None
        self.table.changed.connect(self.message.clear_message)

    def initializePage(self) -> None:
        state = self.state
        state.ensure_suggestion()
        if self._filled_for == state.suggested_for:
            return  # same accounts as last time: keep what the person chose
        self._filled_for = state.suggested_for
        rc, ms, settings = state.rc_account, state.ms_account, state.settings
        assert rc is not None and ms is not None
        self.organization_combo.clear()
        for organization in ms.organizations:
            self.organization_combo.addItem(organization.name, organization.id)
        self.organization_combo.setCurrentIndex(max(self.organization_combo.findData(settings.organization_id), 0))
        chosen = {pair.ms_store_id: pair.rc_store_code for pair in settings.store_pairs}
        self.table.fill(
            [(s.id, s.name) for s in ms.stores],
            [(s.code, f"{s.name} ({s.code})") for s in rc.stores],
            chosen,
            self.tr("— not sent —"),
        )
        (self.free_radio if settings.stock_type == "freeStock" else self.stock_radio).setChecked(True)
        (self.rc_master_radio if settings.master == "retailcrm" else self.ms_master_radio).setChecked(True)
        self.folder_tree.fill(ms.folders, settings.excluded_folders)
        self.folders_box.setVisible(bool(ms.folders))

    def validatePage(self) -> bool:
        if self.organization_combo.currentData() is None:
            return self.fail(self.tr("Choose the organization whose orders Svyazka creates in MoySklad."))
        pairs = self.table.pairs()
        if not pairs:
            return self.fail(
                self.tr("Choose a RetailCRM store for at least one MoySklad warehouse, or stock cannot be sent.")
            )
        twice = self.table.duplicated_right()
        if twice:
            return self.fail(
                self.tr(
                    "The RetailCRM store «{store}» is chosen for two warehouses. Each store can show the stock of "
                    "one warehouse: choose another store for one of them."
                ).format(store=twice[0])
            )
        self.state.update(
            organization_id=self.organization_combo.currentData(),
            organization_name=self.organization_combo.currentText(),
            store_pairs=tuple(StorePair(ms_id, self.table.left_name(ms_id), code) for ms_id, code in pairs),
            stock_type="freeStock" if self.free_radio.isChecked() else "stock",
            master="retailcrm" if self.rc_master_radio.isChecked() else "moysklad",
            excluded_folders=self.folder_tree.excluded(),
        )
        self.message.clear_message()
        return True


def _explained(text: str, indent: int = 24) -> QLabel:
    # A radio button cannot wrap its text: the explanation goes under it, indented like the button's text.
    label = QLabel(text)
    label.setWordWrap(True)
    label.setIndent(indent)
    return label
