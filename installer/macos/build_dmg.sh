#!/usr/bin/env bash
# Build the Svyazka disk image from dist/Svyazka.app (made by `python build_scripts/build.py` on macOS).
#
#   bash installer/macos/build_dmg.sh [--install-create-dmg] [APP] [OUTPUT_DMG]
#
# Defaults: APP=dist/Svyazka.app, OUTPUT_DMG=dist/Svyazka-<version>-macos-<arch>.dmg.
# Uses create-dmg (https://github.com/create-dmg/create-dmg; `brew install create-dmg`, or pass
# --install-create-dmg) for the usual window with the app icon and an Applications drop link. Without it,
# or if it fails (its Finder styling needs a GUI session), falls back to plain `hdiutil create`, which
# makes a working image with an Applications link but no custom window layout.
# Sign the .app before this (sign_and_notarize.sh --app), and the .dmg after it (--dmg).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
install_create_dmg=0
if [ "${1:-}" = "--install-create-dmg" ]; then
  install_create_dmg=1
  shift
fi

VERSION="$(sed -n -E 's/^__version__[[:space:]]*=[[:space:]]*["'"'"']([^"'"'"']+)["'"'"'].*/\1/p' "$ROOT/app/__init__.py")"
if [ -z "$VERSION" ]; then
  echo "DMG FAILED: no __version__ in app/__init__.py" >&2
  exit 1
fi
ARCH="$(uname -m)"
APP="${1:-$ROOT/dist/Svyazka.app}"
DMG="${2:-$ROOT/dist/Svyazka-$VERSION-macos-$ARCH.dmg}"
VOLNAME="Svyazka $VERSION"
ICNS="$ROOT/app/resources/icons/svyazka.icns"

if [ "$(uname -s)" != "Darwin" ]; then
  echo "DMG FAILED: disk images can only be built on macOS (hdiutil)" >&2
  exit 1
fi
if [ ! -d "$APP" ]; then
  echo "DMG FAILED: $APP not found; run 'python build_scripts/build.py' first" >&2
  exit 1
fi

if [ "$install_create_dmg" = 1 ] && ! command -v create-dmg >/dev/null 2>&1; then
  if command -v brew >/dev/null 2>&1; then
    brew install create-dmg || echo "warning: brew install create-dmg failed; using hdiutil"
  else
    echo "warning: Homebrew not found; using hdiutil"
  fi
fi

STAGING="$(mktemp -d "${TMPDIR:-/tmp}/svyazka-dmg.XXXXXX")"
trap 'rm -rf "$STAGING"' EXIT
# ditto keeps the bundle's symlinks, permissions and extended attributes (code signature) intact.
ditto "$APP" "$STAGING/Svyazka.app"
rm -f "$DMG"
mkdir -p "$(dirname "$DMG")"

built=0
if command -v create-dmg >/dev/null 2>&1; then
  echo "building $DMG with create-dmg"
  if create-dmg \
      --volname "$VOLNAME" \
      --volicon "$ICNS" \
      --window-pos 200 120 \
      --window-size 640 400 \
      --icon-size 112 \
      --icon "Svyazka.app" 170 190 \
      --hide-extension "Svyazka.app" \
      --app-drop-link 470 190 \
      "$DMG" "$STAGING"; then
    built=1
  else
    echo "warning: create-dmg failed; falling back to hdiutil"
    rm -f "$DMG"
  fi
fi

if [ "$built" = 0 ]; then
  echo "building $DMG with hdiutil"
  ln -s /Applications "$STAGING/Applications"
  # hdiutil sometimes fails with "Resource busy" right after a copy (Spotlight, XProtect): retry a few times.
  for attempt in 1 2 3 4 5; do
    if hdiutil create -volname "$VOLNAME" -srcfolder "$STAGING" -ov -format UDZO "$DMG"; then
      built=1
      break
    fi
    echo "hdiutil attempt $attempt failed; retrying in $((attempt * 3)) s"
    sleep $((attempt * 3))
  done
fi

if [ "$built" = 0 ] || [ ! -f "$DMG" ]; then
  echo "DMG FAILED: could not create $DMG" >&2
  exit 1
fi
hdiutil verify "$DMG" >/dev/null
echo "DMG OK: $DMG ($(du -h "$DMG" | cut -f1))"
