"""Small reusable widgets: a message line that says what happened, and a password field with a Show toggle."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.ui.tones import ACCENTS, tone


class MessageLabel(QLabel):
    """A wrapped, selectable message with a colour for its kind; hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        self.kind = kind
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)
        self._apply_tone()
        self.setVisible(bool(text))

    def show_lines(self, kind: str, head: str, lines: list[str]) -> None:
        """A heading and a bulleted list (escaped: service data never becomes markup)."""
        self.kind = kind
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(
            f"{html.escape(head)}<ul style='margin-top:4px;margin-bottom:0'>{items}</ul>"
            if lines
            else html.escape(head)
        )
        self._apply_tone()
        self.setVisible(True)

    def clear_message(self) -> None:
        self.kind = ""
        self.clear()
        self.hide()

    def _apply_tone(self) -> None:
        """Background and text chosen together from the application's palette (app.ui.tones), so the box
        reads in a dark scheme too; the app's palette, because a style sheet changes the label's own."""
        style = tone(self.kind).stylesheet() if self.kind in ACCENTS else ""
        if style != self.styleSheet():  # the same sheet again would only cost a re-polish
            self.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        # the user switched the system between light and dark while the message is shown
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_tone()
        super().changeEvent(event)


class SecretEdit(QLineEdit):
    """A key or token field: hidden by default, with an eye action to show it while typing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setClearButtonEnabled(True)
        self._toggle = QAction(self)
        self._toggle.setCheckable(True)
        self._toggle.setIcon(_eye_icon())
        self._toggle.setToolTip(self.tr("Show or hide"))
        self._toggle.toggled.connect(self._on_toggled)
        self.addAction(self._toggle, QLineEdit.ActionPosition.TrailingPosition)
        self.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)

    def _on_toggled(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)


def _eye_icon() -> QIcon:
    """A small drawn eye (no icon theme is guaranteed on Windows or in a frozen build)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#555555"), 2.5))
    painter.drawEllipse(QRectF(3, 9, 26, 14))
    painter.setBrush(QColor("#555555"))
    painter.drawEllipse(QPointF(16, 16), 4.5, 4.5)
    painter.end()
    return QIcon(pixmap)
