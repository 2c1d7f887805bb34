"""Page 8: the match key and the RetailCRM field it meets, then a dry run: what the first sync would do, with
the conflicts to review first. The dry run also tells how many items the chosen key and field pair («совпало
12 из 300»), so a person can switch before anything is written.

The dry run reads both services and writes nothing to them. It runs the real engine in the worker with
the settings chosen on the previous pages (not saved yet) and the keys typed (not in the keyring yet).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.messages import text_of
from app.store.errors import SettingsError
from app.sync.catalog.keys import MODULE_CODE_PROPERTY, PROPERTY_PREFIX, property_code_of, usual_rc_field
from app.sync.catalog.work import CatalogStats
from app.sync.model import ALL_FLOWS, Flow, Progress, RunReport
from app.ui.conflicts_tab import ConflictsTab
from app.ui.i18n import current_language
from app.ui.labels import FLOW_LABELS, MATCH_KEY_LABELS, label
from app.ui.tones import text_on
from app.ui.widgets import MessageLabel
from app.ui.wizard.base import WizardPage
from app.ui.worker import SyncController


def catalog_stats(report: RunReport) -> CatalogStats | None:
    """The catalog plan's figures in ``report`` (None: no catalog plan, or it stopped before it had any)."""
    plan = report.plans.get(Flow.CATALOG)
    stats = plan.stats if plan is not None else None
    return stats if isinstance(stats, CatalogStats) else None

class FinishPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Match key and a dry run"))
        self.setSubTitle(
            self.tr("How products are paired, and what the first sync would do. Nothing is written to the services.")
        )
        self.setFinalPage(True)
        self.key_combo = QComboBox()
        for key in ("article", "code", "external-code", "barcode"):
            self.key_combo.addItem(label(MATCH_KEY_LABELS, key), key)
        # which RetailCRM offer field the MoySklad key is compared with ("property" + a code: an offer property)
        self.field_combo = QComboBox()
        self.field_combo.addItem(self.tr("Offer article"), "article")
        self.field_combo.addItem(self.tr("Offer xmlId"), "xml-id")
        self.field_combo.addItem(self.tr("Offer externalId"), "external-id")
        self.field_combo.addItem(self.tr("Offer barcode"), "barcode")
        self.field_combo.addItem(self.tr("Offer property"), "property")
        self.property_edit = QLineEdit(MODULE_CODE_PROPERTY)
        self.property_edit.setPlaceholderText(self.tr("property code, e.g. code"))
        self.property_edit.setMaximumWidth(180)
        field_row = QHBoxLayout()
        field_row.addWidget(self.field_combo, 1)
        field_row.addWidget(self.property_edit)
        self.key_hint = QLabel()
        self.key_hint.setWordWrap(True)
        self.match_label = QLabel()
        self.match_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Pair products by"), self.key_combo)
        form.addRow(self.tr("Compared with RetailCRM"), field_row)

        self.run_button = QPushButton(self.tr("Run the dry run again"))
        self.review_button = QPushButton(self.tr("Review conflicts…"))
        self.review_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.summary = MessageLabel()
        self.tiles = {
            "pairs": StatTile(),
            "only_in_moysklad": StatTile(),
            "only_in_retailcrm": StatTile(),
            "duplicates": StatTile(),
        }
        tiles = QGridLayout()
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
        self.tiles_box = QWidget()
        self.tiles_box.setLayout(tiles)
        self.tiles_box.hide()
        self.flow_table = QTableWidget(0, 5)
        self.flow_table.setHorizontalHeaderLabels(
            [self.tr("Area"), self.tr("Create"), self.tr("Update"), self.tr("Unchanged"), self.tr("Skipped")]
        )
        self.flow_table.verticalHeader().setVisible(False)
        self.flow_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flow_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.flow_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.flow_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.flow_table.hide()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.key_hint)
        layout.addWidget(self.match_label)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.tiles_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.flow_table)
        layout.addWidget(self.details)
        layout.addStretch(1)
        layout.addWidget(self.message)

        self.controller: SyncController | None = None
        self._closed = False  # the wizard was closed: a dry run waiting for its profile must not start
        self.key_combo.currentIndexChanged.connect(self._key_changed)
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self.property_edit.editingFinished.connect(self._field_changed)
        self.run_button.clicked.connect(self.start_dry_run)
        self.review_button.clicked.connect(self.review_conflicts)

    # -- key -----------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        self.key_combo.blockSignals(True)
        self.key_combo.setCurrentIndex(max(self.key_combo.findData(self.state.settings.match_key), 0))
        self.key_combo.blockSignals(False)
        self._show_field()
        self._show_key_hint()
        if not self._report_fits():
            self.start_dry_run()

    def _show_key_hint(self) -> None:
        hints = {
            "article": self.tr(
                "The MoySklad article meets the RetailCRM article. MoySklad variants have no article, so their "
                "code is used instead. The usual choice."
            ),
            "code": self.tr(
                "The MoySklad code. RetailCRM's own MoySklad module keeps it in the offer property «code»: "
                "choose that field when the RetailCRM catalog came from the module."
            ),
            "external-code": self.tr(
                "The MoySklad external code meets the RetailCRM xmlId: right when the RetailCRM catalog was "
                "loaded from MoySklad before."
            ),
            "barcode": self.tr("Barcodes on both sides. Only for shops where every item has its own barcode."),
        }
        self.key_hint.setText(hints.get(self.key_combo.currentData(), ""))

    def _show_field(self) -> None:
        """The field combo and property code as the settings say (None: the key's usual field)."""
        settings = self.state.settings
        chosen = settings.match_field or usual_rc_field(settings.match_key)
        code = property_code_of(chosen)
        self.field_combo.blockSignals(True)
        self.field_combo.setCurrentIndex(max(self.field_combo.findData("property" if code else chosen), 0))
        self.field_combo.blockSignals(False)
        if code:
            self.property_edit.setText(code)
        self.property_edit.setVisible(code is not None)

    def chosen_field(self) -> str | None:
        """The field picked on the page as a setting: None when it is the key's usual one."""
        data = self.field_combo.currentData()
        if data == "property":
            code = self.property_edit.text().strip() or MODULE_CODE_PROPERTY
            data = PROPERTY_PREFIX + code
        return None if data == usual_rc_field(self.key_combo.currentData()) else data

    @Slot()
    def _key_changed(self) -> None:
        # another key starts from its usual field: code ↔ xmlId is rarely what a person meant
        self.state.update(match_key=self.key_combo.currentData(), match_field=None)
        self._show_field()
        self._show_key_hint()
        self.completeChanged.emit()
        self.start_dry_run()

    @Slot()
    def _field_changed(self) -> None:
        self.property_edit.setVisible(self.field_combo.currentData() == "property")
        try:
            field = self.chosen_field()
            if field == self.state.settings.match_field:
                return
            self.state.update(match_field=field)
        except SettingsError:  # a property code the settings refuse (spaces, punctuation)
            self.fail(self.tr("A property code has only letters, digits, «_», «-» and «.», without spaces."))
            return
        self.completeChanged.emit()
        self.start_dry_run()

    # -- the dry run -----------------------------------------------------------------------------------------

    def _report_fits(self) -> bool:
        state = self.state
        return state.dry_report is not None and state.dry_settings == state.settings

    def isComplete(self) -> bool:
        return not self.busy and self._report_fits() and self.state.dry_report is not None

    @Slot()
    def start_dry_run(self) -> None:
        if self.busy:
            return
        self.set_busy(True)
        self.run_button.setEnabled(False)
        self.review_button.setEnabled(False)
        self.summary.show_message("info", self.tr("Reading both catalogs…"))
        self.match_label.setText(self.tr("Counting the items this key pairs…"))
        self.details.clear()
        self.tiles_box.hide()
        self.flow_table.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self.setup_wizard().prepare_profile(self._run_with_profile, self._failed)

    def _run_with_profile(self, _profile_id: int) -> None:
        if self._closed:
            return  # the person cancelled while the profile was being prepared
        wizard = self.setup_wizard()
        settings = self.state.settings
        controller = SyncController(wizard.dry_run_target(settings), parent=self)
        controller.progress.connect(self._on_progress)
        controller.finished.connect(lambda report: self._on_finished(report, settings))
        controller.failed.connect(self._failed)
        self.controller = controller
        controller.start(ALL_FLOWS, dry_run=True, trigger="wizard")

    def stop_dry_run(self) -> None:
        """The wizard closes: a dry run still going is stopped (it writes nothing; nobody will read its numbers,
        and a thread left running would keep the app from quitting)."""
        self._closed = True
        if self.controller is not None and self.controller.running:
            self.controller.stop()

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        stage = self.tr("checking") if progress.stage == "plan" else self.tr("writing")
        name = label(FLOW_LABELS, progress.flow.value)
        if progress.total > 0:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(f"{name}: {stage}")

    def _on_finished(self, report: RunReport, settings: Any) -> None:
        self.set_busy(False)
        self.run_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(self.tr("done"))
        state = self.state
        state.dry_report, state.dry_settings = report, settings
        self.review_button.setEnabled(True)
        calm = report.ok and not report.conflicts and not report.safety
        self.summary.show_message("ok" if calm else "warning", self.summary_text(report))
        self.match_label.setText(self.match_text(report))
        self._show_numbers(report)
        self.completeChanged.emit()
        if settings != state.settings:  # the key or field changed while this run read: count them again
            self.start_dry_run()

    def _show_numbers(self, report: RunReport) -> None:
        stats = catalog_stats(report)
        captions = {
            "pairs": self.tr("pairs found"),
            "only_in_moysklad": self.tr("only in MoySklad"),
            "only_in_retailcrm": self.tr("only in RetailCRM"),
            "duplicates": self.tr("duplicate SKUs"),
        }
        for key, tile in self.tiles.items():
            figure = int(getattr(stats, key)) if stats is not None else 0
            tile.set_value(figure, captions[key], warn=key != "pairs" and bool(figure))
        self.tiles_box.setVisible(stats is not None)
        flows = [flow for flow in ALL_FLOWS if flow in report.counts]
        self.flow_table.setRowCount(len(flows))
        for row, flow in enumerate(flows):
            counts = report.counts[flow]
            numbers = [counts.created, counts.updated, counts.unchanged, counts.skipped]
            values = [label(FLOW_LABELS, flow.value), *(f"{n:,}".replace(",", "\u00a0") for n in numbers)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.flow_table.setItem(row, column, item)
        self.flow_table.setFixedHeight(
            self.flow_table.horizontalHeader().height()
            + sum(self.flow_table.rowHeight(r) for r in range(len(flows)))
            + 4
        )
        self.flow_table.setVisible(bool(flows))
        lang = current_language()
        notes = [text_of(note, lang) for flow in flows if flow in report.plans for note in report.plans[flow].notes]
        # what the safety check before writing found comes first: the first sync will stop there and ask
        notes = [f"⚠ {text_of(trip.msg or trip.message, lang)}" for trip in report.safety] + notes
        self.details.setText("\n".join(f"• {note}" for note in notes[:8]))

    def summary_text(self, report: RunReport) -> str:
        """ "Found 1,204 pairs, 37 only in MoySklad, 5 duplicate SKUs", plus the orders it would send."""
        stats = catalog_stats(report) or CatalogStats()
        parts = [
            self.tr("Found %n pair(s)", "", stats.pairs),
            self.tr("%n only in MoySklad", "", stats.only_in_moysklad),
            self.tr("%n only in RetailCRM", "", stats.only_in_retailcrm),
            self.tr("%n duplicate SKU(s)", "", stats.duplicates),
        ]
        text = ", ".join(parts) + "."
        orders = report.counts.get(Flow.ORDERS)
        if orders is not None and orders.created:
            text += " " + self.tr("%n order(s) would go to MoySklad.", "", orders.created)
        if report.conflicts:
            text += " " + self.tr(
                "Review the conflicts before the first sync: %n need(s) a decision.", "", report.conflicts
            )
        if report.safety:
            text += " " + self.tr(
                "Some figures look wrong (see below): the first sync will stop before writing and ask."
            )
        return text

    def match_text(self, report: RunReport) -> str:
        """ "Matched by this key: 12 of 300 MoySklad items; RetailCRM has 280 active offers." """
        stats = catalog_stats(report)
        if stats is None:
            return ""
        text = self.tr("Matched by this key: {matched} of %n MoySklad item(s)", "", stats.ms_items)
        text = text.replace("{matched}", str(stats.key_matched))
        text += "; " + self.tr("RetailCRM has %n active offer(s).", "", stats.rc_offers)
        if stats.key_matched * 2 < min(stats.ms_items, stats.rc_offers):
            text += " " + self.tr("Fewer than half pair: try another key or RetailCRM field.")
        return text

    def _failed(self, text: str) -> None:
        self.set_busy(False)
        self.run_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("not finished"))
        self.summary.show_message("error", text)
        self.match_label.clear()
        self.completeChanged.emit()

    # -- conflicts -----------------------------------------------------------------------------------------

    @Slot()
    def review_conflicts(self) -> QDialog | None:
        wizard = self.setup_wizard()
        if wizard.state.profile_id is None:
            return None
        dialog = ConflictsReviewDialog(wizard.context.db, wizard.state.profile_id, self)
        dialog.decided.connect(lambda: self.run_button.setText(self.tr("Run the dry run again (decisions changed)")))
        dialog.open()
        self.review_dialog = dialog
        return dialog

    def validatePage(self) -> bool:
        if self.busy:
            return False
        if not self._report_fits():
            return self.fail(self.tr("Run the dry run first: it shows what the first sync would do."))
        return True


class StatTile(QFrame):
    """A big number with a caption under it: what the dry run found, readable at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value_label = QLabel("0")
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value_label.setFont(font)
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_label = QLabel()
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)

    def set_value(self, value: int, caption: str, *, warn: bool = False) -> None:
        self.value = value
        self.value_label.setText(f"{value:,}".replace(",", "\u00a0"))
        self.warn = warn
        self._apply_tone()
        self.caption_label.setText(caption)

    def _apply_tone(self) -> None:
        # orange or green in the shade that reads on the window's own colour, light or dark (app.ui.tones)
        palette = QGuiApplication.palette()
        colour = text_on("warning" if self.warn else "ok", palette.color(QPalette.ColorRole.Window), palette)
        self.value_label.setStyleSheet(f"color:{colour.name()};")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationPaletteChange and hasattr(self, "warn"):
            self._apply_tone()
        super().changeEvent(event)


class ConflictsReviewDialog(QDialog):
    """The Conflicts tab in a window, for the wizard's last page."""

    decided = Signal()

    def __init__(self, db: Any, profile_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conflicts found by the dry run"))
        self.tab = ConflictsTab(db, profile_id)
        self.tab.sync_button.hide()
        self.tab.changed.connect(self.decided)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tab, 1)
        layout.addWidget(buttons)
        self.resize(900, 560)
        self.tab.reload()
