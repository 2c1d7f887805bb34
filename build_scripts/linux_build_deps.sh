#!/usr/bin/env bash
# Install the system libraries a Linux build machine needs to freeze Svyazka completely (Debian/Ubuntu).
#
#   bash build_scripts/linux_build_deps.sh
#
# PyInstaller copies the shared libraries that Qt's platform plugins link against from the build machine
# into the bundle. Any that are missing here are missing from the bundle too (PyInstaller only warns), and
# the app then depends on the user's system having them. These are the ones PySide6's xcb and wayland
# plugins and QtGui need; the list matches `ldd` on PySide6 6.x. Safe to run repeatedly.
set -euo pipefail

packages=(
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxcb-xinerama0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "skipped: apt-get not found; install the equivalents of: ${packages[*]}"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
echo "installed: ${packages[*]}"
