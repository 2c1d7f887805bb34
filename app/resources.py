"""Where the app's read-only files (icons, compiled translations) are, however Svyazka was started.

They live inside the package, in ``app/resources/``, so that a wheel install carries them like any package
data. Three ways to run, one answer:

* a source checkout or an installed wheel: next to this module, ``<package>/resources``;
* a PyInstaller bundle: the spec copies the folder to ``<sys._MEIPASS>/app/resources`` (``_MEIPASS`` is the
  bundle's ``_internal`` folder in one-folder mode, or ``Contents/Frameworks`` inside a macOS ``.app``).

The top-level ``resources/`` folder of the repository holds *sources* only (the SVG icon master, Qt
Linguist ``.ts`` files); the build turns them into the files found here. Nothing at run time reads it.

Never write into this folder: it may be read-only (Program Files, a signed ``.app``). User data goes to the
platformdirs folder (``app.paths``).
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePath

RESOURCES_DIRNAME = "resources"
APP_ICON = ("icons", "svyazka.png")
APP_ICON_SVG = ("icons", "svyazka.svg")
TRANSLATIONS_DIR = ("i18n",)


def resources_root() -> Path:
    """The folder that holds the app's resources in this run (it may not exist in a broken install)."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        return Path(bundle_dir) / "app" / RESOURCES_DIRNAME
    return Path(__file__).resolve().parent / RESOURCES_DIRNAME


def resource_path(*parts: str) -> Path:
    """The path of a resource, e.g. ``resource_path("icons", "svyazka.png")``.

    The path is returned whether or not the file exists, so callers can say which file is missing.
    Parts must be plain relative names: a resource path never escapes the resources folder.
    """
    for part in parts:
        # .anchor also catches "/x" and "C:x" on Windows, which is_absolute() lets through.
        if not part or PurePath(part).anchor or ".." in PurePath(part).parts:
            raise ValueError(f"a resource name must be a plain relative path, not {part!r}")
    return resources_root().joinpath(*parts)


def app_icon_path() -> Path:
    """The window icon (PNG; the SVG next to it scales better where QtSvg's icon engine is present)."""
    return resource_path(*APP_ICON)


def translations_dir() -> Path:
    """Where the compiled ``.qm`` translations are (``svyazka_ru.qm`` …)."""
    return resource_path(*TRANSLATIONS_DIR)
