"""Where the app reads its bundled definitions and keeps the user's data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "zhicheng"
HOME_ENV = "ZHICHENG_HOME"


def bundle_root() -> Path:
    """Folder holding forms/ and resources/: the source tree, or PyInstaller's bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def forms_dir() -> Path:
    """The folder of form definitions (one TOML per step)."""
    return bundle_root() / "forms"


def resources_dir() -> Path:
    """The folder of bundled resources (reference data, fonts, translations)."""
    return bundle_root() / "resources"


def _data_home_path() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def data_home_path() -> Path:
    """Where the user's data folder is (not created)."""
    return _data_home_path()


def data_home() -> Path:
    """The user's data folder (owner-only where the OS supports it); ZHICHENG_HOME overrides the default."""
    path = _data_home_path()
    path.mkdir(parents=True, exist_ok=True)
    restrict_dir_to_owner(path)
    return path


def restrict_dir_to_owner(path: Path) -> None:
    """Make a folder accessible to its owner only (0700) on POSIX; elsewhere the user profile already is."""
    # The drafts hold ID numbers, phones and scans of certificates; on a shared computer other
    # accounts must not browse them. The WAL/SHM side files inherit nothing, so the folder is the guard.
    if os.name == "posix":
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o700)
        except OSError:
            pass


def restrict_to_owner(path: Path) -> None:
    """Make a file readable by its owner only, where the OS supports it."""
    if os.name == "posix":
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass


def private_dir(path: Path) -> Path:
    """Create a folder (and missing parents) that only its owner may enter (0700 on POSIX); returns it."""
    path.mkdir(parents=True, exist_ok=True)
    restrict_dir_to_owner(path)
    return path


IMPORTED_REFERENCE = "reference"


def reference_folders() -> list[Path]:
    """Reference data folders, preferred first: imported editions (newest first), then the bundled one."""
    root = _data_home_path() / IMPORTED_REFERENCE
    imported: list[tuple[int, Path]] = []
    if root.is_dir():
        for child in root.iterdir():
            if child.is_dir() and child.name.isdigit():
                imported.append((int(child.name), child))
    imported.sort(reverse=True)
    return [path for _, path in imported] + [resources_dir() / "reference"]


def log_dir() -> Path:
    """The folder of rotating logs: logs/ under ZHICHENG_HOME, else the platform's log folder."""
    if os.environ.get(HOME_ENV):
        path = data_home() / "logs"
    else:
        from platformdirs import user_log_dir

        path = Path(user_log_dir(APP_NAME, appauthor=False))
    return private_dir(path)


def write_file_atomically(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all (a temporary file beside it, then a rename); raises OSError.

    The temporary name carries the process id, so a later run removes it if this one is killed
    (storage.housekeeping matches ``.prep-<pid>-``). Used for every cache file (pages, fonts, TOML, scan sizes).
    """
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".prep-{os.getpid()}-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
