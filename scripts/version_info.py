"""The one version (pyproject.toml) in the forms Windows wants: a PyInstaller version file, installer numbers.

build.spec writes the version resource of zhicheng.exe / zhicheng-cli.exe from it, and
scripts/build_installer.py passes the same numbers to the Inno Setup compiler.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = "职称申报材料助手"


def project_version(root: Path = ROOT) -> str:
    """The version written in pyproject.toml (the only place it is written)."""
    with open(root / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows (major, minor, patch, build) from a version such as 1.2.3 or 1.2.3rc1."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def windows_version_text(version: str, exe_name: str) -> str:
    """A PyInstaller version file (VSVersionInfo) shown under Properties → Details of the executable."""
    numbers = numeric_version(version)
    strings = {
        "CompanyName": PRODUCT,
        "FileDescription": PRODUCT,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": PRODUCT,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    table = ",\n".join(f"        StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 0x0804 = Chinese (PRC), 1200 = UTF-16: the language the strings are written in.
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
{table}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def write_windows_version_file(path: Path, version: str, exe_name: str) -> Path:
    """Write the version file for one executable; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(windows_version_text(version, exe_name), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(project_version())
