"""Chinese working days, for the unit's publicity period of at least 5 working days (guide 二、18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_PUBLICITY_WORKDAYS = 5


@dataclass(frozen=True)
class Publicity:
    """A publicity period: first day, last day, working days in it, and whether the end is provisional."""

    start: date
    end: date
    workdays: int
    provisional: bool
    note: str


def _cn(d: date) -> str:
    # Built by hand: strftime with non-ASCII format text is unreliable on Windows.
    return f"{d.year}年{d.month}月{d.day}日"


def is_workday(d: date) -> tuple[bool, bool]:
    """(is a working day, the official calendar is known for that date); Mon–Fri when unknown."""
    try:
        # Lazy: the calendar package is only needed here, and the rest of the module must not fail without it.
        import chinese_calendar
    except ImportError:
        return d.weekday() < 5, False
    try:
        return bool(chinese_calendar.is_workday(d)), True
    except NotImplementedError:
        # The package covers only the years whose State Council holiday notice it has recorded.
        return d.weekday() < 5, False


def publicity_period(start: date, min_workdays: int = DEFAULT_PUBLICITY_WORKDAYS) -> Publicity:
    """The shortest period from ``start`` containing ``min_workdays`` Chinese working days."""
    # The start day counts when it is itself a working day; otherwise counting begins at the next
    # working day. ``end`` is the day the last required working day falls on, because the guide
    # asks for "不少于5个工作日" and publicity may close at the end of that day.
    if min_workdays < 1:
        raise ValueError("公示期的工作日数至少为 1")
    day = start
    counted = 0
    unknown_years: list[int] = []
    while True:
        workday, known = is_workday(day)
        if not known and day.year not in unknown_years:
            unknown_years.append(day.year)
        if workday:
            counted += 1
            if counted == min_workdays:
                break
        day += timedelta(days=1)
    provisional = bool(unknown_years)
    if provisional:
        years = "、".join(f"{y}年" for y in unknown_years)
        note = (
            f"{years}的法定节假日安排尚未收录，暂按周一至周五计算工作日，"
            f"结束日期 {_cn(day)} 仅供参考，请以国务院办公厅公布的放假安排为准。"
        )
    else:
        note = (
            f"公示期自 {_cn(start)} 至 {_cn(day)}，共 {counted} 个工作日"
            "（已按国家法定节假日和调休安排计算）。"
        )
    return Publicity(start=start, end=day, workdays=counted, provisional=provisional, note=note)
