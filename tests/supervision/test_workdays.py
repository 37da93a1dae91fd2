"""`WorkingClock` gives the calendar's own figure; the weighted median; stored pauses."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kuaiban.calendar.selectors import calendar_load
from kuaiban.supervision.selectors.items import weighted_median
from kuaiban.supervision.workdays import WorkingClock, pauses_parse

BJ = dt.timezone(dt.timedelta(hours=8))


def test_the_clock_agrees_with_the_calendar(seeded_calendar) -> None:
    first, last = dt.date(2024, 9, 1), dt.date(2025, 3, 31)  # National Day, Spring Festival
    calendar = calendar_load(since=first, until=last)
    clock = WorkingClock(calendar, first=first, last=last)
    rng = random.Random(1)
    span = int((last - first).days * 86400) - 86400
    for _ in range(400):
        start = dt.datetime.combine(first, dt.time(), tzinfo=BJ) + dt.timedelta(
            seconds=rng.randrange(span)
        )
        end = start + dt.timedelta(seconds=rng.randrange(40 * 86400))
        end = min(end, dt.datetime.combine(last, dt.time(23), tzinfo=BJ))
        pause_start = start + (end - start) * rng.random()
        pauses = [(pause_start, pause_start + dt.timedelta(hours=rng.randrange(200)))]
        expected = calendar.working_days_between(start=start, end=end, pauses=pauses)
        assert clock.working_days_between(start=start, end=end, pauses=pauses) == expected


def test_the_clock_on_day_boundaries(seeded_calendar) -> None:
    first, last = dt.date(2025, 1, 20), dt.date(2025, 2, 10)
    calendar = calendar_load(since=first, until=last)
    clock = WorkingClock(calendar, first=first, last=last)
    cases = [
        (dt.datetime(2025, 1, 24, 0, 0, tzinfo=BJ), dt.datetime(2025, 1, 25, 0, 0, tzinfo=BJ)),
        (dt.datetime(2025, 1, 26, 8, 0, tzinfo=BJ), dt.datetime(2025, 1, 27, 0, 0, tzinfo=BJ)),
        (dt.datetime(2025, 1, 27, 12, 0, tzinfo=BJ), dt.datetime(2025, 2, 6, 12, 0, tzinfo=BJ)),
        (dt.datetime(2025, 2, 3, 9, 0, tzinfo=BJ), dt.datetime(2025, 2, 3, 9, 0, tzinfo=BJ)),
    ]
    for start, end in cases:
        assert clock.working_days_between(start=start, end=end) == (
            calendar.working_days_between(start=start, end=end)
        )
    # 2025-01-26 is a make-up working Sunday; the Spring Festival holiday follows.
    assert clock.working_days_between(start=cases[1][0], end=cases[1][1]) == Decimal("0.6667")


def test_weighted_median() -> None:
    assert weighted_median([]) is None
    assert weighted_median([(Decimal(3), 1.0)]) == 3
    assert weighted_median([(Decimal(1), 1.0), (Decimal(3), 1.0)]) == 2
    assert weighted_median([(Decimal(1), 1.0), (Decimal(2), 1.0), (Decimal(9), 1.0)]) == 2
    assert weighted_median([(Decimal(1), 1.0), (Decimal(5), 3.0)]) == 5


def test_pauses_parse() -> None:
    pair = ["2025-03-04T09:00:00+08:00", "2025-03-05T09:00:00+08:00"]
    assert pauses_parse([pair]) == [
        (dt.datetime(2025, 3, 4, 9, tzinfo=BJ), dt.datetime(2025, 3, 5, 9, tzinfo=BJ))
    ]
    assert pauses_parse(None) == []
    assert pauses_parse([["2025-03-05T09:00:00+08:00", "2025-03-04T09:00:00+08:00"]]) == []


@pytest.mark.parametrize("year", [2031])
def test_unconfigured_years_raise_when_touched(seeded_calendar, year: int) -> None:
    from kuaiban.calendar.errors import CalendarNotConfigured

    first, last = dt.date(2026, 12, 20), dt.date(year, 1, 10)
    clock = WorkingClock(calendar_load(since=first, until=last), first=first, last=last)
    inside = dt.datetime(2026, 12, 21, 9, tzinfo=BJ)
    assert clock.working_days_between(start=inside, end=inside + dt.timedelta(hours=2))
    with pytest.raises(CalendarNotConfigured):
        clock.working_days_between(start=inside, end=dt.datetime(2027, 1, 5, tzinfo=BJ))


def test_the_integer_clock_gives_the_decimal_figures(seeded_calendar) -> None:
    """The histogram's path (microseconds in, ten-thousandths out) equals the calendar's
    Decimal days and their tenths, to the microsecond and across Beijing's midnight."""
    from kuaiban.calendar.arithmetic import days_e4, local_date
    from kuaiban.supervision.selectors.processing import tenths_of
    from kuaiban.supervision.workdays import local_day_of, micros_of, moment_of

    def half_up(value: Decimal, places: str) -> Decimal:
        return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)

    first, last = dt.date(2024, 9, 1), dt.date(2025, 3, 31)
    calendar = calendar_load(since=first, until=last)
    clock = WorkingClock(calendar, first=first, last=last)
    rng = random.Random(2)
    base = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)  # 08:00 in Beijing
    for _ in range(600):
        start = base + dt.timedelta(microseconds=rng.randrange(150 * 86_400_000_000))
        end = start + dt.timedelta(microseconds=rng.randrange(30 * 86_400_000_000))
        pauses = []
        if rng.random() < 0.3:
            pause = start + (end - start) * rng.random()
            pauses = [(pause, pause + dt.timedelta(minutes=rng.randrange(5000)))]
        expected = calendar.working_days_between(start=start, end=end, pauses=pauses)
        e4 = clock.working_e4(micros_of(start), micros_of(end), pauses)
        assert e4 == int(expected * 10000)
        assert tenths_of(e4) == int(half_up(expected * 10, "1"))
        assert local_day_of(micros_of(end)) == local_date(end)
        assert moment_of(micros_of(end)) == end
    for micros in (0, 4_320_000, 4_319_999, 12_960_000, 43_200_000_000, 86_399_999_999):
        for signed in (micros, -micros):
            days = half_up(Decimal(signed) / Decimal(86_400_000_000), "0.0001")
            assert days_e4(signed) == int(days * 10000)


def test_instant_minutes_is_the_least_minutes_whose_instant_due_is_kept(seeded_calendar) -> None:
    """`instant_minutes` (with its short way for a case taken and decided within one opening)
    equals its definition: the least m with done ≤ `instant_due`(start, m) — for cases within
    an opening, across lunch, past closing, over a weekend and a holiday."""
    from kuaiban.calendar.selectors import instant_due
    from kuaiban.supervision.selectors.timing import instant_minutes

    first = dt.date(2024, 9, 25)  # the National Day holiday follows
    calendar = calendar_load(since=first, until=dt.date(2024, 10, 31))
    rng = random.Random(3)
    within = 0
    for _ in range(400):
        day = first + dt.timedelta(days=rng.randrange(20))
        start = dt.datetime.combine(day, dt.time(8), tzinfo=BJ) + dt.timedelta(
            seconds=rng.randrange(10 * 3600), microseconds=rng.randrange(1_000_000)
        )
        done = start + dt.timedelta(seconds=rng.choice([0, 59, 60, 61, 600, 1799, 5400, 90_000]))
        done += dt.timedelta(microseconds=rng.randrange(2))
        least = 0
        while done > instant_due(start=start, calendar=calendar, minutes=least):
            least += 1
        assert instant_minutes(start, done, calendar) == least, (start, done)
        within += start.date() == done.date() and done - start < dt.timedelta(minutes=30)
    assert within > 100
