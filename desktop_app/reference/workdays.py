"""Chinese working days, for the unit's publicity period of at least 5 working days (guide 二、18)."""

from __future__ import annotations

import functools
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
    """(is a working day, the official calendar is known for that date).

    For a year the holiday package has not recorded yet (the State Council publishes each year's
    arrangement in its autumn), the statutory holidays are computed (`computed_rest_days`) and
    weekends are rest days; the make-up working days are unknown, so the answer is not "known".
    """
    try:
        # Lazy: the calendar package is only needed here, and the rest of the module must not fail without it.
        import chinese_calendar
    except ImportError:
        return _computed_workday(d), False
    try:
        return bool(chinese_calendar.is_workday(d)), True
    except NotImplementedError:
        # The package covers only the years whose State Council holiday notice it has recorded.
        return _computed_workday(d), False


def _computed_workday(d: date) -> bool:
    return d.weekday() < 5 and d not in computed_rest_days(d.year)


@functools.lru_cache(maxsize=16)
def computed_rest_days(year: int) -> frozenset[date]:
    """Weekdays off in `year` by 《全国年节及纪念日放假办法》 (as amended 2024-11-10, in force 2025-01-01).

    Statutory days (Art. 2): 元旦 1 January; 春节 农历除夕 and 正月初一至初三; 清明 the 清明 solar term;
    劳动节 1–2 May; 端午 农历五月初五; 中秋 农历八月十五; 国庆 1–3 October. Art. 6: a statutory day on a
    Saturday or Sunday is made up on a working day (taken here as the next weekday off). And the State
    Council has arranged 春节 (除夕 to 初七), 劳动节 (1–5 May) and 国庆 (1–7 October) as whole weeks every
    year, with weekends moved; the moved (make-up) working days are unknown until it publishes the year, so
    those whole weeks are taken as rest: a computed period may end a little late, never on a holiday.
    Lunar dates come from lunar-python; without it only the fixed-date holidays are known.
    """
    statutory: set[date] = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2)}
    statutory |= {date(year, 10, 1) + timedelta(days=i) for i in range(3)}
    blocks: set[date] = {date(year, 5, 1) + timedelta(days=i) for i in range(5)}
    blocks |= {date(year, 10, 1) + timedelta(days=i) for i in range(7)}
    try:
        from lunar_python import Lunar, Solar
    except ImportError:
        Lunar = Solar = None  # noqa: N806 - the package's class names
    if Lunar is not None and Solar is not None:

        def solar(lunar_month: int, lunar_day: int) -> date:
            found = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
            return date(found.getYear(), found.getMonth(), found.getDay())

        new_year = solar(1, 1)
        statutory |= {new_year + timedelta(days=i) for i in range(-1, 3)}  # 除夕, 初一 … 初三
        blocks |= {new_year + timedelta(days=i) for i in range(-1, 7)}  # 除夕 … 初七
        qingming = Solar.fromYmd(year, 4, 20).getLunar().getJieQiTable()["清明"]
        statutory.add(date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
        statutory |= {solar(5, 5), solar(8, 15)}
    rest = {d for d in statutory | blocks if d.year == year}
    for day in sorted(statutory - blocks):
        # (Inside the whole weeks the State Council already gives the made-up days.)
        if day.weekday() >= 5:
            # Art. 6: made up on a working day — the first weekday after it that is not already off.
            makeup = day + timedelta(days=1)
            while makeup.weekday() >= 5 or makeup in rest:
                makeup += timedelta(days=1)
            if makeup.year == year:
                rest.add(makeup)
    return frozenset(d for d in rest if d.weekday() < 5)


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
            f"暂定：{years}的放假安排国务院办公厅尚未公布，已按《全国年节及纪念日放假办法》计算法定节假日"
            f"（春节、劳动节、国庆节按整周放假计），调休上班日未知，结束日期 {_cn(day)} 为暂定，"
            "请以国务院办公厅公布的放假安排为准。"
        )
    else:
        note = (
            f"公示期自 {_cn(start)} 至 {_cn(day)}，共 {counted} 个工作日"
            "（已按国家法定节假日和调休安排计算）。"
        )
    return Publicity(start=start, end=day, workdays=counted, provisional=provisional, note=note)
