"""The release and test workflows: triggers, the build and test machines, artifact names, and steps that only
call the project's scripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

yaml = pytest.importorskip("yaml")

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TEST_WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"
README_TEST_COMMAND = 'python -m pip install -e ".[dev]" && python -m pytest -m "not slow"'
ALLOWED_ACTIONS = {"actions/checkout", "actions/setup-python", "actions/upload-artifact", "actions/download-artifact"}
SCRIPT_PATH = re.compile(r"(?:\./)?((?:build_scripts|installer)/[\w./-]+\.(?:py|sh|ps1))")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return _load(WORKFLOW)


@pytest.fixture(scope="module")
def tests_workflow() -> dict[str, Any]:
    return _load(TEST_WORKFLOW)


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
    assert machines == {"windows-latest", "macos-latest", "macos-15-intel", "ubuntu-latest"}
    assert build["runs-on"] == "${{ matrix.os }}"
    setup = [step for step in build["steps"] if str(step.get("uses", "")).startswith("actions/setup-python")]
    assert len(setup) == 1 and str(setup[0]["with"]["python-version"]) == "3.11"


def test_macos_is_built_for_apple_silicon_and_intel_with_the_arch_in_the_artifact_name(
    workflow: dict[str, Any],
) -> None:
    """macos-latest is arm64 only; Intel Macs need a build of their own on GitHub's x86_64 image (macos-13 was
    retired in December 2025, actions/runner-images#13046; macos-15-intel replaces it)."""
    include = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
    arch_by_os = {entry["os"]: entry.get("arch") for entry in include}
    assert arch_by_os == {
        "windows-latest": "x86_64",
        "macos-latest": "arm64",
        "macos-15-intel": "x86_64",
        "ubuntu-latest": "x86_64",
    }
    upload = [step for step in _steps(workflow, "build") if str(step.get("uses", "")).startswith("actions/upload")]
    name = upload[0]["with"]["name"]
    assert "${{ matrix.arch }}" in name and "${{ runner.os }}" in name
    # every build's artifact has a name of its own (upload-artifact@v4 refuses a second one with the same name)
    names = {name.replace("${{ runner.os }}", _runner_os(e["os"])).replace("${{ matrix.arch }}", e["arch"])
             for e in include}
    assert len(names) == len(include)
    assert "${{ matrix.arch }}" in workflow["jobs"]["build"]["name"]


def _runner_os(label: str) -> str:
    return {"windows": "Windows", "macos": "macOS", "ubuntu": "Linux"}[label.split("-")[0]]


def test_the_test_workflow_runs_the_default_suite_on_windows_and_macos_at_every_push(
    tests_workflow: dict[str, Any],
) -> None:
    triggers = _triggers(tests_workflow)
    assert "push" in triggers and "tags" not in (triggers["push"] or {})
    job = tests_workflow["jobs"]["test"]
    assert set(job["strategy"]["matrix"]["os"]) == {"windows-latest", "macos-latest"}
    assert job["strategy"]["fail-fast"] is False  # one OS failing still shows the other's result
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["env"]["QT_QPA_PLATFORM"] == "offscreen"
    assert tests_workflow["permissions"]["contents"] == "read"
    setup = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/setup-python")]
    assert len(setup) == 1 and str(setup[0]["with"]["python-version"]) == "3.11"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    install, test = README_TEST_COMMAND.split(" && ")
    assert any(run.startswith(install.replace('".[dev]"', '".[dev')) for run in runs)
    assert test in runs  # exactly the README's test command
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_test_workflow_builds_and_smoke_tests_the_frozen_app_after_the_suite(
    tests_workflow: dict[str, Any],
) -> None:
    runs = [step["run"] for step in tests_workflow["jobs"]["test"]["steps"] if "run" in step]
    builds = [i for i, run in enumerate(runs) if run.startswith("python build_scripts/build.py")]
    suite = runs.index('python -m pytest -m "not slow"')
    assert builds and min(builds) > suite
    assert not any("--skip-smoke" in runs[i] for i in builds)
    assert any(".[dev,build]" in run for run in runs)  # PyInstaller for the build step
    # and the frozen app run from a Cyrillic path with spaces, with its --json written into a file
    assert "python -m pytest -m slow tests/packaging/test_build_script.py::test_full_build_and_smoke_test" in runs
    by_os = {step.get("if"): step["run"] for step in tests_workflow["jobs"]["test"]["steps"] if "if" in step}
    # Windows: the real installer, silently, per user, into a Cyrillic path; then self-check and --json there
    windows = by_os["runner.os == 'Windows'"]
    assert "installer/windows/build_installer.ps1" in windows and "installer/windows/test_install.ps1" in windows
    # macOS: the dmg, and the bundle's Info.plist (not background-only)
    macos = by_os["runner.os == 'macOS'"]
    assert "installer/macos/build_dmg.sh" in macos and "build_scripts/check_mac_bundle.py" in macos


def test_the_silent_install_check_uses_a_cyrillic_path_and_reads_json_as_utf8() -> None:
    script = (ROOT / "installer" / "windows" / "test_install.ps1").read_text(encoding="utf-8")
    assert '"/VERYSILENT"' in script and '"/CURRENTUSER"' in script
    assert "Мои программы\\Связка Svyazka" in script
    assert "SVYAZKA_SELF_CHECK_GUI" in script and "--self-check" in script
    assert "UTF8Encoding($false, $true)" in script  # a strict decoder: bytes that are not UTF-8 fail the check


def test_the_test_workflow_calls_only_pip_pytest_and_project_scripts(tests_workflow: dict[str, Any]) -> None:
    for job in tests_workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert step["uses"].split("@")[0] in ALLOWED_ACTIONS, step["uses"]
            run = step.get("run")
            if run is None:
                continue
            scripts = SCRIPT_PATH.findall(run)
            for script in scripts:
                assert (ROOT / script).is_file(), f"the workflow calls {script}, which does not exist"
            assert scripts or run.startswith(("python -m pip install -e", "python -m pytest")), run


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
