"""One exception hierarchy: each error carries a Chinese message for the person and an exit code."""

from __future__ import annotations


class UserError(Exception):
    """An error the person can understand and act on; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str, next_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.next_step = next_step

    def __str__(self) -> str:
        if self.next_step:
            return f"{self.message}（{self.next_step}）"
        return self.message


class Cancelled(UserError):
    """The person cancelled; nothing half-done is left. The one signal every long job and the window's worker
    share; a feature's subclass says what was kept."""

    def __init__(self, message: str = "已取消", next_step: str = "") -> None:
        super().__init__(message, next_step)


class UsageError(UserError):
    """A bad command, key or value: nothing was written."""

    exit_code = 2


class InvalidValueError(UsageError):
    """A value that fails its field's validation."""


class NotFoundError(UserError):
    """An application, entry or file that does not exist."""

    exit_code = 2


class AlreadyRunningError(UserError):
    """A second GUI instance was started."""


class DataError(UserError):
    """Damaged or unreadable stored data."""
