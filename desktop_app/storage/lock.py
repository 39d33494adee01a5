"""Single-instance lock for the GUI: an OS file lock, released by the OS when the process dies."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from desktop_app.errors import AlreadyRunningError


class InstanceLock:
    """Hold an exclusive lock on a file while the GUI runs; a killed process never leaves it stuck."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunningError."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the process lifetime
        try:
            if sys.platform == "win32":  # spelled so that mypy checks each branch on its own platform
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise AlreadyRunningError(
                "职称申报材料助手已经在运行", "请切换到已打开的窗口；命令行命令可以同时使用"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock back (also happens when the process ends)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
