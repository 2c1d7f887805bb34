"""Tinted messages, rows and figures read in light and dark colour schemes (issue 13, item 9)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from app.ui.tones import ACCENTS, MIN_CONTRAST, contrast_ratio, dark_palette, is_dark, text_on, tone
from app.ui.widgets import MessageLabel

pytestmark = pytest.mark.gui


def light_palette() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


@pytest.fixture(params=["light", "dark"])
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> QPalette:
    return light_palette() if request.param == "light" else dark_palette()


def test_wcag_formula() -> None:
    # the reference values of WCAG 2: black on white 21, the same colour 1, #777 on white about 4.48
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#123456"), QColor("#123456")) == pytest.approx(1.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


def test_palettes_are_what_they_say(qapp: QApplication) -> None:
    assert is_dark(dark_palette()) and not is_dark(light_palette())


@pytest.mark.parametrize("kind", sorted(ACCENTS))
def test_tinted_boxes_read_in_both_schemes(kind: str, palette: QPalette) -> None:
    colours = tone(kind, palette)
    assert contrast_ratio(colours.text, colours.background) >= MIN_CONTRAST
    # the tint stays on the scheme's side: a dark scheme gets a dark box, not a light one
    assert is_dark(palette) == (colours.background.lightnessF() < 0.5)


@pytest.mark.parametrize("kind", sorted(ACCENTS))
def test_accent_text_reads_on_the_palettes_own_backgrounds(kind: str, palette: QPalette) -> None:
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        background = palette.color(role)
        assert contrast_ratio(text_on(kind, background, palette), background) >= MIN_CONTRAST


def test_the_old_fixed_colours_failed_in_a_dark_scheme(qapp: QApplication) -> None:
    # what the helper replaced: the palette's light text on the old light tint, the old red on a dark base
    dark = dark_palette()
    assert contrast_ratio(dark.color(QPalette.ColorRole.Text), QColor("#fde2e1")) < MIN_CONTRAST
    assert contrast_ratio(QColor("#b3261e"), dark.color(QPalette.ColorRole.Base)) < MIN_CONTRAST


def test_message_follows_a_switch_to_dark(qtbot, qapp: QApplication) -> None:
    before = qapp.palette()
    label = MessageLabel()
    qtbot.addWidget(label)
    try:
        qapp.setPalette(light_palette())
        label.show_message("error", "Ключ не подошёл")
        light_sheet = label.styleSheet()
        assert tone("error", light_palette()).background.name() in light_sheet
        qapp.setPalette(dark_palette())
        qtbot.waitUntil(lambda: label.styleSheet() != light_sheet)
        assert tone("error", dark_palette()).background.name() in label.styleSheet()
    finally:
        qapp.setPalette(before)


def test_dry_run_figures_read_on_a_dark_window(qtbot, qapp: QApplication) -> None:
    from app.ui.wizard.finish_page import StatTile

    before = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        tile = StatTile()
        qtbot.addWidget(tile)
        tile.set_value(3, "только в МойСклад", warn=True)
        colour = QColor(tile.value_label.styleSheet().removeprefix("color:").rstrip(";"))
        assert contrast_ratio(colour, dark_palette().color(QPalette.ColorRole.Window)) >= MIN_CONTRAST
    finally:
        qapp.setPalette(before)
