"""working_days_between: elapsed working time, net of clock pauses (补正)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kuaiban.calendar.arithmetic import SHANGHAI
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import working_days_between

pytestmark = pytest.mark.usefixtures("official_calendar")


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# Friday 2025-01-24 noon to Friday 2025-02-07 noon, across 春节 (01-28…02-04 off):
# half of 01-24, Sunday 01-26 (make-up), 01-27, 02-05, 02-06 and half of 02-07 = 5 days.
START, END = bj(2025, 1, 24, 12, 0), bj(2025, 2, 7, 12, 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (bj(2025, 3, 3, 9, 0), bj(2025, 3, 4, 9, 0), "1.0000"),
        (bj(2025, 3, 3, 9, 0), bj(2025, 3, 3, 17, 0), "0.3333"),
        (bj(2025, 3, 7, 12, 0), bj(2025, 3, 10, 12, 0), "1.0000"),  # the weekend is free
        (bj(2025, 1, 27, 0, 0), bj(2025, 2, 5, 0, 0), "1.0000"),  # only 01-27 works
        (bj(2025, 2, 8, 0, 0), bj(2025, 2, 9, 0, 0), "1.0000"),  # a make-up Saturday
        (START, END, "5.0000"),
        (START, START, "0.0000"),
    ],
)
def test_only_time_on_working_days_counts(start, end, expected):
    assert working_days_between(start=start, end=end) == Decimal(expected)


def test_a_pause_over_the_holiday_subtracts_only_its_working_time():
    pause = (bj(2025, 1, 27, 12, 0), bj(2025, 2, 5, 12, 0))  # half 01-27 + half 02-05
    assert working_days_between(start=START, end=END, pauses=[pause]) == Decimal("4.0000")


def test_overlapping_and_protruding_pauses_are_each_second_counted_once():
    pauses = [
        (bj(2025, 2, 5, 0, 0), bj(2025, 2, 6, 12, 0)),
        (bj(2025, 2, 6, 0, 0), bj(2025, 2, 7, 0, 0)),  # overlaps the first: union = 2 days
        (bj(2025, 2, 5, 0, 0), bj(2025, 2, 6, 12, 0)),  # the same pause recorded twice
        (bj(2025, 1, 20, 0, 0), bj(2025, 1, 24, 18, 0)),  # sticks out before START: 0.25
        (bj(2025, 2, 7, 6, 0), bj(2025, 2, 10, 0, 0)),  # sticks out after END: 0.25
    ]
    assert working_days_between(start=START, end=END, pauses=pauses) == Decimal("2.5000")


def test_a_pause_wholly_outside_the_range_changes_nothing():
    pause = (bj(2025, 3, 3, 0, 0), bj(2025, 3, 5, 0, 0))
    assert working_days_between(start=START, end=END, pauses=[pause]) == Decimal("5.0000")


def test_instants_in_other_timezones_are_counted_in_beijing_time():
    start = dt.datetime(2025, 3, 2, 16, 0, tzinfo=dt.UTC)  # Monday 03-03 00:00 in Beijing
    end = dt.datetime(2025, 3, 3, 4, 0, tzinfo=dt.UTC)  # Monday 12:00 in Beijing
    assert working_days_between(start=start, end=end) == Decimal("0.5000")


def test_an_end_at_midnight_on_new_years_day_needs_no_new_year():
    assert working_days_between(start=bj(2026, 12, 31, 0, 0), end=bj(2027, 1, 1, 0, 0)) == Decimal(
        "1.0000"
    )
    with pytest.raises(CalendarNotConfigured, match="2027年"):
        working_days_between(start=bj(2026, 12, 31, 0, 0), end=bj(2027, 1, 1, 0, 1))


@pytest.mark.parametrize(
    ("start", "end", "pauses"),
    [
        (END, START, []),
        (START, END, [(END, START)]),
        (START.replace(tzinfo=None), END, []),
        (START, END, [(START.replace(tzinfo=None), END)]),
    ],
    ids=["end-before-start", "pause-backwards", "naive-start", "naive-pause"],
)
def test_inconsistent_input_is_refused(start, end, pauses):
    with pytest.raises(ValueError):
        working_days_between(start=start, end=end, pauses=pauses)
