"""What a command loads at start-up: people script these commands, so each imports only what it uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What no reading command needs: the PDF and picture libraries, Qt, OpenCV.
NOT_FOR_READING = ("reportlab", "pypdf", "PIL", "PySide6", "numpy", "cv2")


def modules_after(home: Path, *args: str) -> set[str]:
    """The modules loaded after running one command in a fresh interpreter."""
    code = (
        "import json, sys; from desktop_app.cli import main; code = main(sys.argv[1:]);"
        "sys.stdout.flush(); sys.stderr.write('\\nMODULES' + json.dumps(sorted(sys.modules)))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=dict(os.environ, ZHICHENG_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return set(json.loads(run.stderr.rsplit("MODULES", 1)[1]))


@pytest.mark.parametrize("command", [("list",), ("get", "1", "basic.name"), ("check", "1")])
def test_reading_commands_load_no_pdf_picture_or_qt_library(command: tuple[str, ...], tmp_path: Path) -> None:
    loaded = modules_after(tmp_path, *command)
    assert "desktop_app.services" in loaded  # the command did run
    for name in NOT_FOR_READING:
        assert name not in loaded, f"{' '.join(command)} loads {name}"


def _python(code: str) -> str:
    """What a fresh interpreter prints running `code` in the source tree (it must succeed)."""
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_package_reads_its_version_only_when_asked() -> None:
    code = (
        "import sys, desktop_app; before = {'importlib.metadata', 'tomllib'} & set(sys.modules);"
        "print(sorted(before), desktop_app.__version__)"
    )
    assert _python(code).split() == ["[]", metadata.version("zhicheng-assistant")]


def test_pyside_s_version_is_read_without_importing_it() -> None:
    code = (
        "import sys; from desktop_app.qt_compat import config_version; version = config_version();"
        "print(version, sorted({'PySide6', 'importlib.metadata'} & set(sys.modules)))"
    )
    version, loaded = _python(code).split(" ", 1)
    assert version == metadata.version("PySide6-Essentials")
    assert loaded.strip() == "[]"  # neither Qt nor the metadata reader was loaded to learn it


def test_attaching_a_picture_loads_no_pdf_library(zhicheng_home: Path, tmp_path: Path) -> None:
    """attach prepares each page's print picture (Pillow) but never draws or merges a packet."""
    from PIL import Image

    from desktop_app.cli import main

    assert main(["new", "--name", "李明", "--year", "2026"]) == 0
    picture = tmp_path / "身份证人像面.jpg"
    Image.new("RGB", (1011, 638), "white").save(picture, quality=90)
    loaded = modules_after(zhicheng_home, "attach", "1", "basic", str(picture))
    assert "desktop_app.usecases.scans" in loaded and "PIL" in loaded  # the file was imported
    for name in ("pypdf", "reportlab", "desktop_app.packet.pipeline"):
        assert name not in loaded, f"attach loads {name}"
