"""The one-folder PyInstaller build: it bundles what the app loads at run time and passes --smoke-test."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.paths import bundle_root

ROOT = bundle_root()
EXE = ".exe" if os.name == "nt" else ""


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """What a fresh user account has: no Python paths, no Qt platform override, no ZHICHENG_HOME."""
    keep = ("PATH", "SYSTEMROOT", "WINDIR", "TEMP", "TMP", "LANG", "LC_ALL", "DISPLAY", "XDG_RUNTIME_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["HOME"] = str(tmp_path / "user")
    env["USERPROFILE"] = env["HOME"]
    (tmp_path / "user").mkdir()
    return env


@pytest.fixture(scope="module")
def built_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail(
            "PyInstaller is missing: it is in the dev extra (pip install -e '.[dev]'); CI must build the app"
        )
    work = tmp_path_factory.mktemp("pyinstaller")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return work / "dist" / "zhicheng"


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_built_folder_holds_forms_resources_translations_and_no_webengine(built_app: Path) -> None:
    internal = built_app / "_internal"
    assert len(list((internal / "forms").glob("*.toml"))) == 15
    for name in (
        "reference/committees.toml",
        "fonts/NotoSansSC-Regular.ttf",
        "fonts/OFL.txt",
        "licenses/components.toml",
        "licenses/LGPL-3.0.txt",
        "help/使用说明.md",
    ):
        assert (internal / "resources" / name).is_file(), name
    assert list(internal.rglob("qtbase_zh_CN.qm"))
    names = [p.name for p in internal.rglob("*")]
    assert any("Qt6Pdf" in n or "QtPdf" in n for n in names)
    assert not [n for n in names if "WebEngine" in n or "Qt6Quick" in n]


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_built_app_passes_its_smoke_test_on_a_clean_account(built_app: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [str(built_app / f"zhicheng{EXE}"), "--smoke-test"],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "自检通过" in run.stdout and "打印材料" in run.stdout and "示例申报已打开" in run.stdout
    # Worker processes of the packet must run as workers, not as a second copy of the command line.
    assert "Traceback" not in run.stderr and "命令用法有误" not in run.stderr
    # The smoke test used a temporary folder, never the account's data folder.
    assert not any((tmp_path / "user").rglob("drafts.sqlite"))


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_built_command_line_creates_and_checks_the_demo(built_app: Path, tmp_path: Path) -> None:
    env = {**_clean_env(tmp_path), "ZHICHENG_HOME": str(tmp_path / "data")}
    cli = str(built_app / f"zhicheng-cli{EXE}")
    demo = subprocess.run(
        [cli, "demo", "--year", "2026"], env=env, capture_output=True, text=True, timeout=120
    )
    assert demo.returncode == 0, demo.stderr
    app_id = demo.stdout.strip().splitlines()[-1]
    check = subprocess.run([cli, "check", app_id], env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "可以提交" in check.stdout


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_built_app_shows_the_pyproject_version_and_its_icon(built_app: Path, tmp_path: Path) -> None:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    run = subprocess.run(
        [str(built_app / f"zhicheng-cli{EXE}"), "--version"],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and run.stdout.strip() == f"职称申报材料助手 {version}", (
        run.stdout + run.stderr
    )
    # The window icon's pictures are in the bundle, one per size (the smoke test loads them).
    icons = built_app / "_internal" / "resources" / "icons"
    assert {p.name for p in icons.glob("app-*.png")} >= {"app-16.png", "app-32.png", "app-256.png"}
