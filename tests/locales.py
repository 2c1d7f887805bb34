"""A non-UTF-8 locale for tests of text output (Python turns the plain C/POSIX locale into UTF-8 by itself,
PEP 538/540, so ``LC_ALL=C`` would prove nothing): ISO-8859-1, generated with ``localedef``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

LATIN1_LOCALE = "en_US.ISO-8859-1"


def latin1_environment(folder: Path) -> tuple[dict[str, str] | None, str]:
    """An environment whose locale encoding is ISO-8859-1, with UTF-8 mode and PYTHONIOENCODING off; or None
    and the reason it cannot be made here."""
    if sys.platform == "win32":
        return None, "localedef is POSIX; the Windows job runs the --json pipe test on the real code page"
    localedef = shutil.which("localedef")
    if localedef is None:
        return None, "localedef is missing: cannot generate a non-UTF-8 locale"
    made = subprocess.run(
        [localedef, "-i", "en_US", "-f", "ISO-8859-1", str(folder / LATIN1_LOCALE)], capture_output=True, text=True
    )
    if made.returncode not in (0, 1) or not (folder / LATIN1_LOCALE).exists():  # 1: made, with warnings
        return None, f"localedef could not generate {LATIN1_LOCALE}: {made.stderr.strip()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "LC_"))}
    env.update(PYTHONUTF8="0", LOCPATH=str(folder), LC_ALL=LATIN1_LOCALE, LANG=LATIN1_LOCALE)
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"], env=env, capture_output=True, text=True
    )
    if probe.stdout.strip().lower() not in ("iso8859-1", "iso-8859-1", "latin-1"):
        return None, f"the generated locale did not take effect (stdout encoding {probe.stdout.strip()!r})"
    return env, ""
