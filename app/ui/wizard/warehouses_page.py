"""Page 4: the organization, which MoySklad warehouse feeds which RetailCRM store, stock kind, master system,
the MoySklad product folders Svyazka works with (the folder filter), and (for a RetailCRM catalog loaded from
a file) the folder the ICML file of the MoySklad catalog goes to."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from app.store import StorePair
from app.ui.wizard.base import WizardPage
from app.ui.wizard.folder_tree import FolderTree
from app.ui.wizard.pairing import PairingTable
from app.vocab import Master, StockType


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

        # The ICML export (app/sync/catalog/icml.py): off by default; a folder makes every catalog run write it.
        self.icml_check = QCheckBox(self.tr("Write the MoySklad catalog to an ICML file for RetailCRM"))
        self.icml_folder = QLineEdit()
        self.icml_folder.setPlaceholderText(self.tr("Folder for svyazka-catalog.xml"))
        self.icml_browse = QPushButton(self.tr("Choose folder…"))
        self.icml_browse.clicked.connect(self._choose_icml_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.icml_folder, 1)
        folder_row.addWidget(self.icml_browse)
        self.icml_box = QGroupBox(self.tr("Catalog file for RetailCRM (ICML)"))
        icml_layout = QVBoxLayout(self.icml_box)
        icml_layout.addWidget(self.icml_check)
        icml_layout.addLayout(folder_row)
        icml_help = QLabel(self.tr(
            "After each catalog sync Svyazka writes svyazka-catalog.xml to this folder: products, variants, "
            "folders, prices, barcodes. RetailCRM loads it by a link: Administration → Stores → your store → "
            "Catalog, loading from ICML. RetailCRM reads the file over the internet, so the folder must be "
            "served by a web server (your site or hosting); a folder only on this computer is not enough."
        ))
        icml_help.setWordWrap(True)
        icml_layout.addWidget(icml_help)
        self.icml_check.toggled.connect(self._icml_toggled)
        self._icml_toggled(False)
        self.folder_tree = FolderTree()
        self.folder_tree.setMinimumHeight(80)
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
        left.addStretch(1)
        choices.addLayout(left, 1)
        choices.addWidget(self.folders_box, 1)
        layout.addLayout(choices)
        layout.addWidget(self.icml_box)
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
        (self.free_radio if settings.stock_type == StockType.FREE_STOCK else self.stock_radio).setChecked(True)
        (self.rc_master_radio if settings.master == Master.RETAILCRM else self.ms_master_radio).setChecked(True)
        self.icml_folder.setText(settings.icml_folder or "")
        self.icml_check.setChecked(bool(settings.icml_folder))
        self._icml_toggled(self.icml_check.isChecked())
        self.folder_tree.fill(ms.folders, settings.excluded_folders)
        self.folders_box.setVisible(bool(ms.folders))

    def _icml_toggled(self, on: bool) -> None:
        self.icml_folder.setEnabled(on)
        self.icml_browse.setEnabled(on)

    def _choose_icml_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the ICML file"), self.icml_folder.text())
        if folder:
            self.icml_folder.setText(folder)

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
        icml_folder = self.icml_folder.text().strip() if self.icml_check.isChecked() else ""
        if self.icml_check.isChecked() and not icml_folder:
            return self.fail(self.tr("Choose the folder for the ICML file, or turn the file off."))
        self.state.update(
            icml_folder=icml_folder or None,
            organization_id=self.organization_combo.currentData(),
            organization_name=self.organization_combo.currentText(),
            store_pairs=tuple(StorePair(ms_id, self.table.left_name(ms_id), code) for ms_id, code in pairs),
            stock_type=StockType.FREE_STOCK if self.free_radio.isChecked() else StockType.STOCK,
            master=Master.RETAILCRM if self.rc_master_radio.isChecked() else Master.MOYSKLAD,
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
