"""The release workflow: triggers, the three build machines, and steps that only call the project's scripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

yaml = pytest.importorskip("yaml")

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ALLOWED_ACTIONS = {"actions/checkout", "actions/setup-python", "actions/upload-artifact", "actions/download-artifact"}
SCRIPT_PATH = re.compile(r"(?:\./)?((?:build_scripts|installer)/[\w./-]+\.(?:py|sh|ps1))")


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    return workflow.get("on") or workflow[True]


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def _runs(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in _steps(workflow, job) if "run" in step]


def test_runs_on_version_tags(workflow: dict[str, Any]) -> None:
    assert _triggers(workflow)["push"]["tags"] == ["v*"]


def test_builds_on_windows_macos_and_linux_with_python_311(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    machines = {entry["os"] for entry in build["strategy"]["matrix"]["include"]}
    assert machines == {"windows-latest", "macos-latest", "ubuntu-latest"}
    assert build["runs-on"] == "${{ matrix.os }}"
    setup = [step for step in build["steps"] if str(step.get("uses", "")).startswith("actions/setup-python")]
    assert len(setup) == 1 and str(setup[0]["with"]["python-version"]) == "3.11"


def test_build_installs_the_build_extra_and_runs_build_py(workflow: dict[str, Any]) -> None:
    runs = _runs(workflow, "build")
    assert any('pip install -e ".[build]"' in run for run in runs)
    build_runs = [run for run in runs if "build_scripts/build.py" in run]
    assert len(build_runs) == 1 and build_runs[0].startswith("python build_scripts/build.py")
    linux = [entry for entry in workflow["jobs"]["build"]["strategy"]["matrix"]["include"] if "ubuntu" in entry["os"]]
    assert "--archive" in linux[0]["build_args"]  # the Linux artifact is the tarball


def test_platform_steps_call_the_installer_scripts_on_their_own_os(workflow: dict[str, Any]) -> None:
    by_script = {}
    for step in _steps(workflow, "build"):
        for path in SCRIPT_PATH.findall(step.get("run", "")):
            by_script[path] = step.get("if", "")
    assert "runner.os == 'Windows'" in by_script["installer/windows/build_installer.ps1"]
    assert "runner.os == 'macOS'" in by_script["installer/macos/build_dmg.sh"]
    assert "runner.os == 'macOS'" in by_script["installer/macos/sign_and_notarize.sh"]
    assert "runner.os == 'Linux'" in by_script["build_scripts/linux_build_deps.sh"]
    assert by_script["build_scripts/build.py"] == ""  # every OS


def test_every_run_step_calls_only_project_scripts_pip_or_gh(workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"]:
        for run in _runs(workflow, job):
            scripts = SCRIPT_PATH.findall(run)
            for script in scripts:
                assert (ROOT / script).is_file(), f"the workflow calls {script}, which does not exist"
            allowed = bool(scripts) or "pip install -e" in run or run.startswith("gh release create")
            assert allowed, f"a workflow step runs something other than the project's scripts: {run!r}"


def test_uses_only_official_actions(workflow: dict[str, Any]) -> None:
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in ALLOWED_ACTIONS, step["uses"]


def test_uploads_every_installer_and_releases_them_on_tags(workflow: dict[str, Any]) -> None:
    upload = [step for step in _steps(workflow, "build") if str(step.get("uses", "")).startswith("actions/upload")]
    paths = upload[0]["with"]["path"]
    for pattern in ("dist/installer/*.exe", "dist/*.dmg", "dist/*.tar.gz"):
        assert pattern in paths
    assert upload[0]["with"]["if-no-files-found"] == "error"
    release = workflow["jobs"]["release"]
    assert release["needs"] == "build"
    assert "refs/tags/v" in release["if"]
    assert release["permissions"]["contents"] == "write"
    assert workflow["permissions"]["contents"] == "read"  # write only where the release is made
    assert any(run.startswith("gh release create") for run in _runs(workflow, "release"))


def test_signing_secrets_reach_only_the_signing_steps(workflow: dict[str, Any]) -> None:
    for step in _steps(workflow, "build"):
        secrets = [key for key, value in (step.get("env") or {}).items() if "secrets." in str(value)]
        if secrets:
            assert "installer/macos/sign_and_notarize.sh" in step["run"], step["name"]


def test_installer_paths_match_what_the_scripts_write() -> None:
    iss = (ROOT / "installer" / "windows" / "svyazka.iss").read_text(encoding="utf-8")
    assert "OutputDir=..\\..\\dist\\installer" in iss
    dmg = (ROOT / "installer" / "macos" / "build_dmg.sh").read_text(encoding="utf-8")
    assert "$ROOT/dist/Svyazka-$VERSION-macos-$ARCH.dmg" in dmg
    assert Path("dist/Svyazka-0.1.0-linux-x86_64.tar.gz").match("dist/*.tar.gz")
