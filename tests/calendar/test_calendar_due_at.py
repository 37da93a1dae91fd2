"""due_at, calendar-day and month arithmetic, and the query budget of every selector."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from kuaiban.calendar.arithmetic import SHANGHAI
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import (
    add_calendar_days,
    add_months,
    add_working_days,
    calendar_load,
    due_at,
    working_days_between,
)

D = dt.date


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=SHANGHAI)


@pytest.mark.usefixtures("official_calendar")
def test_working_days_end_at_midnight_beijing_time_of_the_last_day():
    due = due_at(start=bj(2024, 2, 8, 10, 0), limit=TimeLimit(LimitUnit.WORKING_DAYS, 2))
    assert due == end_of(D(2024, 2, 18))
    assert due.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.usefixtures("official_calendar")
def test_the_start_date_is_the_beijing_date_not_the_utc_date():
    # 17:00 UTC on 02-08 is 01:00 on 02-09 in Beijing: the count starts after Friday 02-09.
    start = dt.datetime(2024, 2, 8, 17, 0, tzinfo=dt.UTC)
    due = due_at(start=start, limit=TimeLimit(LimitUnit.WORKING_DAYS, 1))
    assert due == end_of(D(2024, 2, 18))


@pytest.mark.usefixtures("official_calendar")
def test_zero_working_days_are_due_at_the_end_of_the_start_day():
    due = due_at(start=bj(2025, 3, 3, 9, 30), limit=TimeLimit(LimitUnit.WORKING_DAYS, 0))
    assert due == end_of(D(2025, 3, 3))


@pytest.mark.usefixtures("official_calendar")
def test_working_days_beyond_the_calendar_are_refused():
    with pytest.raises(CalendarNotConfigured, match="2027年"):
        due_at(start=bj(2026, 12, 20, 9, 0), limit=TimeLimit(LimitUnit.WORKING_DAYS, 15))


def test_calendar_days_need_no_holiday_data(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        holiday_start = due_at(
            start=bj(2024, 2, 8, 10, 0), limit=TimeLimit(LimitUnit.CALENDAR_DAYS, 10)
        )
        far_future = due_at(start=bj(2030, 1, 1, 8, 0), limit=TimeLimit(LimitUnit.CALENDAR_DAYS, 5))
    assert holiday_start == end_of(D(2024, 2, 18))
    assert far_future == end_of(D(2030, 1, 6))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 15), 12, D(2026, 3, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 3, 15), 0, D(2025, 3, 15)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start=start, months=months) == expected


def test_month_limits_end_at_the_end_of_the_day():
    due = due_at(start=bj(2025, 1, 31, 16, 0), limit=TimeLimit(LimitUnit.MONTHS, 1))
    assert due == end_of(D(2025, 2, 28))


def test_calendar_days_and_months_refuse_negative_values():
    with pytest.raises(ValueError):
        add_calendar_days(start=D(2025, 1, 1), days=-1)
    with pytest.raises(ValueError):
        add_months(start=D(2025, 1, 1), months=-1)


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize(
    ("start", "due"),
    [
        (bj(2025, 3, 3, 10, 5), bj(2025, 3, 3, 10, 35)),  # Monday morning: 30 minutes later
        (bj(2025, 3, 3, 17, 35), bj(2025, 3, 4, 9, 30)),  # after closing: from the next opening
        (bj(2025, 3, 3, 16, 50), bj(2025, 3, 4, 9, 20)),  # 10 minutes today, 20 tomorrow
        (bj(2025, 3, 3, 11, 50), bj(2025, 3, 3, 13, 50)),  # lunch does not count
        (bj(2025, 3, 3, 12, 40), bj(2025, 3, 3, 14, 0)),  # taken over lunch
        (bj(2025, 3, 3, 7, 0), bj(2025, 3, 3, 9, 30)),  # before opening
        (bj(2025, 3, 8, 10, 0), bj(2025, 3, 10, 9, 30)),  # Saturday → Monday
        (bj(2025, 1, 29, 10, 5), bj(2025, 2, 5, 9, 30)),  # 春节 → the first working day after
        (bj(2025, 1, 26, 10, 5), bj(2025, 1, 26, 10, 35)),  # a make-up Sunday (调休) is worked
    ],
)
def test_instant_counts_thirty_minutes_of_office_time(start, due, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert due_at(start=start, limit=TimeLimit(LimitUnit.INSTANT)) == due


@pytest.mark.usefixtures("official_calendar")
def test_instant_follows_the_office_hours_setting(settings) -> None:
    settings.KUAIBAN_OFFICE_HOURS = "08:30-12:00, 14:00-18:00"
    assert due_at(start=bj(2025, 3, 3, 17, 20), limit=TimeLimit(LimitUnit.INSTANT)) == bj(
        2025, 3, 3, 17, 50
    )
    assert due_at(start=bj(2025, 3, 3, 19, 0), limit=TimeLimit(LimitUnit.INSTANT)) == bj(
        2025, 3, 4, 9, 0
    )


@pytest.mark.parametrize(
    "value", ["", "9-17", "09:00-12:00,11:00-17:00", "12:00-09:00", "25:00-26:00", "09:00"]
)
def test_bad_office_hours_are_refused_by_name(settings, value) -> None:
    settings.KUAIBAN_OFFICE_HOURS = value
    with pytest.raises(ImproperlyConfigured, match="KUAIBAN_OFFICE_HOURS"):
        due_at(start=bj(2025, 3, 3, 10, 0), limit=TimeLimit(LimitUnit.INSTANT))


def test_instant_needs_the_calendar_of_its_year(db) -> None:
    with pytest.raises(CalendarNotConfigured):
        due_at(start=bj(2025, 3, 3, 10, 0), limit=TimeLimit(LimitUnit.INSTANT))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        due_at(start=dt.datetime(2025, 3, 3, 9, 0), limit=TimeLimit(LimitUnit.INSTANT))
    with pytest.raises(ValueError, match="naive"):
        due_at(start=dt.datetime(2025, 3, 3, 9, 0), limit=TimeLimit(LimitUnit.CALENDAR_DAYS, 1))


@pytest.mark.usefixtures("official_calendar")
def test_a_call_spanning_many_months_runs_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        assert add_working_days(start=D(2024, 1, 2), days=400) == D(2025, 8, 11)
    with django_assert_num_queries(2):
        due_at(start=bj(2024, 1, 2, 9, 0), limit=TimeLimit(LimitUnit.WORKING_DAYS, 600))
    with django_assert_num_queries(2):
        working_days_between(
            start=bj(2024, 1, 1, 0, 0),
            end=bj(2025, 12, 31, 12, 0),
            pauses=[(bj(2024, 3, 1, 0, 0), bj(2024, 9, 1, 0, 0))],
        )


@pytest.mark.usefixtures("official_calendar")
def test_a_shared_calendar_load_serves_many_calls_without_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = calendar_load()
    with django_assert_num_queries(0):
        dues = [
            due_at(
                start=bj(2025, 1, 20, 9, 0),
                limit=TimeLimit(LimitUnit.WORKING_DAYS, n),
                calendar=calendar,
            )
            for n in (1, 5, 10, 20)
        ]
    assert [due.date() for due in dues] == [
        D(2025, 1, 21),
        D(2025, 1, 26),  # make-up Sunday
        D(2025, 2, 8),  # make-up Saturday
        D(2025, 2, 21),
    ]
