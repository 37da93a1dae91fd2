"""Calendar arithmetic on a loaded calendar: pure functions, no queries, no clock.

Conventions (also in docs of `kuaiban.calendar.selectors`):

- Dates are Asia/Shanghai calendar dates; aware datetimes are converted to that zone first.
- "N days after start" never counts the start day itself (民法典 第二百零一条).
- A month limit ends on the same day of the target month, or on its last day when that day
  does not exist (民法典 第二百零二条): 01-31 plus one month is 02-28 (or 02-29).
- Elapsed working time is measured like a stopwatch that only runs on working days: every
  second of a working day counts, a day is 86,400 seconds, and the result is rounded half-up
  to 4 decimal places (about 9 seconds).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from kuaiban.calendar.errors import CalendarNotConfigured

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = dt.timedelta(days=1)
_DAY_MICROSECONDS = 86_400 * 1_000_000

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WorkCalendar:
    """The complete years, and the special days loaded for ``loaded_from … loaded_to``.

    A day outside the complete years raises `CalendarNotConfigured`. A day inside them but
    outside the loaded window is a programming error (the caller loaded too little) and raises
    `ValueError` rather than silently treating the day as ordinary.
    """

    years: frozenset[int]
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    incomplete_years: frozenset[int] = frozenset()
    loaded_from: dt.date = dt.date.min
    loaded_to: dt.date = dt.date.max

    def is_working_day(self, day: dt.date) -> bool:
        self._require_known(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, *, start: dt.date, days: int) -> dt.date:
        require_non_negative(days)
        day = start
        left = days
        while left:
            day = _next_day(day)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_time(self, *, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The part of ``[start, end)`` that falls on working days."""
        total = dt.timedelta()
        day = local_date(start)
        while (day_start := start_of_day(day)) < end:
            low, high = max(start, day_start), min(end, start_of_day(day + _ONE_DAY))
            # Only days the interval really touches must be configured: an interval that ends
            # at midnight on 1 January does not need the new year's schedule.
            if high > low and self.is_working_day(day):
                total += _utc(high) - _utc(low)
            day += _ONE_DAY
        return total

    def working_days_between(
        self, *, start: dt.datetime, end: dt.datetime, pauses: Sequence[Interval] = ()
    ) -> Decimal:
        require_aware(start, end, *(moment for pause in pauses for moment in pause))
        if end < start:
            raise ValueError("end is before start")
        running = self.working_time(start=start, end=end)
        for pause_start, pause_end in merge_intervals(pauses, within=(start, end)):
            running -= self.working_time(start=pause_start, end=pause_end)
        return as_days(running)

    def _require_known(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise CalendarNotConfigured(year=day.year, incomplete=day.year in self.incomplete_years)
        if not self.loaded_from <= day <= self.loaded_to:
            raise ValueError(
                f"{day.isoformat()} is outside the loaded calendar window "
                f"{self.loaded_from.isoformat()}…{self.loaded_to.isoformat()}"
            )


def add_calendar_days(*, start: dt.date, days: int) -> dt.date:
    require_non_negative(days)
    return start + dt.timedelta(days=days)


def add_months(*, start: dt.date, months: int) -> dt.date:
    require_non_negative(months)
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    return dt.date(year, month, min(start.day, monthrange(year, month)[1]))


def merge_intervals(intervals: Iterable[Interval], *, within: Interval) -> list[Interval]:
    """Clip intervals to ``within`` and merge the overlapping or touching ones, in order."""
    low, high = within
    clipped: list[Interval] = []
    for start, end in intervals:
        if end < start:
            raise ValueError("a pause ends before it starts")
        start, end = max(start, low), min(end, high)
        if end > start:
            clipped.append((start, end))
    merged: list[Interval] = []
    for start, end in sorted(clipped):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def as_days(duration: dt.timedelta) -> Decimal:
    return Decimal(days_e4(duration // dt.timedelta(microseconds=1))).scaleb(-4)


def days_e4(microseconds: int) -> int:
    """``microseconds`` as days rounded half up (away from zero) to four places, counted in
    ten-thousandths of a day: exact integer arithmetic, cheap enough for a histogram of
    thousands of sub-cases (`supervision/workdays.py`)."""
    magnitude = (2 * abs(microseconds) * 10_000 + _DAY_MICROSECONDS) // (2 * _DAY_MICROSECONDS)
    return magnitude if microseconds >= 0 else -magnitude


def local_date(moment: dt.datetime) -> dt.date:
    require_aware(moment)
    return moment.astimezone(SHANGHAI).date()


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Beijing time: the deadline of a limit ending that day."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def require_aware(*moments: dt.datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: calendar arithmetic needs timezone-aware datetimes")


def require_non_negative(value: int) -> None:
    if value < 0:
        raise ValueError("a time limit cannot be negative")


def _next_day(day: dt.date) -> dt.date:
    # date.max has no next day, and no calendar could cover it anyway.
    if day == dt.date.max:
        raise CalendarNotConfigured(year=day.year)
    return day + _ONE_DAY


def _utc(moment: dt.datetime) -> dt.datetime:
    # Subtracting two datetimes that share a tzinfo object ignores their offsets; UTC is exact.
    return moment.astimezone(dt.UTC)
