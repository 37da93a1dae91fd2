"""The pure arithmetic under the selectors: a hand-made calendar, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kuaiban.calendar.arithmetic import SHANGHAI, WorkCalendar, as_days, merge_intervals
from kuaiban.calendar.errors import CalendarNotConfigured

D = dt.date


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# 2030 is configured with one holiday (Monday 03-04) and one make-up Saturday (03-09).
CALENDAR = WorkCalendar(
    years=frozenset({2030}),
    holidays=frozenset({D(2030, 3, 4)}),
    workdays=frozenset({D(2030, 3, 9)}),
    incomplete_years=frozenset({2031}),
)


def test_special_days_override_the_weekday():
    assert CALENDAR.add_working_days(start=D(2030, 3, 1), days=1) == D(2030, 3, 5)
    assert CALENDAR.add_working_days(start=D(2030, 3, 8), days=1) == D(2030, 3, 9)


def test_an_incomplete_year_is_named_as_such():
    with pytest.raises(CalendarNotConfigured, match="2031年的节假日安排尚未标记为录入完整"):
        CALENDAR.add_working_days(start=D(2030, 12, 31), days=1)


def test_a_day_outside_the_loaded_window_is_a_programming_error():
    narrow = WorkCalendar(years=frozenset({2030}), loaded_from=D(2030, 6, 1))
    assert narrow.is_working_day(D(2030, 6, 3)) is True
    with pytest.raises(ValueError, match="outside the loaded calendar window"):
        narrow.is_working_day(D(2030, 5, 31))


def test_merge_intervals_clips_sorts_and_joins():
    within = (bj(2030, 3, 1, 0, 0), bj(2030, 3, 10, 0, 0))
    merged = merge_intervals(
        [
            (bj(2030, 3, 6, 0, 0), bj(2030, 3, 7, 0, 0)),
            (bj(2030, 2, 1, 0, 0), bj(2030, 3, 2, 0, 0)),
            (bj(2030, 3, 5, 0, 0), bj(2030, 3, 6, 0, 0)),  # touches the first: joined
            (bj(2030, 3, 20, 0, 0), bj(2030, 3, 21, 0, 0)),  # outside: dropped
        ],
        within=within,
    )
    assert merged == [
        (bj(2030, 3, 1, 0, 0), bj(2030, 3, 2, 0, 0)),
        (bj(2030, 3, 5, 0, 0), bj(2030, 3, 7, 0, 0)),
    ]


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (dt.timedelta(hours=12), "0.5000"),
        (dt.timedelta(hours=8), "0.3333"),
        (dt.timedelta(hours=16), "0.6667"),
        (dt.timedelta(seconds=4), "0.0000"),
        (dt.timedelta(seconds=5), "0.0001"),  # 0.0000579 rounds half up
    ],
)
def test_durations_become_days_to_four_places(duration, expected):
    assert as_days(duration) == Decimal(expected)
