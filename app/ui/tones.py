"""Colours for "error / warning / ok / info" that stay readable in light and dark colour schemes.

A fixed light background with the palette's text colour is light-on-light in a dark scheme; a fixed dark-red
text is dark-on-dark. So the background and the text are always chosen together here, from the palette in
use: the background is the palette's base with a little of the accent mixed in, the text is the palette's
text with some of the accent, pushed further towards the palette's text until the WCAG contrast ratio with
the background is at least 4.5 (the AA level for normal text).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# The accents (Material's error/warning/success/info): only their hue matters, the palette sets the lightness.
ACCENTS = {
    "error": QColor("#d32f2f"),
    "warning": QColor("#ed6c02"),
    "ok": QColor("#2e7d32"),
    "info": QColor("#0288d1"),
}
MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Tone:
    background: QColor
    text: QColor
    border: QColor

    def stylesheet(self) -> str:
        return (
            f"background:{self.background.name()};color:{self.text.name()};"
            f"border:1px solid {self.border.name()};border-radius:4px;padding:6px;"
        )


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def tone(kind: str, palette: QPalette | None = None) -> Tone:
    """A tinted box for a message of ``kind``: background, text and border that go together."""
    palette = palette or QGuiApplication.palette()
    accent = ACCENTS.get(kind, ACCENTS["info"])
    base = palette.color(QPalette.ColorRole.Base)
    dark = is_dark(palette)
    # a dark base needs more of the accent for the tint to show at all
    background = mix(base, accent, 0.22 if dark else 0.12)
    border = mix(base, accent, 0.5 if dark else 0.35)
    return Tone(background, text_on(kind, background, palette), border)


def text_on(kind: str, background: QColor, palette: QPalette | None = None) -> QColor:
    """Text in the accent of ``kind`` readable on ``background`` (contrast at least 4.5)."""
    palette = palette or QGuiApplication.palette()
    accent = ACCENTS.get(kind, ACCENTS["info"])
    text = palette.color(QPalette.ColorRole.Text)
    # black or white, whichever contrasts more with the background: always at least 4.58, the last resort
    black, white = QColor("#000000"), QColor("#ffffff")
    far = black if contrast_ratio(black, background) >= contrast_ratio(white, background) else white
    # start from the palette's text colour when it reads on the tint (it may not: grey text, odd themes)
    start = text if contrast_ratio(text, background) >= MIN_CONTRAST else far
    for share in (0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0):
        candidate = mix(start, accent, share)
        if contrast_ratio(candidate, background) >= MIN_CONTRAST:
            return candidate
    return far


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """``a`` with ``share_of_b`` of ``b`` blended in (opaque)."""
    t = max(0.0, min(1.0, share_of_b))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def dark_palette() -> QPalette:
    """A dark Fusion palette, as a dark system scheme gives: for the dark screenshots and the tests."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2b2b",
        roles.WindowText: "#e8e8e8",
        roles.Base: "#1e1e1e",
        roles.AlternateBase: "#262626",
        roles.ToolTipBase: "#3a3a3a",
        roles.ToolTipText: "#e8e8e8",
        roles.PlaceholderText: "#8c8c8c",
        roles.Text: "#e8e8e8",
        roles.Button: "#353535",
        roles.ButtonText: "#e8e8e8",
        roles.BrightText: "#ff6b6b",
        roles.Light: "#4a4a4a",
        roles.Midlight: "#3e3e3e",
        roles.Mid: "#5a5a5a",
        roles.Dark: "#1a1a1a",
        roles.Shadow: "#000000",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#6ea8fe",
        roles.LinkVisited: "#b39ddb",
    }
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    return palette
