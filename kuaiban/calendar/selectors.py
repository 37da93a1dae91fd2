"""Reads of the working-day calendar: due dates, deadlines and elapsed working days.

Conventions:

- Calendar arithmetic is on Asia/Shanghai dates; datetimes must be timezone-aware.
- The start day is never counted: 1 working day after Friday is Monday (or later). N=0 returns
  the start day itself without consulting the calendar.
- `due_at` deadlines are the end of the last day, 23:59:59.999999 Beijing time: a limit counts
  whole days, so an item is on time as long as it is done on its due date. 即办 is 30 minutes
  of office time (``KUAIBAN_OFFICE_HOURS`` on working days): outside them, from the next opening.
- Calendar days and months need no holiday data, so they are computed for any year (a limit that
  ends on a holiday is *not* moved to the next working day; see `add_calendar_days`).
- Every day whose working status is needed must lie in a complete `CalendarYear`; otherwise
  `CalendarNotConfigured` names the missing year.
- Each function runs at most two queries (the years, then the special days of the window it
  needs), however long the span. Pass ``calendar=calendar_load()`` to share one load between
  many calls, e.g. the due dates of all sub-cases of an application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Max, Min

from kuaiban.calendar import arithmetic, conf
from kuaiban.calendar.arithmetic import SHANGHAI, Interval, WorkCalendar, end_of_day, local_date
from kuaiban.calendar.limits import INSTANT_MINUTES, LimitUnit, TimeLimit
from kuaiban.calendar.models import CalendarDay, CalendarDayKind, CalendarYear


def calendar_load(*, since: dt.date | None = None, until: dt.date | None = None) -> WorkCalendar:
    """The calendar in two queries: all years, and the special days from ``since`` to ``until``."""
    complete: set[int] = set()
    incomplete: set[int] = set()
    for year, is_complete in CalendarYear.objects.values_list("year", "complete"):
        (complete if is_complete else incomplete).add(year)
    days = CalendarDay.objects.all()
    if since is not None:
        days = days.filter(date__gte=since)
    if until is not None:
        days = days.filter(date__lte=until)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in days.values_list("date", "kind"):
        (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
    return WorkCalendar(
        years=frozenset(complete),
        incomplete_years=frozenset(incomplete),
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        loaded_from=since or dt.date.min,
        loaded_to=until or dt.date.max,
    )


def calendar_range() -> tuple[dt.date, dt.date] | None:
    """First and last day of the complete years, or None when no year is configured.

    A year missing *inside* the range (a gap) still raises `CalendarNotConfigured`.
    """
    bounds = CalendarYear.objects.filter(complete=True).aggregate(
        first=Min("year"), last=Max("year")
    )
    if bounds["first"] is None:
        return None
    return dt.date(bounds["first"], 1, 1), dt.date(bounds["last"], 12, 31)


def is_working_day(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    if calendar is None:
        calendar = calendar_load(since=day, until=day)
    return calendar.is_working_day(day)


def add_working_days(*, start: dt.date, days: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The Nth working day after ``start``; make-up Saturdays and Sundays count as working days."""
    arithmetic.require_non_negative(days)
    if days == 0:
        return start
    if calendar is None:
        # Only days after the start are looked at; the calendar ends long before date.max.
        calendar = calendar_load(
            since=start + dt.timedelta(days=1) if start < dt.date.max else start
        )
    return calendar.add_working_days(start=start, days=days)


def add_calendar_days(*, start: dt.date, days: int) -> dt.date:
    """``start`` plus N calendar days (自然日); no holiday data needed, so no year is refused.

    A period whose last day is a holiday is not extended here (民法典 第二百零三条 would move it
    to the day after the holiday); callers that need that rule must apply it explicitly.
    """
    return arithmetic.add_calendar_days(start=start, days=days)


def add_months(*, start: dt.date, months: int) -> dt.date:
    """The same day N months later, or that month's last day when it is shorter (01-31 → 02-28)."""
    return arithmetic.add_months(start=start, months=months)


def due_at(
    *, start: dt.datetime, limit: TimeLimit, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """The deadline of ``limit`` counted from ``start``, as an aware Asia/Shanghai datetime."""
    if limit.is_instant:
        return instant_due(start=start, calendar=calendar)
    day = local_date(start)
    unit = LimitUnit(limit.unit)
    if unit == LimitUnit.WORKING_DAYS:
        last = add_working_days(start=day, days=limit.value, calendar=calendar)
    elif unit == LimitUnit.CALENDAR_DAYS:
        last = add_calendar_days(start=day, days=limit.value)
    else:
        last = add_months(start=day, months=limit.value)
    return end_of_day(last)


def instant_due(
    *, start: dt.datetime, calendar: WorkCalendar | None = None, minutes: int = INSTANT_MINUTES
) -> dt.datetime:
    """即办: 30 minutes (or ``minutes``: a pack's target) of office time (``KUAIBAN_OFFICE_HOURS``
    on working days) from ``start``.

    A case taken after closing, over lunch or on a holiday starts its 30 minutes at the next
    opening; minutes left at a closing carry over to the next opening.
    """
    arithmetic.require_aware(start)
    periods = conf.office_periods()
    left = dt.timedelta(minutes=minutes)
    moment = start.astimezone(SHANGHAI)
    day = moment.date()
    if calendar is None:
        calendar = calendar_load(since=day)
    while True:  # ends: a working day comes, or a year not entered raises CalendarNotConfigured
        if calendar.is_working_day(day):
            for opens, closes in periods:
                begin = max(moment, dt.datetime.combine(day, opens, tzinfo=SHANGHAI))
                end = dt.datetime.combine(day, closes, tzinfo=SHANGHAI)
                if begin >= end:
                    continue
                if begin + left <= end:
                    return begin + left
                left -= end - begin
        day += dt.timedelta(days=1)


def working_days_between(
    *,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Sequence[Interval] = (),
    calendar: WorkCalendar | None = None,
) -> Decimal:
    """Working days elapsed from ``start`` to ``end``, net of clock pauses (补正).

    Only time on working days counts, 86,400 seconds to the day, rounded to 4 places. Pauses may
    overlap each other and stick out of the range; each paused second is subtracted once.
    """
    arithmetic.require_aware(start, end)
    if calendar is None:
        calendar = calendar_load(since=local_date(start), until=local_date(end))
    return calendar.working_days_between(start=start, end=end, pauses=pauses)


def calendar_expiry_warning(*, today: dt.date, warn_days: int) -> str | None:
    """The administrators' warning when the calendar ends within ``warn_days`` of ``today``.

    It names the first year from this year on that is not completely entered: that is the
    year whose schedule must be entered next.
    """
    years = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    missing = today.year
    while missing in years:
        missing += 1
    if missing == today.year:
        return (
            f"工作日历未配置{missing}年的节假日安排，今年的办结期限无法计算。"
            f"请立即录入{missing}年的放假和调休安排（或运行 kuaiban calendar_seed）。"
        )
    last_day = dt.date(missing - 1, 12, 31)
    remaining = (last_day - today).days
    if remaining > warn_days:
        return None
    return (
        f"工作日历只配置到{last_day:%Y年%m月%d日}（还剩{remaining}天）。"
        f"国务院办公厅公布{missing}年部分节假日安排后，请尽快录入{missing}年的放假和调休安排"
        f"（含其中涉及上一年年底的调休上班日）。"
    )
