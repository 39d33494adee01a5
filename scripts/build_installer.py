"""Compile the Windows installer (packaging/windows/zhicheng.iss) with the Inno Setup compiler.

    python scripts/build_installer.py [--payload dist/zhicheng] [--out dist] [--version X] [--compression C]

The version comes from pyproject.toml, the icon from scripts/make_icons.py. On Windows it uses the
installed Inno Setup 6 (ISCC.exe on PATH or in Program Files; hosted runners have it); elsewhere it runs
the compiler from the npm package `innosetup` under Wine (scripts/ensure-wine.sh installs Wine and Xvfb).
Prints the path of the installer it wrote; exits 1 with a message when something is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_icons  # noqa: E402
import version_info  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "packaging" / "windows" / "zhicheng.iss"
# The compiler shipped in the npm registry's `innosetup` package (Inno Setup's own binaries).
INNOSETUP_NPM = "innosetup@6.4.1"
CACHE = ROOT / "build" / "innosetup"


class InstallerError(Exception):
    """Something the installer build needs is missing; the message says what to do."""


def windows_path(path: Path) -> str:
    """A path as the compiler sees it: itself on Windows, under Wine the Z: drive that maps '/'."""
    if os.name == "nt":
        return str(path)
    return "Z:" + str(path.resolve()).replace("/", "\\")


def npm_compiler() -> Path:
    """ISCC.exe from the npm package, fetched once into build/innosetup/ with `npm pack`."""
    iscc = CACHE / "package" / "bin" / "ISCC.exe"
    if iscc.is_file():
        return iscc
    npm = shutil.which("npm")
    if npm is None:
        raise InstallerError(
            "没有找到 npm：请先安装 Node.js 和 npm（Debian：apt-get install -y npm），它用来下载 Inno Setup 编译器"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([npm, "pack", INNOSETUP_NPM, "--silent"], cwd=CACHE, capture_output=True, text=True)
    tarballs = sorted(CACHE.glob("innosetup-*.tgz"))
    if run.returncode != 0 or not tarballs:
        raise InstallerError(f"npm pack {INNOSETUP_NPM} 失败：{run.stderr.strip()[-500:]}")
    with tarfile.open(tarballs[-1]) as tar:
        tar.extractall(CACHE, filter="data")
    if not iscc.is_file():
        raise InstallerError(f"{INNOSETUP_NPM} 中没有 bin/ISCC.exe")
    return iscc


def compiler_command() -> list[str]:
    """How to start ISCC.exe here."""
    override = os.environ.get("ISCC")
    if os.name == "nt":
        found = override or shutil.which("iscc")
        for folder in (
            os.environ.get("ProgramFiles(x86)"),
            os.environ.get("ProgramFiles"),
            os.environ.get("LOCALAPPDATA", "") + "\\Programs",
        ):
            candidate = Path(folder or "") / "Inno Setup 6" / "ISCC.exe"
            if not found and folder and candidate.is_file():
                found = str(candidate)
        return [found or str(npm_compiler())]
    wine = shutil.which("wine")
    if wine is None:
        raise InstallerError("没有找到 Wine：请运行 bash scripts/ensure-wine.sh（root 身份会自动安装）")
    return [wine, override or str(npm_compiler())]


def wizard_images(work: Path) -> tuple[Path, Path]:
    """The app's icon for the wizard: top right of inner pages (58 px) and the welcome page's side panel."""
    from PIL import Image

    work.mkdir(parents=True, exist_ok=True)
    small = work / "wizard-small.bmp"
    tile = Image.new("RGB", (58, 58), (255, 255, 255))
    icon = make_icons.draw_icon(58)
    tile.paste(icon, (0, 0), icon)
    tile.save(small)
    large = work / "wizard.bmp"
    # 164×314 is the panel at 100 % scaling; Inno Setup stretches it for larger scalings.
    panel = Image.new("RGB", (164, 314), (232, 240, 250))
    icon = make_icons.draw_icon(128)
    panel.paste(icon, (18, 93), icon)
    panel.save(large)
    return small, large


def build_installer(
    payload: Path, out_dir: Path, version: str, compression: str = "lzma2/max", work: Path | None = None
) -> Path:
    """Compile the installer for `payload` (a folder holding zhicheng.exe); returns the setup .exe."""
    if not (payload / "zhicheng.exe").is_file():
        raise InstallerError(
            f"{payload} 中没有 zhicheng.exe：请先在 Windows 上构建（PyInstaller build.spec）"
        )
    work = work or ROOT / "build" / "installer"
    icon = make_icons.write_icons(work, png=False, icns=False)[0]
    small, large = wizard_images(work)
    out_dir.mkdir(parents=True, exist_ok=True)
    numbers = ".".join(str(n) for n in version_info.numeric_version(version))
    command = [
        *compiler_command(),
        "/Q",
        f"/DAppVersion={version}",
        f"/DNumericVersion={numbers}",
        f"/DSourceDir={windows_path(payload)}",
        f"/DOutputDir={windows_path(out_dir)}",
        f"/DIconFile={windows_path(icon)}",
        f"/DCompression={compression}",
        f"/DWizardSmallImage={windows_path(small)}",
        f"/DWizardImage={windows_path(large)}",
        windows_path(SCRIPT),
    ]
    env = {
        **os.environ,
        "WINEDEBUG": os.environ.get("WINEDEBUG", "-all"),
        # The compiler needs neither .NET (Mono) nor a browser engine (Gecko): no install prompts for them.
        "WINEDLLOVERRIDES": os.environ.get("WINEDLLOVERRIDES", "mscoree,mshtml=;winemenubuilder.exe=d"),
    }
    run = subprocess.run(command, capture_output=True, text=True, env=env, errors="replace")
    setup = out_dir / f"zhicheng-setup-{version}.exe"
    if run.returncode != 0 or not setup.is_file():
        raise InstallerError(
            f"Inno Setup 编译失败（退出码 {run.returncode}）：\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        )
    return setup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 Windows 安装程序（Inno Setup）")
    parser.add_argument(
        "--payload", type=Path, default=ROOT / "dist" / "zhicheng", help="程序文件夹（PyInstaller 的输出）"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="安装程序的输出文件夹")
    parser.add_argument("--version", default=None, help="版本号（默认取 pyproject.toml）")
    parser.add_argument("--compression", default="lzma2/max", help="Inno Setup 的压缩方式")
    args = parser.parse_args(argv)
    try:
        setup = build_installer(
            args.payload, args.out, args.version or version_info.project_version(), args.compression
        )
    except InstallerError as exc:
        print(f"生成安装程序失败：{exc}", file=sys.stderr)
        return 1
    print(setup)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
