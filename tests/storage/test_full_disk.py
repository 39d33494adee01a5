"""A full 30 MB disk and a read-only data folder: every command says 空间不足 / 没有写入权限 (never 已损坏,
never a traceback) and the data is intact afterwards. Needs a small filesystem of its own: a tmpfs mounted
as root (skipped with the reason where the platform does not allow it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Each case builds the demo on its own small disk and runs every command twice (~45 s).
pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a 30 MB tmpfs needs root on Linux")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mount_point)], capture_output=True)
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ZHICHENG_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * (64 << 10))
                fh.flush()
        except OSError:
            pass
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _commands(app: str, scan: Path, out: Path) -> list[list[str]]:
    return [
        ["list"],
        ["set", app, "work_summary.summary", "很长的专业技术工作总结。" * 1500],
        ["attach", app, "basic", str(scan)],
        ["packet", app, "--out", str(out)],
        ["backup", app],
    ]


def _scan(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "身份证正面.jpg"
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(path, quality=92)
    return path


def _intact(home: Path, app: str, before: str) -> None:
    assert cli(home, "get", app).stdout == before
    con = sqlite3.connect(home / "drafts.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_full_disk_is_said_truthfully_and_nothing_is_lost(small_disk: Path, tmp_path: Path) -> None:
    home = small_disk / "home"
    app = cli(home, "demo", "--year", "2026").stdout.strip().splitlines()[-1]
    before = cli(home, "get", app).stdout
    scan = _scan(tmp_path)
    for leave in (0, 60 << 10):  # completely full, and the 60 KB of the report
        filler = _fill(small_disk, leave)
        for command in _commands(app, scan, small_disk / "打印材料.pdf"):
            done = cli(home, *command)
            said = done.stdout + done.stderr
            assert "已损坏" not in said and "Traceback" not in said and "Logging error" not in said, (
                command,
                said,
            )
            assert "程序内部错误" not in said, (command, said)
            if done.returncode != 0:
                assert "空间不足" in said, (command, said)
            elif leave == 0:
                pytest.fail(f"{command} succeeded on a full disk: {said}")
        filler.unlink()
        _intact(home, app, before)


def test_read_only_data_folder_is_said_truthfully(small_disk: Path, tmp_path: Path) -> None:
    home = small_disk / "home"
    app = cli(home, "demo", "--year", "2026").stdout.strip().splitlines()[-1]
    before = cli(home, "get", app).stdout
    scan = _scan(tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for command in _commands(app, scan, tmp_path / "打印材料.pdf"):
        done = cli(home, *command)
        said = done.stdout + done.stderr
        assert done.returncode != 0 and "没有写入权限" in said, (command, said)
        assert "已损坏" not in said and "Traceback" not in said, (command, said)
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    _intact(home, app, before)
