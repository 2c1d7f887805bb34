#!/usr/bin/env python3
"""Render the icon master (``resources/icons/svyazka.svg``) into the files the app and the installers use.

    python build_scripts/make_icons.py

Writes into ``app/resources/icons/``: ``svyazka.svg`` (a copy, for crisp QIcon scaling), ``svyazka-<N>.png``
for the common sizes, ``svyazka.png`` (256 px, the default window icon), ``svyazka.ico`` (Windows exe and
installer) and ``svyazka.icns`` (macOS bundle). Run it after changing the SVG and commit the results: the
build does not regenerate them, so a build machine needs no renderer.

Rendering uses QtSvg offscreen (PySide6 is already a dependency); packing uses ``iconfile`` (stdlib only).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "resources" / "icons" / "svyazka.svg"
OUTPUT = ROOT / "app" / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
WINDOW_ICON_SIZE = 256

sys.path.insert(0, str(Path(__file__).resolve().parent))
from iconfile import ICNS_TYPES, IconImage, icns_bytes, ico_bytes  # noqa: E402


def render(size: int) -> IconImage:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        raise SystemExit(f"cannot read the icon master {MASTER}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()

    straight = image.convertToFormat(QImage.Format.Format_RGBA8888)  # straight alpha, R,G,B,A byte order
    stride = straight.bytesPerLine()
    raw = bytes(straight.constBits())
    rgba = b"".join(raw[y * stride : y * stride + size * 4] for y in range(size))

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    straight.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; the binding wants str
    buffer.close()
    return IconImage(size=size, png=bytes(data.data()), rgba=rgba)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QPainter needs a GUI application
    OUTPUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES.values()))
    images = {size: render(size) for size in sizes}

    shutil.copyfile(MASTER, OUTPUT / "svyazka.svg")
    for size in PNG_SIZES:
        (OUTPUT / f"svyazka-{size}.png").write_bytes(images[size].png)
    (OUTPUT / "svyazka.png").write_bytes(images[WINDOW_ICON_SIZE].png)
    (OUTPUT / "svyazka.ico").write_bytes(ico_bytes(images[size] for size in ICO_SIZES))
    (OUTPUT / "svyazka.icns").write_bytes(icns_bytes({size: image.png for size, image in images.items()}))
    for path in sorted(OUTPUT.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
