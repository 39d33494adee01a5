"""The Windows installer, compiled and run under Wine: per-user install, upgrade keeping data, uninstall.

Runs with `make installer-test` (which installs Wine, Xvfb and npm when it may); `make test` skips it.
A stand-in payload replaces the Windows build, which only a Windows machine can make: the Linux build
folder when there is one (dist/zhicheng), else a small folder, plus dummy zhicheng.exe/zhicheng-cli.exe.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.paths import bundle_root

ROOT = bundle_root()
sys.path.insert(0, str(ROOT / "scripts"))
import build_installer  # noqa: E402
import version_info  # noqa: E402

sys.path.pop(0)

APP_ID = "{A9143AA2-0D2F-4CA8-946F-E66C79A9E352}_is1"
UNINSTALL_KEY = rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}"
SHORTCUT = "职称申报材料助手.lnk"
OLD_VERSION = "0.0.1"
RUN_ENV = "ZHICHENG_INSTALLER_TEST"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1200),
    pytest.mark.skipif(os.environ.get(RUN_ENV) != "1", reason="runs with `make installer-test` (needs Wine)"),
]


@dataclass
class Wine:
    """A fresh 64-bit Wine prefix with a virtual display; `run` starts a Windows program in it."""

    prefix: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["wine", *args], env=self.env, capture_output=True, text=True, errors="replace", timeout=timeout
        )

    def wait(self) -> None:
        """Until every program in the prefix has ended (the uninstaller re-starts itself from a temp copy)."""
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=300, check=False)

    @property
    def profile(self) -> Path:
        users = [p for p in (self.prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        assert len(users) == 1, users
        return users[0]

    def reg_value(self, key: str, name: str) -> str | None:
        run = self.run("reg", "query", key, "/v", name, timeout=60)
        if run.returncode != 0:
            return None
        for line in run.stdout.splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3 and parts[0] == name:
                return parts[2].strip()
        return None


def _missing_tools() -> list[str]:
    return [tool for tool in ("wine", "wineserver", "Xvfb") if shutil.which(tool) is None]


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wine]:
    missing = _missing_tools()
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not available and could not be installed (scripts/ensure-wine.sh needs "
            "root or passwordless sudo on Debian/Ubuntu): the Windows installer was NOT tested"
        )
    base = tmp_path_factory.mktemp("wine")
    display_file = base / "display"
    with open(display_file, "w") as fh:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(fh.fileno()), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
            pass_fds=(fh.fileno(),),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        for _ in range(100):
            number = display_file.read_text().strip()
            if number:
                break
            xvfb.wait(timeout=0.1) if xvfb.poll() is not None else subprocess.run(
                ["sleep", "0.1"], check=False
            )
        assert number, "Xvfb did not start"
        (base / "home").mkdir()
        env = {
            **os.environ,
            # Wine links the prefix's Documents and Desktop to $HOME: a temporary one keeps the planted
            # backups and the shortcuts off this account's real home folder.
            "HOME": str(base / "home"),
            "WINEPREFIX": str(base / "prefix"),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            # No Mono/Gecko install prompts (the installer needs neither .NET nor a browser engine), and no
            # Linux menu entries for the Windows shortcuts.
            "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
            "DISPLAY": f":{number}",
        }
        box = Wine(base / "prefix", env)
        boot = subprocess.run(["wineboot", "--init"], env=env, capture_output=True, text=True, timeout=300)
        assert boot.returncode == 0, boot.stderr[-2000:]
        # Wine reports Windows 7 by default; the installer (like Qt 6) asks for Windows 10.
        assert (
            box.run("reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/d", "win10", "/f").returncode == 0
        )
        box.wait()
        yield box
    finally:
        subprocess.run(
            ["wineserver", "-k"],
            env={**os.environ, "WINEPREFIX": str(base / "prefix")},
            capture_output=True,
            check=False,
        )
        xvfb.terminate()
        xvfb.wait(timeout=30)


def _payload(folder: Path, version: str, extra: str) -> Path:
    """A stand-in one-folder build: the Linux build when present, else a small folder, plus dummy .exe files."""
    linux_build = ROOT / "dist" / "zhicheng"
    if linux_build.is_dir() and (linux_build / "_internal").is_dir():
        shutil.copytree(linux_build, folder, symlinks=True)
    else:
        (folder / "_internal" / "resources").mkdir(parents=True)
        (folder / "_internal" / "resources" / "说明.txt").write_text("stand-in", encoding="utf-8")
    for exe in ("zhicheng.exe", "zhicheng-cli.exe"):
        (folder / exe).write_bytes(b"MZ stand-in for " + exe.encode() + version.encode())
    (folder / "_internal" / extra).write_text(version, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def installers(tmp_path_factory: pytest.TempPathFactory, wine: Wine) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("installers")
    saved = {k: os.environ.get(k) for k in ("WINEPREFIX", "HOME", "WINEDLLOVERRIDES")}
    os.environ.update({k: wine.env[k] for k in saved})  # the compiler runs in the same prefix
    try:
        new_version = version_info.project_version()
        assert version_info.numeric_version(new_version) > version_info.numeric_version(OLD_VERSION)
        built = {}
        for label, version, extra in (
            ("old", OLD_VERSION, "only_in_old.txt"),
            ("new", new_version, "only_in_new.txt"),
        ):
            payload = _payload(base / f"payload-{label}", version, extra)
            built[label] = build_installer.build_installer(
                payload, base / f"out-{label}", version, compression="lzma2/fast", work=base / f"work-{label}"
            )
        return built
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_installer_carries_the_version_and_chinese_texts(installers: dict[str, Path]) -> None:
    import pefile

    pe = pefile.PE(str(installers["new"]), fast_load=False)
    strings = {
        key.decode(): value.decode().strip("\x00 ")  # Inno Setup pads the values
        for info in pe.FileInfo[0]
        if info.Key == b"StringFileInfo"
        for table in info.StringTable
        for key, value in table.entries.items()
    }
    pe.close()
    assert strings["ProductVersion"] == version_info.project_version()
    assert strings["ProductName"] == "职称申报材料助手"
    assert installers["new"].name == f"zhicheng-setup-{version_info.project_version()}.exe"


def test_every_installer_message_is_in_chinese(installers: dict[str, Path]) -> None:
    import re

    if os.environ.get("ISCC"):
        pytest.skip("ISCC points to another Inno Setup: its Default.isl is not in build/innosetup")
    # The compiler's own English file lists every message the wizard and the uninstaller can show.
    english = (build_installer.CACHE / "package" / "bin" / "Default.isl").read_text(encoding="utf-8-sig")
    chinese = (ROOT / "packaging" / "windows" / "ChineseSimplified.isl").read_text(encoding="utf-8-sig")

    def messages(text: str) -> dict[str, str]:
        return dict(re.findall(r"^(\w+)=(.*)$", text, re.MULTILINE))

    theirs, ours = messages(english), messages(chinese)
    assert sorted(set(theirs) - set(ours)) == []
    for key, text in theirs.items():
        # Same placeholders, so no message loses the name, path or error it is meant to show.
        assert sorted(re.findall(r"%\d", text)) == sorted(re.findall(r"%\d", ours[key])), key
        if re.search(r"[A-Za-z]{4,}", text) and key not in {
            "LanguageName",
            "ComponentSize1",
            "ComponentSize2",
        }:
            assert re.search(r"[\u4e00-\u9fff]", ours[key]) or not ours[key], key


def _install(wine: Wine, setup: Path, log: Path, *extra: str) -> str:
    run = wine.run(
        build_installer.windows_path(setup),
        "/VERYSILENT",
        "/CURRENTUSER",
        "/SUPPRESSMSGBOXES",
        "/NORESTART",
        f"/LOG={build_installer.windows_path(log)}",
        *extra,
    )
    wine.wait()
    text = log.read_text(encoding="utf-8-sig", errors="replace") if log.is_file() else ""
    assert run.returncode == 0, f"setup exit {run.returncode}\n{text[-3000:]}"
    return text


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_install_upgrade_and_uninstall_keep_the_data(
    wine: Wine, installers: dict[str, Path], tmp_path: Path
) -> None:
    profile = wine.profile
    app_dir = profile / "AppData" / "Local" / "Programs" / "zhicheng"
    start_menu = (
        profile / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / SHORTCUT
    )
    desktop = profile / "Desktop" / SHORTCUT

    # 1. First install of an older version: per user, no administrator rights, nothing outside the profile.
    log = _install(wine, installers["old"], tmp_path / "old.log")
    assert "Administrative install mode: No" in log and "Install mode root key: HKEY_CURRENT_USER" in log
    assert (app_dir / "zhicheng.exe").is_file() and (app_dir / "zhicheng-cli.exe").is_file()
    assert (app_dir / "_internal" / "only_in_old.txt").is_file()
    assert (app_dir / "unins000.exe").is_file()
    assert start_menu.is_file(), sorted(p.name for p in start_menu.parent.iterdir())
    assert "zhicheng.exe" in start_menu.read_bytes().decode("latin-1") + start_menu.read_bytes().decode(
        "utf-16-le", errors="ignore"
    )
    assert desktop.is_file(), "the desktop shortcut task is on by default"
    drive_c = wine.prefix / "drive_c"
    for machine_wide in ("Program Files", "Program Files (x86)", "ProgramData"):
        assert not list((drive_c / machine_wide).rglob("*zhicheng*")), machine_wide
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") == OLD_VERSION

    # 2. The person's data and backups, as the app leaves them (%LOCALAPPDATA%\zhicheng, 文档\职称申报备份).
    data = profile / "AppData" / "Local" / "zhicheng"
    (data / "blobs" / "ab").mkdir(parents=True)
    (data / "drafts.sqlite").write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    (data / "blobs" / "ab" / ("ab" + "0" * 62)).write_bytes(os.urandom(2048))
    (data / "Logs").mkdir()
    (data / "Logs" / "zhicheng.log").write_text("log", encoding="utf-8")
    backups = profile / "Documents" / "职称申报备份"
    backups.mkdir(parents=True)
    (backups / "张三_2026年职称申报备份_20261204-230000.zip").write_bytes(b"PK" + os.urandom(1024))
    kept = {"data": _digest(data), "backups": _digest(backups)}

    # 3. Upgrade: the new version replaces the program (no stale library of the old one), data untouched.
    new_version = version_info.project_version()
    _install(wine, installers["new"], tmp_path / "new.log")
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") == new_version
    assert (app_dir / "_internal" / "only_in_new.txt").is_file()
    assert not (app_dir / "_internal" / "only_in_old.txt").exists(), "the old bundle was not cleared"
    assert new_version.encode() in (app_dir / "zhicheng.exe").read_bytes()
    assert not (app_dir / "unins001.exe").exists(), "the upgrade registered a second uninstaller"
    assert start_menu.is_file()
    assert {"data": _digest(data), "backups": _digest(backups)} == kept

    # 4. Uninstall: the program, its shortcuts and its Apps entry go; the data folder and backups stay.
    run = wine.run(
        build_installer.windows_path(app_dir / "unins000.exe"),
        "/VERYSILENT",
        "/SUPPRESSMSGBOXES",
        "/NORESTART",
    )
    wine.wait()
    assert run.returncode == 0, run.stderr[-2000:]
    assert not (app_dir / "zhicheng.exe").exists() and not (app_dir / "_internal").exists()
    assert not start_menu.exists() and not desktop.exists()
    assert wine.reg_value(UNINSTALL_KEY, "DisplayVersion") is None
    assert {"data": _digest(data), "backups": _digest(backups)} == kept


def test_desktop_shortcut_is_optional(wine: Wine, installers: dict[str, Path], tmp_path: Path) -> None:
    profile = wine.profile
    desktop = profile / "Desktop" / SHORTCUT
    _install(wine, installers["new"], tmp_path / "no-desktop.log", "/MERGETASKS=!desktopicon")
    app_dir = profile / "AppData" / "Local" / "Programs" / "zhicheng"
    try:
        assert (app_dir / "zhicheng.exe").is_file()
        assert not desktop.exists()
    finally:
        wine.run(build_installer.windows_path(app_dir / "unins000.exe"), "/VERYSILENT", "/SUPPRESSMSGBOXES")
        wine.wait()
