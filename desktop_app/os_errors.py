"""One place that turns operating-system and SQLite failures into truthful Chinese messages.

A full disk is not a damaged database: every write site and the last line of defence of the CLI and the
window ask `to_user_error` what to tell the person. “已损坏” is said only after an integrity check says so.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.errors import DataError, UserError

_KEPT = "已有的内容没有改动"
IS_WINDOWS = os.name == "nt"


class StorageProblem(UserError):
    """The disk or folder, not the person's data, is the problem: passed on as it is, never re-worded."""


class DiskFullError(StorageProblem):
    """No space left on the disk (ENOSPC, quota)."""


class NoPermissionError(StorageProblem):
    """The folder or file may not be written (EACCES, EPERM, EROFS)."""


class FolderGoneError(StorageProblem):
    """A folder vanished while working (a USB stick pulled out, a folder moved)."""


class FileLockedError(StorageProblem):
    """Another program holds the file open (Windows sharing violation) or the database is busy."""


class DiskReadError(StorageProblem):
    """The disk reported an input/output error."""


class DatabaseUnusable(DataError):
    """The drafts database cannot be used (empty, not SQLite, damaged): restoring a backup is the way out."""


class DatabaseDamagedError(DatabaseUnusable):
    """The drafts database failed SQLite's integrity check."""


def _megabytes(size: int) -> int:
    return max(1, -(-size // (1 << 20)))


def _existing(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def free_bytes(path: Path) -> int | None:
    """Free space on the disk holding `path` (or its nearest existing parent), if it can be told."""
    found = _existing(Path(path))
    if found is None:
        return None
    try:
        return shutil.disk_usage(found).free
    except OSError:
        return None


def disk_full(where: Path, needed: int | None = None) -> DiskFullError:
    """The message for a full disk: where, and roughly how much more space is needed."""
    free = free_bytes(where)
    if needed is not None and free is not None and needed > free:
        text = f"磁盘空间不足：还需约 {_megabytes(needed - free)} MB（{where}）"
    elif free is None or free < (1 << 20):
        text = f"磁盘空间不足：{where} 所在的磁盘已满"
    else:
        text = f"磁盘空间不足：写入 {where} 时磁盘已满（现在剩余约 {free / (1 << 20):.0f} MB）"
    return DiskFullError(text, f"请清理磁盘空间或换一个位置后重试；{_KEPT}")


def _winerror(exc: OSError) -> int:
    return int(getattr(exc, "winerror", 0) or 0)


def from_os_error(exc: OSError, path: Path | None = None, needed: int | None = None) -> UserError | None:
    """The truthful message for an OS error at `path` (default: the error's own file name), or None."""
    where = Path(path if path is not None else (exc.filename or "")) if (path or exc.filename) else None
    shown = str(where) if where is not None else "数据文件夹"
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or _winerror(exc) in (39, 112):
        return disk_full(where or Path.cwd(), needed)
    if code == errno.EROFS:
        return NoPermissionError(
            f"没有写入权限：{shown} 所在的磁盘是只读的",
            f"请换一个可以写入的位置（U 盘可能打开了写保护）；{_KEPT}",
        )
    if _winerror(exc) in (32, 33) or code == errno.EBUSY:
        return FileLockedError(
            f"文件正被其他程序占用：{shown}", f"请关闭打开这个文件的程序（例如 PDF 阅读器）后重试；{_KEPT}"
        )
    if code in (errno.EACCES, errno.EPERM):
        return NoPermissionError(
            f"没有写入权限：{shown}", f"请检查这个文件夹的权限，或换一个可以写入的位置；{_KEPT}"
        )
    if code in (errno.ENOENT, errno.ENOTDIR) and where is not None:
        folder = where if where.suffix == "" else where.parent
        if not folder.exists():
            return FolderGoneError(
                f"找不到文件夹：{folder}（可能 U 盘已拔出，或文件夹被移动、删除）",
                "请插好 U 盘或重新选择文件夹后重试",
            )
        return None
    if code == errno.EIO:
        return DiskReadError(
            f"读写磁盘时出错：{shown}", "磁盘或 U 盘可能有故障，请换一个位置后重试，并尽快备份"
        )
    return None


def integrity_ok(db_path: Path) -> bool | None:
    """PRAGMA quick_check of a database file: True/False, or None when it cannot even be opened to check."""
    try:
        con = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return bool(con.execute("PRAGMA quick_check").fetchone()[0] == "ok")
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()


def damaged_database(db_path: Path) -> DatabaseDamagedError:
    """The message for a database that failed its integrity check."""
    return DatabaseDamagedError(
        f"数据库文件 {db_path} 已损坏（完整性检查未通过）",
        "请从备份恢复：运行 zhicheng restore 备份文件（损坏的文件会原样保留）",
    )


def from_sqlite_error(exc: sqlite3.Error, db_path: Path | None = None) -> UserError | None:
    """The truthful message for a SQLite failure on the drafts database, or None."""
    text = str(exc).lower()
    folder = db_path.parent if db_path is not None else None
    if "database or disk is full" in text:
        return disk_full(folder or Path.cwd())
    if "readonly" in text or "read-only" in text:
        return NoPermissionError(
            f"没有写入权限：{folder or '数据文件夹'}", f"请检查这个文件夹的权限（或磁盘是否只读）；{_KEPT}"
        )
    if "locked" in text or "busy" in text:
        return FileLockedError("数据库正被另一个程序使用，暂时无法写入", f"请稍后重试；{_KEPT}")
    if "unable to open" in text or "disk i/o error" in text:
        return _diagnose(folder, text)
    if ("malformed" in text or "not a database" in text) and db_path is not None:
        if integrity_ok(db_path) is not True:
            return damaged_database(db_path)
    return None


def _diagnose(folder: Path | None, text: str) -> UserError | None:
    """Why SQLite could not open or write: a full disk, a read-only or vanished folder, or the disk itself."""
    if folder is None:
        return None
    if not folder.exists():
        return FolderGoneError(f"找不到数据文件夹：{folder}", "请检查文件夹是否被移动或删除")
    free = free_bytes(folder)
    if free is not None and free < (1 << 20):
        return disk_full(folder)
    if not os.access(folder, os.W_OK):
        return NoPermissionError(
            f"没有写入权限：{folder}", f"请检查这个文件夹的权限（或磁盘是否只读）；{_KEPT}"
        )
    try:
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        mapped = from_os_error(exc, folder)
        if mapped is not None:
            return mapped
    if "disk i/o" in text:
        return DiskReadError(f"读写磁盘时出错：{folder}", "磁盘可能有故障，请尽快把申报备份到另一个位置")
    return None


def to_user_error(exc: BaseException, db_path: Path | None = None) -> UserError | None:
    """A truthful Chinese error for an OS or SQLite failure anywhere in the cause chain, or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UserError):
            return current
        original = getattr(current, "orig", None)  # SQLAlchemy wraps the DB-API error
        if isinstance(original, sqlite3.Error):
            current = original
        if isinstance(current, sqlite3.Error):
            mapped = from_sqlite_error(current, db_path)
            if mapped is not None:
                return mapped
        if isinstance(current, OSError):
            # A failed write() names no file: the data folder is where nearly all writes go.
            fallback = db_path.parent if db_path is not None and not current.filename else None
            mapped = from_os_error(current, fallback)
            if mapped is not None:
                return mapped
        current = current.__cause__ or current.__context__
    return None


def for_person(exc: BaseException) -> UserError | None:
    """What to tell the person about an exception (a UserError, or a known OS/database failure of the data
    folder), or None for a real internal error. One rule for the CLI, the window and its background jobs."""
    from desktop_app.paths import data_home_path
    from desktop_app.storage.db import DB_NAME

    return to_user_error(exc, data_home_path() / DB_NAME)


def failure_message(
    exc: BaseException, log: logging.Logger, *, prefix: str = "", what: str = "operation"
) -> str:
    """What to tell the person when work failed: a known error's own text, else 程序内部错误 with the details
    in the log. One rule for every page of the window (the CLI adds the log file's path, see cli.main)."""
    known = for_person(exc)
    if known is not None:
        log.warning("%s failed: %s", what, exc)
        return f"{prefix}{known}"
    log.error("%s failed", what, exc_info=exc)
    return f"{prefix or '操作未完成：'}程序内部错误（{type(exc).__name__}），详细信息已写入日志"


def replace_file(
    source: Path,
    target: Path,
    attempts: int = 20,
    delay: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """os.replace that waits briefly while another program holds the target open (Windows), then says so."""
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            # On Windows a file open in another program (a PDF viewer) cannot be replaced for a moment.
            if not IS_WINDOWS or attempt == attempts - 1:
                mapped = from_os_error(exc, target)
                raise (mapped or exc) from None
            sleep(delay)
        except OSError as exc:
            mapped = from_os_error(exc, target)
            raise (mapped or exc) from None
