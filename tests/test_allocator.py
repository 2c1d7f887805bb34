"""The heap-arena cap: on glibc it takes effect, elsewhere it is a harmless no-op."""

from __future__ import annotations

import subprocess
import sys

from app.allocator import limit_heap_arenas


def test_cap_is_applied_in_a_fresh_process_once() -> None:
    code = (
        "import sys, platform\n"
        "from app.allocator import limit_heap_arenas\n"
        "first = limit_heap_arenas()\n"
        "print(first, limit_heap_arenas() is first, platform.libc_ver()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    took, cached, libc = done.stdout.split()
    assert cached == "True"
    if sys.platform.startswith("linux") and libc == "glibc":
        assert took == "True"
    elif not sys.platform.startswith("linux"):
        assert took == "False"


def test_cap_answers_a_bool_here() -> None:
    assert isinstance(limit_heap_arenas(), bool)
