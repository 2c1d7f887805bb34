"""Damage a SQLite file the way a failing disk does: garbage over chosen pages of a table's b-tree.

The pages are found by reading the b-tree (sqlite.org/fileformat.html §1.6: a table's root page is in
``sqlite_master``; an interior page, type 0x05, points at its children by a 4-byte page number at the start of
each cell and in its header's right-most pointer; a leaf is type 0x0D), so the tests need no ``dbstat``.
"""

from __future__ import annotations

import os
import random
import sqlite3
from contextlib import closing
from pathlib import Path

_INTERIOR, _LEAF = 0x05, 0x0D


def table_pages(path: Path, table: str) -> tuple[int, list[int]]:
    """The root page of ``table`` and its leaf pages in key order (the file must be checkpointed)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (table,)).fetchone()
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size

    def u16(at: int) -> int:
        return int.from_bytes(data[at:at + 2], "big")

    def u32(at: int) -> int:
        return int.from_bytes(data[at:at + 4], "big")

    leaves: list[int] = []

    def walk(page: int) -> None:
        start = (page - 1) * size
        header = start + (100 if page == 1 else 0)
        kind = data[header]
        if kind == _LEAF:
            leaves.append(page)
            return
        assert kind == _INTERIOR, f"page {page} of {table} has type {kind}"
        for cell in range(u16(header + 3)):
            walk(u32(start + u16(header + 12 + 2 * cell)))
        walk(u32(header + 8))

    walk(root)
    return root, leaves


def write_garbage(path: Path, pages: list[int], seed: int = 7) -> None:
    """Random bytes over whole pages, in place."""
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    size = 65536 if size == 1 else size
    rng = random.Random(seed)
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(bytes(rng.randrange(256) for _ in range(size)))
        file.flush()
        os.fsync(file.fileno())
