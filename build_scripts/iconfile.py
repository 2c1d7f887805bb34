"""Write Windows ``.ico`` and macOS ``.icns`` files from ready-made images, with the standard library only.

Pillow could do this, but it is not a project dependency and the two formats are simple containers:

* ``.ico``: a directory of entries. Small sizes are stored as 32-bit DIBs (BGRA plus a 1-bit AND mask), because
  some Windows shell paths (old Explorer views, the taskbar jump list) still mishandle PNG entries below 256 px;
  256 px is stored as PNG, which every Windows since Vista reads and which keeps the file small.
* ``.icns``: a list of ``(type, length, data)`` chunks; every modern type holds a plain PNG.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

# The largest ICO entry stored as a DIB; bigger ones are PNG.
ICO_DIB_MAX = 64

# icns chunk type → pixel size of the PNG it holds (the @2x types reuse a bigger image).
ICNS_TYPES: dict[str, int] = {
    "icp4": 16,
    "icp5": 32,
    "icp6": 64,
    "ic07": 128,
    "ic08": 256,
    "ic09": 512,
    "ic10": 1024,  # 512@2x
    "ic11": 32,  # 16@2x
    "ic12": 64,  # 32@2x
    "ic13": 256,  # 128@2x
    "ic14": 512,  # 256@2x
}


@dataclass(frozen=True)
class IconImage:
    """One square rendering of the icon: its PNG bytes and its raw pixels (RGBA, straight alpha, top-down)."""

    size: int
    png: bytes
    rgba: bytes

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError(f"the {self.size}px image is not a PNG")
        if len(self.rgba) != self.size * self.size * 4:
            raise ValueError(f"the {self.size}px image has {len(self.rgba)} RGBA bytes, expected {self.size**2 * 4}")


def _dib(image: IconImage) -> bytes:
    """A 32-bit BITMAPINFOHEADER DIB as ICO wants it: bottom-up rows, height doubled for the AND mask."""
    size = image.size
    row_bytes = size * 4
    xor_rows = []
    mask_row_bytes = ((size + 31) // 32) * 4
    mask_rows = []
    for y in range(size - 1, -1, -1):  # bottom-up
        row = image.rgba[y * row_bytes : (y + 1) * row_bytes]
        bgra = bytearray(row_bytes)
        bgra[0::4] = row[2::4]
        bgra[1::4] = row[1::4]
        bgra[2::4] = row[0::4]
        bgra[3::4] = row[3::4]
        xor_rows.append(bytes(bgra))
        # AND mask: 1 = transparent. Readers that honour alpha ignore it; old ones need it.
        mask = bytearray(mask_row_bytes)
        for x in range(size):
            if row[x * 4 + 3] == 0:
                mask[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(mask))
    pixels = b"".join(xor_rows) + b"".join(mask_rows)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    return header + pixels


def ico_bytes(images: Iterable[IconImage]) -> bytes:
    """An ``.ico`` file holding every image (sizes 1..256), smallest first."""
    ordered = sorted(images, key=lambda image: image.size)
    if not ordered:
        raise ValueError("an .ico needs at least one image")
    for image in ordered:
        if not 1 <= image.size <= 256:
            raise ValueError(f"an .ico entry must be 1..256 px, not {image.size}")
    payloads = [image.png if image.size > ICO_DIB_MAX else _dib(image) for image in ordered]
    header = struct.pack("<HHH", 0, 1, len(ordered))
    offset = len(header) + 16 * len(ordered)
    entries = []
    for image, payload in zip(ordered, payloads, strict=True):
        side = 0 if image.size == 256 else image.size  # 0 means 256 in an ICONDIRENTRY
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset))
        offset += len(payload)
    return header + b"".join(entries) + b"".join(payloads)


def icns_bytes(pngs_by_size: dict[int, bytes]) -> bytes:
    """An ``.icns`` file with every chunk type whose size is available in ``pngs_by_size``."""
    chunks = []
    for kind, size in ICNS_TYPES.items():
        png = pngs_by_size.get(size)
        if png is None:
            continue
        chunks.append(kind.encode("ascii") + struct.pack(">I", len(png) + 8) + png)
    if not chunks:
        raise ValueError("an .icns needs at least one image of a standard size")
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def read_ico_sizes(data: bytes) -> list[int]:
    """The pixel sizes listed in an ``.ico`` directory (for checks and tests)."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1:
        raise ValueError("not an .ico file")
    sizes = []
    for index in range(count):
        width, _height, _colors, _reserved, _planes, _bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        if offset + length > len(data):
            raise ValueError("a .ico entry points past the end of the file")
        sizes.append(width or 256)
    return sizes


def read_icns_types(data: bytes) -> list[str]:
    """The chunk types in an ``.icns`` file (for checks and tests)."""
    if data[:4] != b"icns" or struct.unpack_from(">I", data, 4)[0] != len(data):
        raise ValueError("not an .icns file")
    kinds = []
    position = 8
    while position < len(data):
        kind = data[position : position + 4].decode("ascii")
        (length,) = struct.unpack_from(">I", data, position + 4)
        if length < 8 or position + length > len(data):
            raise ValueError("a broken .icns chunk")
        kinds.append(kind)
        position += length
    return kinds
