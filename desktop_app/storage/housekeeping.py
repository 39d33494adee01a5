"""Start of every run (each command and the window): private permissions, and leftovers of killed runs removed.

Temporary files and folders carry the id of the process that made them (`backup-<pid>-…`,
`staging-<pid>-…`, `.incoming-<pid>-…`, `.<name>.<pid>.….partial`); only those whose process is gone are
removed, so a run working beside this one is never disturbed.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path

from desktop_app.paths import restrict_dir_to_owner

log = logging.getLogger(__name__)

PARTIALS_NOTE = "partials.txt"
# Folders inside the data folder that hold personal data (scans, snapshots, caches, logs).
PRIVATE_FOLDERS = (
    "blobs",
    "cache",
    "tmp",
    "restore-staging",
    "logs",
    "打印材料",
    "packets",
    "reference",
    "职称申报备份",
)
# Names written before the process id was part of them: removed once they are this old.
LEGACY_AGE_SECONDS = 12 * 3600
_PID_DIR = re.compile(r"^[\w.]+?-(\d+)-")
_PID_FILE = re.compile(r"^\.(?:incoming|prep)-(\d+)-")
_PARTIAL = re.compile(r"^\..+\.(\d+)\.[^.]+\.partial$")


def is_running(pid: int) -> bool:
    """Whether a process with this id is alive (this process counts as alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    except OSError:
        return True
    return True


def _windows_running(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _owner_gone(match: re.Match[str] | None, path: Path) -> bool:
    if match is not None:
        return not is_running(int(match.group(1)))
    try:
        return time.time() - path.stat().st_mtime > LEGACY_AGE_SECONDS
    except OSError:
        return False


def _remove(path: Path, removed: list[Path]) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove leftover %s: %s", path.name, exc)


def note_partial(work: Path, partial: Path) -> None:
    """Record, in a run's work folder, a temporary file it writes elsewhere (e.g. beside a backup on a stick)."""
    with open(work / PARTIALS_NOTE, "a", encoding="utf-8") as fh:
        fh.write(f"{partial}\n")


def _listed_partials(work: Path, pid: int) -> list[Path]:
    try:
        lines = (work / PARTIALS_NOTE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for line in lines:
        path = Path(line.strip())
        match = _PARTIAL.match(path.name)
        # Only a file this program names that way, written by that very process.
        if match and int(match.group(1)) == pid:
            found.append(path)
    return found


def clean_leftovers(home: Path) -> list[Path]:
    """Remove partial files, work folders and staging folders of killed runs; returns what was removed."""
    removed: list[Path] = []
    for folder_name in ("tmp", "restore-staging"):
        folder = home / folder_name
        if not folder.is_dir():
            continue
        for child in folder.iterdir():
            match = _PID_DIR.match(child.name)
            if not _owner_gone(match, child):
                continue
            if match is not None:
                for partial in _listed_partials(child, int(match.group(1))):
                    _remove(partial, removed)
            _remove(child, removed)
    caches = (home / "cache", *(home / "cache" / name for name in ("pages", "pages.sha256", "fonts", "toml")))
    for folder in (home / "blobs", *caches):
        if not folder.is_dir():
            continue
        for child in folder.iterdir():
            if child.name.startswith((".incoming-", ".prep-")) and _owner_gone(
                _PID_FILE.match(child.name), child
            ):
                _remove(child, removed)
    if removed:
        log.info("removed %d leftovers of interrupted runs", len(removed))
    return removed


def restrict_permissions(home: Path) -> None:
    """Files this process creates are owner-only (umask 077), and the data folder's own folders are 0700."""
    if os.name != "posix":
        return  # the user profile's ACLs apply on Windows
    os.umask(0o077)
    restrict_dir_to_owner(home)
    for name in PRIVATE_FOLDERS:
        folder = home / name
        if folder.is_dir() and not folder.is_symlink():
            restrict_dir_to_owner(folder)
            for child in folder.iterdir():
                if child.is_dir() and not child.is_symlink():
                    restrict_dir_to_owner(child)


def start_of_run(home: Path) -> None:
    """Housekeeping at the start of every command and of the window; never fails the run."""
    try:
        restrict_permissions(home)
        clean_leftovers(home)
    except OSError as exc:
        log.warning("housekeeping at start failed: %s", exc)
