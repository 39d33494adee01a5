"""One mapping from OS and SQLite failures to what the person is told (os_errors)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from desktop_app import os_errors as oe


@pytest.mark.parametrize(
    ("code", "cls", "said"),
    [
        (errno.ENOSPC, oe.DiskFullError, "磁盘空间不足"),
        (errno.EACCES, oe.NoPermissionError, "没有写入权限"),
        (errno.EPERM, oe.NoPermissionError, "没有写入权限"),
        (errno.EROFS, oe.NoPermissionError, "没有写入权限"),
        (errno.EIO, oe.DiskReadError, "读写磁盘时出错"),
    ],
)
def test_os_errors_are_said_truthfully(tmp_path: Path, code: int, cls: type, said: str) -> None:
    mapped = oe.from_os_error(OSError(code, "x", str(tmp_path / "a.pdf")))
    assert isinstance(mapped, cls) and said in mapped.message and "已损坏" not in str(mapped)


def test_full_disk_says_how_much_more_is_needed(tmp_path: Path) -> None:
    free = oe.free_bytes(tmp_path)
    assert free is not None
    mapped = oe.disk_full(tmp_path, needed=free + 5 * (1 << 20))
    assert "还需约 5 MB" in mapped.message or "还需约 6 MB" in mapped.message


def test_vanished_folder(tmp_path: Path) -> None:
    gone = tmp_path / "U盘" / "备份"
    mapped = oe.from_os_error(FileNotFoundError(errno.ENOENT, "x", str(gone / "a.zip")))
    assert isinstance(mapped, oe.FolderGoneError) and "拔出" in mapped.message


def test_sqlite_failures_inside_sqlalchemy_errors(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    wrapped = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    assert isinstance(oe.to_user_error(wrapped, tmp_path / "drafts.sqlite"), oe.DiskFullError)
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert isinstance(oe.to_user_error(locked, tmp_path / "drafts.sqlite"), oe.FileLockedError)


def test_malformed_is_damaged_only_when_the_integrity_check_says_so(tmp_path: Path) -> None:
    good = tmp_path / "drafts.sqlite"
    con = sqlite3.connect(good)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    error = sqlite3.DatabaseError("database disk image is malformed")
    assert oe.from_sqlite_error(error, good) is None  # the file checks out: no claim of damage
    good.write_bytes(good.read_bytes()[:100] + b"\0" * 4000)
    assert isinstance(oe.from_sqlite_error(error, good), oe.DatabaseDamagedError)


def test_locked_file_on_windows_is_retried_then_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []

    def locked(src: object, dst: object) -> None:
        calls.append(1)
        error = PermissionError(errno.EACCES, "being used by another process", str(dst))
        error.winerror = 32  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(oe, "IS_WINDOWS", True)
    monkeypatch.setattr(oe.os, "replace", locked)
    with pytest.raises(oe.FileLockedError, match="正被其他程序占用"):
        oe.replace_file(tmp_path / "a", tmp_path / "b.pdf", attempts=5, sleep=lambda s: None)
    assert len(calls) == 5

    outcomes = iter([True, False])

    def once_locked(src: object, dst: object) -> None:
        if next(outcomes):
            locked(src, dst)

    monkeypatch.setattr(oe.os, "replace", once_locked)
    oe.replace_file(tmp_path / "a", tmp_path / "b.pdf", attempts=5, sleep=lambda s: None)


def test_one_failure_message_for_every_page(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A known error says itself (a full disk truthfully), anything else is 程序内部错误 with details logged."""
    import logging

    from desktop_app.errors import UsageError

    log = logging.getLogger("probe")
    said = oe.failure_message(UsageError("申报年度不合理", "请填写四位年份"), log, prefix="未导出：")
    assert said == "未导出：申报年度不合理（请填写四位年份）"
    full = oe.failure_message(OSError(errno.ENOSPC, "x", str(tmp_path / "a.pdf")), log)
    assert "磁盘空间不足" in full and "程序内部错误" not in full
    with caplog.at_level(logging.ERROR, logger="probe"):
        internal = oe.failure_message(KeyError("x"), log, what="probe job")
    assert internal == "操作未完成：程序内部错误（KeyError），详细信息已写入日志"
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
