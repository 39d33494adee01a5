"""申报记录: the person's own record of each round with the online system (submitted, returned, what changed).

Guide 五（二）3(1): “返回修改和重置流程的机会总共为4次”; 五（三）: after the unit has raised review comments
three times and problems remain, the application is not accepted that year. The record is kept in the
application's ui_state (no schema change), so it travels with the application and its backups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from desktop_app.usecases.wizard import update_ui_state

if TYPE_CHECKING:
    from desktop_app.domain import ApplicationData
    from desktop_app.services import Services

STATE_KEY = "submissions"
TOTAL_CHANCES = 4
UNIT_ROUNDS_LIMIT = 3
# Who can send the application back, in the order of the online procedure (五（二）3(2)).
RETURNED_BY = (
    "",
    "单位",
    "主管部门",
    "县（市）区人力资源社会保障部门",
    "市人力资源和社会保障局",
    "评审委员会",
)
ACTIONS = ("", "返回修改", "重置流程", "审核通过")
CHANCES_RULE = "返回修改和重置流程的机会总共为4次，请检查信息确认无误后在提交。（指南五、（二）3(1)）"
UNIT_WARNING = (
    "用人单位审核推荐申报评审材料后，申报系统中3次提出审核意见仍然存在问题的，各评委会承办部门及各级人力资源"
    "社会保障部门本年度不再受理个人的申报材料，请认真对待。（指南五、（三））"
)


@dataclass(frozen=True)
class SubmissionRound:
    """One round: when it was submitted, who returned it and how, the reviewer's comments, what was changed."""

    submitted_on: str = ""
    returned_on: str = ""
    returned_by: str = ""
    action: str = ""
    comments: str = ""
    changes: str = ""

    @property
    def is_return(self) -> bool:
        """Sent back (返回修改 or 重置流程): one of the 4 chances is used."""
        return self.action in ("返回修改", "重置流程")

    @property
    def is_empty(self) -> bool:
        """Nothing written in the round."""
        return not any(asdict(self).values())


def load_rounds(services: Services, app_id: int, app: ApplicationData | None = None) -> list[SubmissionRound]:
    """The recorded rounds, oldest first (from `app` when it is already loaded)."""
    names = {f.name for f in fields(SubmissionRound)}
    if app is None or app.id != app_id:
        app = services.load(app_id)
    rows = app.ui_state.get(STATE_KEY) or []
    return [
        SubmissionRound(**{k: str(v) for k, v in dict(row).items() if k in names})
        for row in rows
        if isinstance(row, dict)
    ]


def save_rounds(services: Services, app_id: int, rounds: Iterable[SubmissionRound]) -> list[SubmissionRound]:
    """Store the rounds (empty ones dropped) with the application."""
    kept = [r for r in rounds if not r.is_empty]
    update_ui_state(services, app_id, {STATE_KEY: [asdict(r) for r in kept]})
    return kept


def chances_left(rounds: Iterable[SubmissionRound]) -> int:
    """How many of the 4 return/reset chances remain."""
    return max(0, TOTAL_CHANCES - sum(1 for r in rounds if r.is_return))


def unit_rounds(rounds: Iterable[SubmissionRound]) -> int:
    """How many times the unit sent the application back with review comments."""
    return sum(1 for r in rounds if r.is_return and r.returned_by == "单位")


def record_summary(rounds: list[SubmissionRound]) -> tuple[str, str]:
    """(summary line, warning or "") for the review page and the 申报记录 dialog."""
    left = chances_left(rounds)
    returns = sum(1 for r in rounds if r.is_return)
    summary = (
        f"已记录 {len(rounds)} 轮，被退回 {returns} 次；返回修改和重置流程的机会还剩 {left} 次（共 {TOTAL_CHANCES} 次）"
        if rounds
        else f"尚未记录。返回修改和重置流程的机会共 {TOTAL_CHANCES} 次。"
    )
    warning = ""
    if unit_rounds(rounds) >= UNIT_ROUNDS_LIMIT:
        warning = f"单位已 {unit_rounds(rounds)} 次提出审核意见。{UNIT_WARNING}"
    elif left <= 1 and rounds:
        warning = f"机会只剩 {left} 次：{CHANCES_RULE}"
    return summary, warning
