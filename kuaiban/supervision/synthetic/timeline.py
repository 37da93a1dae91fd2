"""Deadlines for synthetic history, fast: the working days of the whole window are listed once
from the calendar, then "N working days after" is a list lookup. Same rules as
`kuaiban.calendar.selectors.due_at` (start day not counted, deadline at the end of the last day,
即办 = 30 minutes)."""

from __future__ import annotations

import bisect
import datetime as dt

from kuaiban.calendar.arithmetic import WorkCalendar, add_months, end_of_day, local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.limits import INSTANT_MINUTES, LimitUnit, TimeLimit


class Days:
    def __init__(self, calendar: WorkCalendar, *, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.working: list[dt.date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):  # CalendarNotConfigured names a missing year
                self.working.append(day)
            day += dt.timedelta(days=1)

    def add_working(self, start: dt.date, days: int) -> dt.date:
        if days <= 0:
            return start
        index = bisect.bisect_right(self.working, start) + days - 1
        if index >= len(self.working):
            raise CalendarNotConfigured(year=self.last.year + 1)
        return self.working[index]

    def working_count(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        return bisect.bisect_right(self.working, end) - bisect.bisect_right(self.working, start)

    def due(self, start: dt.datetime, limit: TimeLimit) -> dt.datetime:
        if limit.is_instant:
            return start + dt.timedelta(minutes=INSTANT_MINUTES)
        day = local_date(start)
        unit = LimitUnit(limit.unit)
        if unit == LimitUnit.WORKING_DAYS:
            last = self.add_working(day, limit.value)
        elif unit == LimitUnit.CALENDAR_DAYS:
            last = day + dt.timedelta(days=limit.value)
        else:
            last = add_months(start=day, months=limit.value)
        return end_of_day(last)
