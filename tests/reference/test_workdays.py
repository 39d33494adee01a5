"""Publicity period in Chinese working days (二、18), checked against the State Council's 2024 notice."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from desktop_app.reference import is_workday, publicity_period


def test_is_workday_national_day_2024() -> None:
    assert is_workday(date(2024, 9, 27)) == (True, True)  # Friday
    assert is_workday(date(2024, 9, 28)) == (False, True)  # Saturday
    assert is_workday(date(2024, 9, 29)) == (True, True)  # Sunday, make-up workday
    assert is_workday(date(2024, 10, 1)) == (False, True)
    assert is_workday(date(2024, 10, 7)) == (False, True)  # Monday inside the holiday
    assert is_workday(date(2024, 10, 12)) == (True, True)  # Saturday, make-up workday
    assert is_workday(date(2024, 10, 13)) == (False, True)


def test_is_workday_unknown_year_falls_back_to_weekdays() -> None:
    assert is_workday(date(2030, 3, 1)) == (True, False)  # Friday
    assert is_workday(date(2030, 3, 2)) == (False, False)  # Saturday


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # 9-27 Fri (1), 9-29 Sun make-up (2), 9-30 (3), holiday 10-1…10-7, 10-8 (4), 10-9 (5)
        (date(2024, 9, 27), date(2024, 10, 9)),
        # 9-30 (1), 10-8 … 10-11 (2–5)
        (date(2024, 9, 30), date(2024, 10, 11)),
        # 10-8 … 10-11 (1–4), 10-12 Sat make-up (5)
        (date(2024, 10, 8), date(2024, 10, 12)),
        # starts on a holiday: counting begins on 10-8
        (date(2024, 10, 3), date(2024, 10, 12)),
        # 9-28 Sat is off: 9-29 (1), 9-30 (2), 10-8 (3), 10-9 (4), 10-10 (5)
        (date(2024, 9, 28), date(2024, 10, 10)),
    ],
)
def test_publicity_over_national_day_2024(start: date, end: date) -> None:
    period = publicity_period(start)
    assert period.start == start
    assert period.end == end
    assert period.workdays == 5
    assert not period.provisional
    assert "法定节假日" in period.note and "5 个工作日" in period.note


def test_plain_week_and_longer_period() -> None:
    assert publicity_period(date(2024, 6, 3)).end == date(2024, 6, 7)  # Mon → Fri
    period = publicity_period(date(2024, 6, 3), min_workdays=7)
    # 6-3 … 6-7 (1–5), 6-10 is 端午节, 6-11 (6), 6-12 (7)
    assert (period.end, period.workdays) == (date(2024, 6, 12), 7)


def test_unknown_year_is_provisional() -> None:
    # 2030-03-01 is a Friday: Fri (1), Mon 3-4 … Thu 3-7 (2–5)
    period = publicity_period(date(2030, 3, 1))
    assert period.end == date(2030, 3, 7)
    assert period.provisional
    assert "2030年" in period.note and "尚未公布" in period.note and "暂定" in period.note


def test_period_running_into_an_unknown_year(monkeypatch: pytest.MonkeyPatch) -> None:
    import chinese_calendar

    real = chinese_calendar.is_workday

    def only_until_2024(d: date) -> bool:
        if d.year > 2024:
            raise NotImplementedError("no available data")
        return bool(real(d))

    monkeypatch.setattr(chinese_calendar, "is_workday", only_until_2024)
    # 2024-12-27 Fri (1), 12-30 (2), 12-31 (3), then 2025 unknown: 1-1 元旦 is computed as a holiday
    # (issue 13), 1-2 Thu (4), 1-3 Fri (5)
    period = publicity_period(date(2024, 12, 27))
    assert period.end == date(2025, 1, 3)
    assert period.provisional
    assert "2025年" in period.note and "2024年的" not in period.note


def test_without_the_calendar_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)
    # The statutory holidays are still computed (issue 13): 国庆 as its whole week.
    assert is_workday(date(2024, 10, 1)) == (False, False)
    assert is_workday(date(2024, 9, 30)) == (True, False)
    period = publicity_period(date(2024, 9, 27))
    # 9-27 (1), 9-30 (2), 10-1 … 10-7 off, 10-8 (3), 10-9 (4), 10-10 (5)
    assert period.end == date(2024, 10, 10) and period.provisional


def test_min_workdays_must_be_positive() -> None:
    with pytest.raises(ValueError):
        publicity_period(date(2024, 6, 3), min_workdays=0)
