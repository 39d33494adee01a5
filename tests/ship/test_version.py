"""One version, written only in pyproject.toml: the CLI, 关于, the backup manifest and Windows read it."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import desktop_app
from desktop_app.paths import bundle_root

ROOT = bundle_root()
sys.path.insert(0, str(ROOT / "scripts"))
import version_info  # noqa: E402

sys.path.pop(0)


def pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def test_the_version_is_written_in_pyproject_only() -> None:
    version = pyproject_version()
    assert desktop_app.__version__ == version
    assert version_info.project_version() == version
    # No second copy to forget when releasing: no source file spells a version of its own.
    for path in (ROOT / "desktop_app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"__version__\s*=\s*['\"]", text), path
    for path in list((ROOT / "packaging").rglob("*.iss")) + [ROOT / "build.spec"]:
        assert version not in path.read_text(encoding="utf-8"), path


def test_installed_metadata_agrees_with_pyproject() -> None:
    # The built app has no pyproject.toml: it reads this metadata (build.spec bundles it).
    assert importlib.metadata.version(desktop_app.DIST_NAME) == pyproject_version()


def test_without_a_source_tree_the_version_comes_from_the_metadata(tmp_path: Path) -> None:
    # What the PyInstaller build does: the package is copied away from pyproject.toml.
    code = (
        "import sys, importlib.util, pathlib;"
        f"spec = importlib.util.spec_from_file_location('copied', r'{tmp_path / 'pkg' / '__init__.py'}',"
        " submodule_search_locations=[]);"
        "m = importlib.util.module_from_spec(spec); sys.modules['copied'] = m;"
        "src = pathlib.Path(spec.origin).read_text(encoding='utf-8');"
        "exec(compile(src.split('__version__ = _read_version()')[0], spec.origin, 'exec'), m.__dict__);"
        "print(m._read_version())"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(
        (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == pyproject_version()


def test_command_line_prints_the_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--version"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"职称申报材料助手 {pyproject_version()}"


def test_about_shows_the_pyproject_version(qtbot, services) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui.about_dialog import AboutDialog

    dialog = AboutDialog(services)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"版本 {pyproject_version()}" in texts


def test_backup_manifest_records_the_pyproject_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.cli import main

    assert main(["new", "--name", "张三", "--year", "2026"]) == 0
    app_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["backup", app_id, "--out", str(tmp_path)]) == 0
    archives = list(tmp_path.glob("*.zip"))
    assert len(archives) == 1, capsys.readouterr()
    with zipfile.ZipFile(archives[0]) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["app_version"] == pyproject_version()


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("2.3", (2, 3, 0, 0)),
        ("1.2.3rc4", (1, 2, 3, 4)),
        ("10.20.30.40.50", (10, 20, 30, 40)),
    ],
)
def test_windows_numbers_from_the_version(version: str, numbers: tuple[int, ...]) -> None:
    assert version_info.numeric_version(version) == numbers


def test_windows_version_resource_carries_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    import PyInstaller.compat

    # PyInstaller's parser imports pywin32 (only needed to write into an .exe, on Windows); parsing and
    # serialising the resource is plain Python, so a stand-in lets Linux check what Windows will embed.
    if not hasattr(PyInstaller.compat, "win32api"):
        monkeypatch.setattr(PyInstaller.compat, "win32api", types.ModuleType("win32api"), raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file

    path = version_info.write_windows_version_file(tmp_path / "v.txt", "1.2.3", "zhicheng-cli")
    info = load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS == (1 << 16) | 2 and info.ffi.fileVersionLS == 3 << 16
    raw = info.toRaw()  # what PyInstaller writes into the .exe
    for text in ("1.2.3", "职称申报材料助手", "zhicheng-cli.exe"):
        assert text.encode("utf-16-le") in raw
