"""Shared helpers for the packaging tests: the repository root and the build scripts as importable modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPTS = ROOT / "build_scripts"


def load_build_module(name: str) -> ModuleType:
    """Import ``build_scripts/<name>.py`` (a folder of scripts, not a package) under a private name."""
    if str(BUILD_SCRIPTS) not in sys.path:
        sys.path.insert(0, str(BUILD_SCRIPTS))  # build.py imports spec_helpers as a sibling
    spec = importlib.util.spec_from_file_location(f"svyazka_build_{name}", BUILD_SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def spec_helpers() -> ModuleType:
    return load_build_module("spec_helpers")


@pytest.fixture(scope="session")
def build_script() -> ModuleType:
    return load_build_module("build")


@pytest.fixture(scope="session")
def iconfile() -> ModuleType:
    return load_build_module("iconfile")
