"""Check the macOS app bundle and disk image the build made (the macOS test job runs it after build_dmg.sh).

``Svyazka.app/Contents/Info.plist`` must not mark the app background-only (PyInstaller would, from the console
CLI in the same bundle: no Dock icon, no menu bar), must carry our bundle id and version, and a ``.dmg`` must
exist in ``dist/``. Exits 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import plistlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build_scripts"))

import spec_helpers  # noqa: E402  (a sibling module, as svyazka.spec imports it)


def problems(info: dict[str, object], dmgs: list[Path]) -> list[str]:
    found = []
    if info.get("LSBackgroundOnly") is not False:
        found.append(f"LSBackgroundOnly is {info.get('LSBackgroundOnly')!r}, not False: no Dock icon or menu")
    if info.get("CFBundleIdentifier") != spec_helpers.BUNDLE_ID:
        found.append(f"CFBundleIdentifier is {info.get('CFBundleIdentifier')!r}, not {spec_helpers.BUNDLE_ID!r}")
    if not info.get("CFBundleShortVersionString"):
        found.append("no CFBundleShortVersionString")
    if not dmgs:
        found.append("no .dmg in dist/")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    plist = args.dist / "Svyazka.app" / "Contents" / "Info.plist"
    if not plist.is_file():
        print(f"BUNDLE CHECK FAILED: {plist} is missing")
        return 1
    info = plistlib.loads(plist.read_bytes())
    found = problems(info, sorted(args.dist.glob("*.dmg")))
    for line in found:
        print(f"BUNDLE CHECK FAILED: {line}")
    if not found:
        print(f"BUNDLE CHECK OK: {plist}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
