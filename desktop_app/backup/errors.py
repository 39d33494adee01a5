"""Backup errors: each carries a Chinese message for the person; all exit with code 1 (damaged or refused)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.errors import Cancelled as AppCancelled
from desktop_app.errors import UserError


@dataclass(frozen=True)
class Problem:
    """One damaged, missing or unexpected file inside a backup, or a damaged part of the archive itself."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}：{self.what}"


class BackupError(UserError):
    """A backup could not be written, read or restored."""


class BackupDamaged(BackupError):
    """The backup file is damaged; `problems` names every damaged or missing part."""

    def __init__(self, problems: Sequence[Problem], next_step: str = "请改用另一份备份，或重新备份") -> None:
        self.problems = tuple(problems)
        shown = "；".join(str(p) for p in self.problems[:5])
        more = f"（另有 {len(self.problems) - 5} 处）" if len(self.problems) > 5 else ""
        super().__init__(f"备份文件已损坏：{shown}{more}", next_step)


class HostileArchive(BackupError):
    """The archive contains something a backup written by this program never contains; nothing was extracted."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "该文件不是本程序生成的完好备份，已拒绝恢复，未写入任何文件")


class WrongPassphrase(BackupError):
    """The passphrase does not open this encrypted backup."""

    def __init__(self) -> None:
        super().__init__(
            "口令不正确，无法打开这份加密备份", "请检查大小写和输入法后重新输入；口令遗失则无法恢复"
        )


class PassphraseRequired(BackupError):
    """An encrypted backup was opened without a passphrase."""

    exit_code = 2

    def __init__(self) -> None:
        super().__init__("这份备份已加密，需要口令", "请输入备份时设置的口令")


class Cancelled(BackupError, AppCancelled):
    """The person cancelled; everything half-written was removed."""

    def __init__(self) -> None:
        super().__init__("已取消，未留下不完整的文件")


class BadItems(BackupError):
    """Some restored values fail the checks `set` applies; nothing was restored (unless accepted without them)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"备份中有 {len(self.problems)} 项内容未通过检查，未恢复任何内容",
            "可以在程序的“备份”页选择“不含这些有问题的项目继续恢复”，或改用另一份备份",
        )


class ContentRefused(BackupDamaged):
    """The archive is intact but its database snapshot is not one this program wrote; nothing was restored."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems)
        shown = "；".join(p.what for p in self.problems[:3])
        BackupError.__init__(self, f"备份未通过检查，未恢复任何内容：{shown}", "请改用另一份备份")
