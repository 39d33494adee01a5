"""The log never speaks to the terminal: a full disk or read-only log folder loses records silently (the
command says what is wrong itself), and log files are owner-only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from desktop_app.logging_setup import PrivateRotatingFileHandler


def test_failed_log_write_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = PrivateRotatingFileHandler(
        tmp_path / "zhicheng.log", maxBytes=1000, backupCount=1, encoding="utf-8"
    )

    class FullDisk:
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

        def flush(self) -> None:
            raise OSError(28, "No space left on device")

    handler.stream = FullDisk()  # type: ignore[assignment]
    record = logging.LogRecord("t", logging.WARNING, __file__, 1, "很长的一条记录" * 100, None, None)
    handler.emit(record)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert handler.failed == 1  # type: ignore[attr-defined]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_log_files_are_owner_only_even_with_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "zhicheng.log"
        handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")
        for n in range(20):
            handler.emit(logging.LogRecord("t", logging.INFO, __file__, 1, f"记录 {n}" * 10, None, None))
        handler.close()
    finally:
        os.umask(old)
    files = sorted(tmp_path.glob("zhicheng.log*"))
    assert len(files) >= 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
