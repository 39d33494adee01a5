"""Issue 13: statutory holidays computed for years the holiday package has not recorded yet."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from desktop_app.reference.workdays import computed_rest_days, is_workday, publicity_period


def weekday_holidays(year: int) -> set[date]:
    days = (date(year, 1, 1) + timedelta(days=i) for i in range(366))
    return {d for d in days if d.year == year and d.weekday() < 5 and not chinese_calendar.is_workday(d)}


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_holidays_agree_with_the_published_years(year: int) -> None:
    # The package holds the State Council's notices for these years: the computation (made without them)
    # must never call a published working day a holiday, and may miss at most one bridging day.
    published = weekday_holidays(year)
    computed = computed_rest_days(year)
    assert computed <= published
    assert len(published - computed) <= 1


def test_lunar_holidays_of_2027_fall_on_their_dates() -> None:
    rest = computed_rest_days(2027)
    # 2027: 春节 6 February (除夕 5 February), 清明 5 April, 端午 9 June, 中秋 15 September.
    for day in (date(2027, 2, 5), date(2027, 2, 8), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)):
        assert day in rest, day
    assert is_workday(date(2027, 6, 9)) == (False, False)
    assert is_workday(date(2027, 6, 10)) == (True, False)


def test_national_day_2027_is_never_the_end_of_a_publicity() -> None:
    period = publicity_period(date(2027, 9, 27))
    assert not date(2027, 10, 1) <= period.end <= date(2027, 10, 7)
    assert period.provisional and "暂定" in period.note
    assert period.workdays == 5


def test_new_year_2027_is_never_the_end_of_a_publicity() -> None:
    period = publicity_period(date(2026, 12, 28))
    assert period.end != date(2027, 1, 1)
    assert period.end.weekday() < 5


@pytest.mark.parametrize("start", [date(2027, 1, 1) + timedelta(days=i) for i in range(0, 365, 3)])
def test_no_computed_period_ends_on_a_holiday_or_weekend(start: date) -> None:
    period = publicity_period(start)
    assert period.end.weekday() < 5 and period.end not in computed_rest_days(period.end.year)
