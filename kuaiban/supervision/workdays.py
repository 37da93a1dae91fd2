"""Elapsed working days for many sub-cases at once.

`WorkCalendar.working_days_between` walks day by day, which is right for one deadline and too
slow for thousands of sub-cases. `WorkingClock` gives the same answer (tested against it) in
constant time per interval: it reads the calendar once for a window of dates and keeps a
running count of working days. Days are 86,400 seconds (China has no daylight saving time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from kuaiban.calendar.arithmetic import (
    SHANGHAI,
    Interval,
    WorkCalendar,
    as_days,
    merge_intervals,
    require_aware,
)
from kuaiban.calendar.errors import CalendarNotConfigured

_DAY = 86_400


class WorkingClock:
    def __init__(self, calendar: WorkCalendar, *, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.last = last
        self._missing: dict[int, bool] = {}  # year → incomplete, for years not configured
        # _before[i]: working days strictly before first + i days.
        self._before = [0]
        self._working: list[bool] = []
        day = first
        while day <= last:
            try:
                working = calendar.is_working_day(day)
            except CalendarNotConfigured:
                self._missing[day.year] = day.year in calendar.incomplete_years
                working = False
            self._working.append(working)
            self._before.append(self._before[-1] + int(working))
            day += dt.timedelta(days=1)

    def _index(self, day: dt.date) -> int:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the clock's window {self.first}…{self.last}")
        if day.year in self._missing:
            raise CalendarNotConfigured(year=day.year, incomplete=self._missing[day.year])
        return (day - self.first).days

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> int:
        """Seconds of ``[start, end)`` that fall on working days (microseconds dropped)."""
        total = self.working_time(start, end)
        return total.days * _DAY + total.seconds

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        if end <= start:
            return dt.timedelta()
        low, high = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
        first = self._index(low.date())
        midnight_high = dt.datetime.combine(high.date(), dt.time.min, tzinfo=SHANGHAI)
        # An interval ending at midnight does not touch the next day (which may lie in a year
        # that is not configured yet), as in `WorkCalendar.working_time`.
        last_day = high.date() - dt.timedelta(days=1) if high == midnight_high else high.date()
        last = self._index(last_day)
        if first == last:
            return high - low if self._working[first] else dt.timedelta()
        midnight_low = dt.datetime.combine(low.date(), dt.time.min, tzinfo=SHANGHAI)
        total = dt.timedelta()
        if self._working[first]:
            total += midnight_low + dt.timedelta(days=1) - low
        if self._working[last]:
            # A last day reached at midnight is covered whole.
            whole = high == midnight_high
            total += dt.timedelta(days=1) if whole else high - midnight_high
        full_days = self._before[last] - self._before[first + 1]
        return total + dt.timedelta(days=full_days)

    def working_days_between(
        self, *, start: dt.datetime, end: dt.datetime, pauses: Sequence[Interval] = ()
    ) -> Decimal:
        """The same figure as `WorkCalendar.working_days_between`."""
        require_aware(start, end, *(moment for pause in pauses for moment in pause))
        if end < start:
            raise ValueError("end is before start")
        running = self.working_time(start, end)
        for pause_start, pause_end in merge_intervals(pauses, within=(start, end)):
            running -= self.working_time(pause_start, pause_end)
        return as_days(running)


def pauses_parse(raw: object) -> list[Interval]:
    """The stored pauses ``[[start, end], …]`` (ISO strings) as aware datetime pairs."""
    intervals: list[Interval] = []
    if not isinstance(raw, list):
        return intervals
    for pair in raw:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            start, end = (dt.datetime.fromisoformat(str(value)) for value in pair)
            if start.tzinfo is not None and end.tzinfo is not None and end >= start:
                intervals.append((start, end))
    return intervals
