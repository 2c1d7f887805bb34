"""The stdlib ICO/ICNS writers and the committed icon files."""

from __future__ import annotations

import struct
import zlib

import pytest

from .conftest import ROOT

ICONS = ROOT / "app" / "resources" / "icons"


def _png(size: int) -> bytes:
    """A real (tiny, solid) PNG of the given size, built with zlib."""
    raw = b"".join(b"\x00" + b"\x10\x80\xc0\xff" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _image(iconfile, size: int, alpha: int = 255):
    rgba = bytes([0x10, 0x80, 0xC0, alpha]) * (size * size)
    return iconfile.IconImage(size=size, png=_png(size), rgba=rgba)


def test_ico_round_trip_sizes_and_formats(iconfile) -> None:
    data = iconfile.ico_bytes([_image(iconfile, size) for size in (256, 16, 48, 32)])
    assert iconfile.read_ico_sizes(data) == [16, 32, 48, 256]
    # The 256 px entry is a PNG, the small ones are DIBs whose header says 32 bpp and a doubled height.
    entries = [struct.unpack_from("<BBBBHHII", data, 6 + 16 * index) for index in range(4)]
    offset_16, offset_256 = entries[0][7], entries[3][7]
    assert data[offset_256 : offset_256 + 8] == b"\x89PNG\r\n\x1a\n"
    header = struct.unpack_from("<IiiHH", data, offset_16)
    assert header == (40, 16, 32, 1, 32)


def test_ico_dib_is_bottom_up_bgra_with_a_transparency_mask(iconfile) -> None:
    size = 16
    rgba = bytearray(bytes([1, 2, 3, 255]) * (size * size))
    rgba[0:4] = bytes([9, 8, 7, 0])  # top-left pixel: transparent
    image = iconfile.IconImage(size=size, png=_png(size), rgba=bytes(rgba))
    data = iconfile.ico_bytes([image])
    pixels = 6 + 16 + 40
    last_row = pixels + (size - 1) * size * 4  # the top image row is stored last
    assert data[last_row : last_row + 4] == bytes([7, 8, 9, 0])
    assert data[pixels : pixels + 4] == bytes([3, 2, 1, 255])
    mask = pixels + size * size * 4
    mask_row_bytes = 4
    top_mask_row = mask + (size - 1) * mask_row_bytes
    assert data[top_mask_row] == 0x80  # bit for x=0 set: transparent
    assert data[mask] == 0x00


def test_ico_rejects_bad_input(iconfile) -> None:
    with pytest.raises(ValueError):
        iconfile.ico_bytes([])
    with pytest.raises(ValueError):
        iconfile.IconImage(size=16, png=b"not a png", rgba=b"\x00" * 1024)
    with pytest.raises(ValueError):
        iconfile.IconImage(size=16, png=_png(16), rgba=b"\x00" * 10)


def test_icns_round_trip(iconfile) -> None:
    pngs = {size: _png(size) for size in (16, 32, 64, 128)}
    data = iconfile.icns_bytes(pngs)
    assert iconfile.read_icns_types(data) == ["icp4", "icp5", "icp6", "ic07", "ic11", "ic12"]
    with pytest.raises(ValueError):
        iconfile.icns_bytes({17: _png(17)})


def test_committed_icons_are_complete(iconfile) -> None:
    ico = (ICONS / "svyazka.ico").read_bytes()
    assert iconfile.read_ico_sizes(ico) == [16, 20, 24, 32, 40, 48, 64, 256]
    icns = (ICONS / "svyazka.icns").read_bytes()
    assert set(iconfile.read_icns_types(icns)) == set(iconfile.ICNS_TYPES)
    for size in (16, 32, 48, 256, 512):
        png = (ICONS / f"svyazka-{size}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24]) == (size, size)
    assert (ICONS / "svyazka.svg").read_bytes() == (ROOT / "resources" / "icons" / "svyazka.svg").read_bytes()
