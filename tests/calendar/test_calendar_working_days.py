"""add_working_days, is_working_day and calendar_range against the official calendar."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.models import CalendarDayKind
from kuaiban.calendar.selectors import (
    add_working_days,
    calendar_load,
    calendar_range,
    is_working_day,
)
from kuaiban.calendar.services import DayEntry, calendar_year_enter

D = dt.date

pytestmark = pytest.mark.usefixtures("official_calendar")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 2024 春节: 02-10…02-17 off; Sunday 02-04 and Sunday 02-18 are make-up working days.
        (D(2024, 2, 8), 1, D(2024, 2, 9)),
        (D(2024, 2, 8), 2, D(2024, 2, 18)),
        (D(2024, 2, 9), 5, D(2024, 2, 22)),
        (D(2024, 2, 2), 1, D(2024, 2, 4)),
        # 2025 春节: 01-28…02-04 off; Sunday 01-26 and Saturday 02-08 are working days.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),
        # 2024 国庆节: 10-01…10-07 off; Sunday 09-29 and Saturday 10-12 are working days.
        (D(2024, 9, 27), 1, D(2024, 9, 29)),
        (D(2024, 9, 30), 1, D(2024, 10, 8)),
        (D(2024, 10, 11), 1, D(2024, 10, 12)),
        # 2025 国庆节 with 中秋: 10-01…10-08 off; Sunday 09-28 and Saturday 10-11 working.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        # 2026 元旦: 01-01…01-03 off, Sunday 01-04 working — across the turn of the year.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 31), 2, D(2026, 1, 5)),
        # An ordinary weekend is not counted.
        (D(2025, 3, 7), 1, D(2025, 3, 10)),
        # Many months at once (also checked for its query count elsewhere).
        (D(2024, 1, 2), 400, D(2025, 8, 11)),
    ],
)
def test_add_working_days_follows_the_official_schedule(start, days, expected):
    assert add_working_days(start=start, days=days) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 2, 12), D(2024, 2, 18)),  # a Monday inside 春节
        (D(2025, 1, 30), D(2025, 2, 5)),
        (D(2026, 1, 1), D(2026, 1, 4)),  # 元旦 itself
    ],
)
def test_a_start_on_a_holiday_counts_from_the_next_working_day(start, expected):
    assert add_working_days(start=start, days=1) == expected


def test_zero_working_days_is_the_start_day_even_on_a_holiday(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert add_working_days(start=D(2024, 2, 12), days=0) == D(2024, 2, 12)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(start=D(2025, 3, 3), days=-1)


def test_the_last_configured_day_is_reachable_and_the_next_one_is_not():
    last_year = max(day.year for day in chinese_calendar.holidays)
    assert calendar_range() == (D(2004, 1, 1), D(last_year, 12, 31))
    assert add_working_days(start=D(last_year, 12, 30), days=1) == D(last_year, 12, 31)
    with pytest.raises(CalendarNotConfigured) as caught:
        add_working_days(start=D(last_year, 12, 25), days=5)
    assert caught.value.year == last_year + 1
    assert str(caught.value) == (
        f"工作日历未配置{last_year + 1}年的节假日安排，"
        f"请管理员先录入{last_year + 1}年的放假和调休安排"
    )


def test_a_day_before_the_first_configured_year_is_refused():
    with pytest.raises(CalendarNotConfigured, match="2003年"):
        add_working_days(start=D(2003, 12, 30), days=1)


def test_a_start_long_after_the_calendar_names_the_needed_year():
    with pytest.raises(CalendarNotConfigured, match="2030年"):
        add_working_days(start=D(2030, 5, 1), days=3)


def test_date_max_is_refused_without_overflowing():
    with pytest.raises(CalendarNotConfigured, match="9999年"):
        add_working_days(start=D.max, days=1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 2, 8), True),  # make-up Saturday
        (D(2025, 1, 26), True),  # make-up Sunday
        (D(2025, 2, 1), False),  # Saturday inside 春节
        (D(2025, 2, 3), False),  # Monday inside 春节
        (D(2025, 3, 1), False),  # ordinary Saturday
        (D(2025, 3, 3), True),  # ordinary Monday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_is_working_day_refuses_an_unconfigured_year():
    with pytest.raises(CalendarNotConfigured, match="2099年"):
        is_working_day(D(2099, 3, 3))


def test_the_seeded_calendar_agrees_with_the_package_on_every_day():
    """The package is the maintained source: no example above is trusted on its own."""
    calendar = calendar_load()
    first, last = calendar_range() or (D.max, D.min)
    day, disagreements = first, []
    while day <= last:
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert (first.year, disagreements) == (2004, [])


def test_an_administrator_entered_year_becomes_computable():
    # An illustrative 2027 schedule (not the official one, which is not yet announced), with a
    # make-up Sunday at the end of 2026 of the kind a new year's notice can contain.
    entries = [
        DayEntry(date=D(2026, 12, 27), kind=CalendarDayKind.WORKDAY, name="元旦"),
        DayEntry(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"),
        DayEntry(date=D(2027, 1, 4), kind=CalendarDayKind.HOLIDAY, name="元旦"),
    ]
    with pytest.raises(CalendarNotConfigured, match="2027年"):
        add_working_days(start=D(2026, 12, 31), days=1)

    calendar_year_enter(year=2027, days=entries, complete=False)
    with pytest.raises(CalendarNotConfigured, match="2027年的节假日安排尚未标记为录入完整"):
        add_working_days(start=D(2026, 12, 31), days=1)

    calendar_year_enter(year=2027, days=entries, note="示例安排")
    assert add_working_days(start=D(2026, 12, 31), days=1) == D(2027, 1, 5)
    assert add_working_days(start=D(2026, 12, 25), days=1) == D(2026, 12, 27)
    assert calendar_range() == (D(2004, 1, 1), D(2027, 12, 31))
