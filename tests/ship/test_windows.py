"""Windows code paths, simulated on this machine: data folder, instance lock, file names, paths, fonts.

What cannot be exercised here (real NTFS locking semantics, a printer driver behind QPrintDialog, MAX_PATH
enforcement by Windows itself) is run by the release workflow on a Windows runner as far as it goes:
the installed app's --smoke-test.
"""

from __future__ import annotations

import ntpath
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app.paths import bundle_root
from desktop_app.scans.naming import MAX_NAME_CHARS, propose_name, safe_filename, section_folder

ROOT = bundle_root()
PROFILE = "C:\\Users\\张晓明"
LOCALAPPDATA = PROFILE + "\\AppData\\Local"


def _windows_dirs(monkeypatch: pytest.MonkeyPatch):
    """platformdirs' Windows rules with the folders a Windows account reports (no ctypes/winreg here)."""
    import platformdirs
    import platformdirs.windows as windows

    monkeypatch.setenv("LOCALAPPDATA", LOCALAPPDATA)
    monkeypatch.setenv("APPDATA", PROFILE + "\\AppData\\Roaming")
    monkeypatch.setattr(windows, "get_win_folder", windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs, "PlatformDirs", windows.Windows)
    return windows


def test_data_and_logs_live_under_localappdata_zhicheng(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app import paths

    _windows_dirs(monkeypatch)
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    # What the app computes on Windows: %LOCALAPPDATA%\zhicheng (no author folder, not Roaming).
    # (platformdirs joins with this machine's separator; on Windows it is a backslash.)
    assert str(paths._data_home_path()).replace("/", "\\") == LOCALAPPDATA + "\\zhicheng"
    import platformdirs

    logs = platformdirs.user_log_dir(paths.APP_NAME, appauthor=False).replace("/", "\\")
    assert logs == LOCALAPPDATA + "\\zhicheng\\Logs"


def test_installer_and_readme_name_the_same_data_folder() -> None:
    # The uninstaller says which folder it leaves alone; it must be the one the app really uses.
    isl = (ROOT / "packaging" / "windows" / "ChineseSimplified.isl").read_text(encoding="utf-8-sig")
    confirm = next(line for line in isl.splitlines() if line.startswith("ConfirmUninstall="))
    assert "AppData\\Local\\zhicheng" in confirm and "备份" in confirm and "不会被删除" in confirm
    iss = (ROOT / "packaging" / "windows" / "zhicheng.iss").read_text(encoding="utf-8-sig")
    assert "DefaultDirName={localappdata}\\Programs\\zhicheng" in iss
    # The program folder is never the data folder (an uninstall deletes the program folder).
    assert "{localappdata}\\zhicheng" not in iss.replace("{localappdata}\\zhicheng\\", "")
    assert "%LOCALAPPDATA%\\zhicheng" in (ROOT / "README.md").read_text(encoding="utf-8")


_FAKE_MSVCRT = textwrap.dedent("""
    import fcntl, os, sys, types

    # msvcrt.locking(fd, LK_NBLCK, n) locks n bytes from the file position or fails at once; POSIX
    # byte-range locks (lockf) behave the same way between processes, so they stand in for it here.
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK = 2

    def locking(fd, mode, nbytes):
        assert mode == msvcrt.LK_NBLCK and nbytes >= 1
        start = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, nbytes, start, os.SEEK_SET)
        except OSError as exc:
            raise PermissionError(13, "Permission denied") from exc

    msvcrt.locking = locking
    import desktop_app.storage.lock as lock_module
    from desktop_app.errors import UserError
    from desktop_app.storage import InstanceLock

    # Only now: imported earlier, a module named msvcrt would make the standard library think it is on Windows.
    sys.modules["msvcrt"] = msvcrt
    lock_module.os = types.SimpleNamespace(name="nt", getpid=os.getpid)

    lock = InstanceLock(__import__("pathlib").Path(sys.argv[1]))
    try:
        lock.acquire()
    except UserError as exc:
        print("refused:", exc, flush=True)
        sys.exit(3)
    print("held", flush=True)
    if sys.argv[2] == "hold":
        sys.stdin.read()
    lock.release()
""")


@pytest.mark.skipif(os.name == "nt", reason="simulates Windows on POSIX; on Windows the real lock is tested")
def test_single_instance_lock_on_windows(tmp_path: Path) -> None:
    path = tmp_path / "instance.lock"

    def start(mode: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _FAKE_MSVCRT, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    first = start("hold")
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        second = start("once")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 3, err
        assert "职称申报材料助手已经在运行" in out and "请切换到已打开的窗口" in out
        # The first copy's process id is in the file (the lock does not stop others reading it).
        assert path.read_text(encoding="utf-8") == str(first.pid)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    # A copy that was killed leaves no stale lock behind.
    third = start("once")
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0 and out.strip() == "held", err


@pytest.mark.parametrize(
    "stem",
    [
        "CON",
        "con",
        "PRN",
        "AUX",
        "NUL",
        "COM1",
        "com9",
        "COM0",
        "LPT1",
        "LPT0",
        "COM¹",
        "LPT³",
        "CONIN$",
        "CONOUT$",
        "NUL ",
        "CON.",
        "Con..",
        "aux.tar",
    ],
)
def test_reserved_device_names_never_reach_the_disk(stem: str) -> None:
    for ext in (".jpg", ".pdf", ""):
        name = safe_filename(stem + ext)
        base = name.split(".")[0].rstrip(" ")
        assert base.upper() not in {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}, name
        assert not (base.upper()[:3] in {"COM", "LPT"} and len(base) == 4), name
        assert not name.endswith((".", " ")), name


@pytest.mark.parametrize("raw", ["毕业证书. . .jpg", "毕业证书 .jpg", "毕业证书...", "毕业证书   "])
def test_trailing_dots_and_spaces_are_removed(raw: str) -> None:
    name = safe_filename(raw)
    stem = name.rsplit(".", 1)[0] if name.endswith(".jpg") else name
    assert stem == "毕业证书", name


def test_proposed_names_keep_export_paths_under_windows_max_path() -> None:
    # A long project title (real ones run to 40+ characters) in the deepest folder the app writes by default.
    title = "基于多源遥感数据融合的高原湖泊流域水环境承载力动态评估与预警关键技术研究及示范应用" * 3
    name = propose_name(7, 12, "承担课题（项目）情况", "立项文件或任务书", title, part="第12页")
    assert len(name) <= MAX_NAME_CHARS
    assert name.startswith("07-12_承担课题（项目）情况_立项文件或任务书（") and name.endswith(".jpg")
    folder = ntpath.join(
        PROFILE, "Documents", "职称申报上传材料", "张晓明_2026年", section_folder(7, "承担课题（项目）情况")
    )
    path = ntpath.join(folder, name)
    # MAX_PATH is 260 including the drive and the terminating NUL.
    assert len(path) <= 259, (len(path), path)
    # Characters outside the BMP count twice for Windows.
    emoji = safe_filename("证书" + "😀" * 200 + ".jpg")
    assert len(emoji.encode("utf-16-le")) // 2 <= MAX_NAME_CHARS and emoji.endswith(".jpg")


@pytest.mark.parametrize("person", ["CON", "nul", "王小明. ", "欧阳/小:明?", "李" * 300])
def test_backup_file_names_are_windows_safe(person: str) -> None:
    from datetime import datetime

    from desktop_app.usecases.backup import backup_filename

    name = backup_filename(person, 2026, datetime(2026, 12, 4, 23, 0, 0), encrypted=True)
    assert not set(name) & set('<>:"/\\|?*'), name
    assert name.split(".")[0].split("_")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}, name
    assert name.endswith("_2026年职称申报备份_20261204-230000.zip.enc"), name
    # In the default folder (Documents\职称申报备份) the whole path stays under MAX_PATH.
    assert len(ntpath.join(PROFILE, "Documents", "职称申报备份", name)) <= 259


def test_cjk_fonts_of_windows_are_kept(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui import qt_setup

    app = QApplication.instance()
    before = app.font().family()
    registered: list[str] = []
    # What QFontDatabase reports on a Chinese Windows: SimSun and Microsoft YaHei cover Simplified Chinese.
    monkeypatch.setattr(
        QFontDatabase, "families", lambda *a: ["Microsoft YaHei", "Microsoft YaHei UI", "SimSun"]
    )
    monkeypatch.setattr(QFontDatabase, "addApplicationFont", lambda path: registered.append(path) or -1)
    assert qt_setup.ensure_cjk_font(app) == before
    # The bundled Noto Sans SC is not loaded over the system's own Chinese fonts.
    assert registered == [] and app.font().family() == before


def test_command_output_survives_an_english_code_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from desktop_app import cli

    # `zhicheng-cli --version > file` on an English Windows: stdout is cp1252, which has no Chinese.
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(cli, "WINDOWS", True)
    monkeypatch.setattr(sys, "stdout", stream)
    assert cli.main(["--version"]) == 0
    stream.flush()
    assert raw.getvalue().decode("cp1252").strip().endswith(" " + __import__("desktop_app").__version__)
