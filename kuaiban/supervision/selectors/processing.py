"""Processing time in working days (net of pauses) as a histogram, from the raw sub-cases.

Working days need the holiday calendar, so they are counted in Python (`WorkingClock`), per
sub-case decided in a period, and kept as a histogram: per group, per tenth of a working day
(``tenths``), how many sub-cases and their exact working days added up (``days_sum``, in
ten-thousandths: `as_days` keeps four places, so the sum is exact). The roll-up
`ProcessingDaily` stores the same histogram per day (`rollups/build.py`); the pages read it
from there and only today's sub-cases through here, so medians and means cost the same
whatever the period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Expression,
    F,
    Func,
    JSONField,
    Min,
    QuerySet,
    Value,
)
from django.db.models.functions import NullIf

from kuaiban.calendar.arithmetic import WorkCalendar, local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import calendar_load
from kuaiban.cases.models import SubCase
from kuaiban.supervision.filters import Period
from kuaiban.supervision.selectors.base import in_period
from kuaiban.supervision.workdays import (
    WorkingClock,
    local_day_of,
    micros_of,
    moment_of,
    pauses_parse,
)

# A live part shorter than this many days is read in one go; a longer one streamed.
STREAM_DAYS = 7


def tenths_of(e4: int) -> int:
    """The histogram's bucket of ``e4`` ten-thousandths of a working day (never negative):
    its tenths, rounded half up."""
    return (e4 + 500) // 1000


def _micros(path: str) -> Expression:
    """A moment as microseconds since the epoch, in PostgreSQL: a number loads in C, where
    Django's time-zone-aware timestamp loader parses each value in Python (half the time of
    today's histogram at 2 M sub-cases)."""
    return Func(
        F(path),
        template="CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS bigint)",
        output_field=BigIntegerField(),
    )


def processing_groups(
    subcases: QuerySet[SubCase],
    part: Period,
    keys: Mapping[str, str],
    *,
    by_day: bool = False,
    calendar_from: Callable[[dt.date], WorkCalendar] | None = None,
) -> tuple[list[dict[str, Any]], str]:
    """The sub-cases decided in ``part`` (opened, decided not before opened) grouped by
    ``keys`` (name → the sub-case's path), the day of the decision if ``by_day``, and
    ``tenths``, each group with ``decided`` and ``days_sum``; and a calendar problem as text
    (its sub-cases are left out). ``calendar_from``: a calendar holding a given day on (kept
    per process by the pages), else one is read."""
    # No ordering: a histogram needs none, and a cursor over the sub-cases' default ordering
    # (by the application's time) walked every application of the scope.
    decided = (
        subcases.filter(in_period("decided_at", part), opened_at__isnull=False)
        .filter(decided_at__gte=F("opened_at"))
        .order_by()
    )
    numbers = connections[decided.db].vendor == "postgresql"
    moments = (
        (_micros("opened_at"), _micros("decided_at")) if numbers else ("opened_at", "decided_at")
    )
    # No pause is the rule: NULL then, not the text "[]" that Django's JSON field would decode
    # (a third of the histogram's time at 2 M sub-cases).
    pauses = NullIf(F("pauses"), Value([], output_field=JSONField()))
    columns = decided.values_list(*moments, pauses, *(F(path) for path in keys.values()))
    rows: Iterable[tuple[Any, ...]]
    if (part.end - part.start).days < STREAM_DAYS and numbers:
        # A few days (today, as a rule): one read, as plain tuples — Django's per-value
        # converters were a fifth of the time for a day of 50,000 decided sub-cases.
        sql, params = columns.query.sql_with_params()
        with connections[decided.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = [
                (start, done, json.loads(pauses) if isinstance(pauses, str) else pauses, *group)
                for start, done, pauses, *group in cursor.fetchall()
            ]
        earliest = min((row[0] for row in rows), default=None)
        if earliest is not None:
            earliest = moment_of(earliest)
    elif (part.end - part.start).days < STREAM_DAYS:
        rows = list(columns)  # a few days (SQLite): one read
        earliest = min((row[0] for row in rows), default=None)
    else:
        # Streamed: without roll-ups (before the worker's first passes) a long period is read
        # here whole, and only the histogram stays in memory.
        earliest = decided.aggregate(first=Min("opened_at"))["first"]
        rows = columns.iterator(chunk_size=5000)
    if earliest is None:
        return [], ""
    first = min(local_date(earliest), part.start)
    calendar = calendar_from(first) if calendar_from else calendar_load(since=first, until=part.end)
    clock = WorkingClock(calendar, first=first, last=part.end)
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    missing: set[int] = set()
    for start, done, pauses, *group in rows:
        if not numbers:
            start, done = micros_of(start), micros_of(done)
        try:
            # Ten-thousandths of a working day, exact (`WorkingClock.working_e4`); a pause
            # (a correction) is rare, and only then are datetimes made.
            e4 = clock.working_e4(start, done, pauses_parse(pauses) if pauses else ())
        except CalendarNotConfigured as exc:
            missing.add(exc.year)
            continue
        if by_day:
            group.append(local_day_of(done))
        target = sums[(*group, tenths_of(e4))]
        target[0] += 1
        target[1] += e4
    names = [*keys, "day"] if by_day else list(keys)
    found = [
        {**dict(zip(names, key[:-1], strict=True)), "tenths": key[-1], "decided": n, "days_sum": s}
        for key, (n, s) in sums.items()
    ]
    if not missing:
        return found, ""
    years = "、".join(str(y) for y in sorted(missing))
    return found, f"工作日历未配置{years}年，涉及这些年份的子件未计入办理用时。"
