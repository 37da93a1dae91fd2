"""Slots from each point's own opening hours (`servicepoints.hours`): the days up to the N-th
working day of the official calendar, half an hour each, inside the periods the point is open
that day, 延时 and 错时 included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuaiban.appointments.models import WindowType
from kuaiban.appointments.services import slots_generate
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import calendar_load
from kuaiban.servicepoints.hours import DayKind, half_hours, hours_read
from kuaiban.servicepoints.models import PointKind, ServicePoint


@dataclass(frozen=True)
class SlotsForHours:
    added: int
    working_days: int
    points: list[str]
    unread: dict[str, list[str]]  # point name → hours clauses not understood (nothing opened)


def _day_kinds(*, today: dt.date, working_days: int) -> list[tuple[dt.date, DayKind]]:
    """Every day from today to the ``working_days``-th working day (at most 60 days), with its
    kind from the official calendar (past it: Monday to Friday work, the weekend rests)."""
    until = today + dt.timedelta(days=60)
    calendar = calendar_load(since=today, until=until)
    days: list[tuple[dt.date, DayKind]] = []
    counted, day = 0, today
    while counted < working_days and day < until:
        try:
            working = calendar.is_working_day(day)
        except CalendarNotConfigured:
            working = day.weekday() < 5
        if working:
            kind, counted = DayKind.WORKING, counted + 1
        elif day in calendar.holidays:
            kind = DayKind.HOLIDAY
        else:
            kind = DayKind.REST
        days.append((day, kind))
        day += dt.timedelta(days=1)
    return days


def slots_for_hours(
    *, points: list[ServicePoint], today: dt.date, working_days: int, capacity: int
) -> SlotsForHours:
    """Half-hour slots inside each point's opening hours (incl. 延时/错时) for the days up to
    the ``working_days``-th working day: a hall's general and card windows, a bank's card window."""
    days = _day_kinds(today=today, working_days=working_days)
    added = 0
    unread: dict[str, list[str]] = {}
    for point in points:
        hours = hours_read(point.opening_hours, point.extended_hours)
        if hours.unread:
            unread[point.name] = list(hours.unread)
        windows = (
            [WindowType.CARD]
            if point.kind == PointKind.BANK
            else [WindowType.GENERAL, WindowType.CARD]
        )
        for day, kind in days:
            times = half_hours(hours.periods_on(day, kind))
            for window in windows:
                added += slots_generate(
                    point=point, days=[day], window_type=window, times=times, capacity=capacity
                )
    return SlotsForHours(
        added=added,
        working_days=sum(1 for _, kind in days if kind == DayKind.WORKING),
        points=[p.code for p in points],
        unread=unread,
    )
