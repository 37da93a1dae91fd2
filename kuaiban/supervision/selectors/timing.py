"""The timing targets' figures — 即办 sub-cases decided within N minutes of office time, 报告单
handed in within N calendar days of the rectification — as histograms.

A target's N is the pack's, so what is kept per case is the least N it met: for a 即办
sub-case the minutes of office time (``minutes``: the least whole number of minutes whose
`instant_due` is not before the decision), for a 报告单 the calendar days from the
rectification's day to the report's (``days``). A case met a target of N when its value is ≤ N.
The roll-ups `InstantDaily` and `ReportDaily` hold these histograms per day and dimensions
(`rollups/build.py`); the pages read them there, and only the part of a period not rolled up
(today) from the raw rows through here, every case counted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from kuaiban.bundles.models import Pack, SpeedUp
from kuaiban.calendar import conf
from kuaiban.calendar.arithmetic import SHANGHAI, WorkCalendar, local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.limits import LimitUnit
from kuaiban.calendar.selectors import calendar_load, instant_due
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import ServiceItem
from kuaiban.ratings.models import StepKind, TicketStep
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import InstantDaily, InstantProvinceMonth, ReportDaily
from kuaiban.supervision.reference import Reference
from kuaiban.supervision.rollups.read import parts_read, province_rolled, rollup_rows
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import in_period, subcases_in, ticket_condition
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.selectors.processing import STREAM_DAYS

_CHUNK = 500


def instant_condition(reference: Reference | None = None) -> Q:
    """Sub-cases of items that are 即办 in their application's pack (its 提速办 list wins over
    the catalogue), as one condition: a few packs, each a list of item ids. From the kept
    policy data when given, else read."""
    if reference is not None:
        catalogue_instant = {
            pk for pk, i in reference.items.items() if i.promised_limit_unit == LimitUnit.INSTANT
        }
        rows = [
            (pack_id, item_id, s.promised_limit_unit)
            for pack_id, entries in reference.speedups.items()
            for item_id, s in entries.items()
        ]
        pack_ids = list(reference.packs)
    else:
        catalogue_instant = set(
            ServiceItem.objects.filter(promised_limit_unit=LimitUnit.INSTANT).values_list(
                "pk", flat=True
            )
        )
        rows = list(SpeedUp.objects.values_list("pack_id", "item_id", "promised_limit_unit"))
        pack_ids = list(Pack.objects.values_list("pk", flat=True))
    listed: dict[int, dict[int, bool]] = {}
    for pack_id, item_id, unit in rows:
        listed.setdefault(pack_id, {})[item_id] = unit == LimitUnit.INSTANT
    condition = Q(pk__in=[])
    for pack_id in pack_ids:
        own = listed.get(pack_id, {})
        ids = {i for i in catalogue_instant if i not in own} | {i for i, x in own.items() if x}
        condition |= Q(pack_id=pack_id, item_id__in=sorted(ids))
    return condition


def instant_minutes(start: dt.datetime, done: dt.datetime, calendar: WorkCalendar) -> int:
    """The least whole number of minutes m with ``done`` ≤ `instant_due`(start, m): the
    office time elapsed, rounded up, and one more when the decision came after a closing."""
    periods = conf.office_periods()
    start, done = start.astimezone(SHANGHAI), done.astimezone(SHANGHAI)
    seconds = 0.0
    day = start.date()
    while day <= done.date():
        if calendar.is_working_day(day):
            for opens, closes in periods:
                begin = max(start, dt.datetime.combine(day, opens, tzinfo=SHANGHAI))
                end = min(done, dt.datetime.combine(day, closes, tzinfo=SHANGHAI))
                if end > begin:
                    seconds += (end - begin).total_seconds()
        day += dt.timedelta(days=1)
    minutes = math.ceil(seconds / 60)
    while done > instant_due(start=start, calendar=calendar, minutes=minutes):
        minutes += 1
    return minutes


def report_days(rectified: dt.datetime, done: dt.datetime) -> int:
    """The least N with ``done`` within N calendar days of ``rectified`` (end of that day)."""
    return max(0, (local_date(done) - local_date(rectified)).days)


Key = tuple[Any, ...]


def instant_groups(
    subcases: QuerySet[SubCase],
    part: Period,
    keys: Mapping[str, Any],
    *,
    by_day: bool = False,
    reference: Reference | None = None,
) -> Counter[Key]:
    """The 即办 sub-cases decided in ``part``, counted per (``keys``' values…, [day,] minutes);
    a sub-case in a year without a calendar is left out, as in processing time. With
    ``reference`` (the pages), the packs, items and calendar are the kept policy data."""
    rows = (
        subcases.filter(
            instant_condition(reference), in_period("decided_at", part), opened_at__isnull=False
        )
        .values_list("opened_at", "decided_at", *keys.values())
        .order_by()
    )
    found: Counter[Key] = Counter()
    calendar: WorkCalendar | None = None
    since = part.start
    short = (part.end - part.start).days < STREAM_DAYS  # today, as a rule: one read
    for start, done, *group in rows if short else rows.iterator(chunk_size=5000):
        if calendar is None or local_date(start) < since:
            # The special days from a little before the earliest start met so far.
            since = min(local_date(start), part.start) - dt.timedelta(days=31)
            calendar = reference.calendar(since=since) if reference else calendar_load(since=since)
        try:
            minutes = instant_minutes(start, done, calendar)
        except CalendarNotConfigured:
            continue
        day = [local_date(done)] if by_day else []
        found[(*group, *day, minutes)] += 1
    return found


def report_steps(part: Period) -> QuerySet[TicketStep]:
    return TicketStep.objects.filter(
        in_period("done_at", part), kind=StepKind.REPORT, ticket__rectified_at__isnull=False
    )


def report_groups(steps: QuerySet[TicketStep], *, by_day: bool = False) -> Counter[Key]:
    """The 报告单 steps, counted per (region, agency, pack, bundle, item or None, [day,] days):
    each once with item None and once per distinct item of the rated application (its own or
    the window visit's), as the ratings' roll-up."""
    rating = "ticket__rating__"
    rows = list(
        steps.values_list(
            "ticket__rectified_at",
            "done_at",
            f"{rating}region_id",
            "ticket__agency_id",
            Coalesce(f"{rating}application__pack_id", f"{rating}visit__application__pack_id"),
            Coalesce(f"{rating}application__bundle_id", f"{rating}visit__application__bundle_id"),
            Coalesce(f"{rating}application_id", f"{rating}visit__application_id"),
        ).order_by()
    )
    items = _items_of(sorted({r[-1] for r in rows if r[-1] is not None}))
    found: Counter[Key] = Counter()
    for rectified, done, region, agency, pack, bundle, application in rows:
        day = [local_date(done)] if by_day else []
        days = report_days(rectified, done)
        for item in {None, *items.get(application, ())}:
            found[(region, agency, pack, bundle, item, *day, days)] += 1
    return found


def _items_of(application_ids: Sequence[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(application_ids), _CHUNK):
        chunk = application_ids[start : start + _CHUNK]
        for application_id, item_id in SubCase.objects.filter(application_id__in=chunk).values_list(
            "application_id", "item_id"
        ):
            found[application_id].add(item_id)
    return found


def within(histogram: Counter[int], limit: int) -> Rate:
    """The cases of a histogram whose value is at most ``limit``, of all of them."""
    met = counted = 0
    for value, count in histogram.items():
        counted += count
        met += count if value <= limit else 0
    return Rate(met, counted)


def _histogram(
    model: type[InstantDaily | ReportDaily],
    scope: Scope,
    filters: Filters,
    live: Callable[[Period], Counter[int]],
) -> Counter[int]:
    """The histogram of the period: the roll-up's rows for the whole days it holds, plus the
    value of each case of the rest (``live``)."""

    def rolled(part: Period) -> Mapping[int, int]:
        if model is InstantDaily:
            # A whole province's months from its month rows per province (`province_rolled`).
            found = province_rolled(
                InstantDaily,
                InstantProvinceMonth,
                scope,
                filters,
                part,
                tree=filters.policy().tree,
                keys=["minutes"],
                sums=["decided"],
            )
            return {row["minutes"]: row["decided"] for row in found}
        rows = rollup_rows(model, scope, filters, part)
        return dict(rows.values_list("days").annotate(n=Sum("reports")).order_by())

    histogram: Counter[int] = Counter()
    for found in parts_read(filters, rolled=rolled, live=live):
        histogram.update(found)
    return histogram


def instant_histogram(scope: Scope, filters: Filters) -> Counter[int]:
    """Minutes → 即办 sub-cases decided in the period, in scope and filters."""

    def live(part: Period) -> Counter[int]:
        groups = instant_groups(subcases_in(scope, filters), part, {}, reference=filters.policy())
        return Counter({minutes: n for (minutes,), n in groups.items()})

    return _histogram(InstantDaily, scope, filters, live)


def report_histogram(scope: Scope, filters: Filters) -> Counter[int]:
    """Days → 报告单 handed in during the period, in scope and filters."""
    condition = ticket_condition(scope, filters, prefix="ticket__")

    def live(part: Period) -> Counter[int]:
        steps = report_steps(part).filter(condition)
        return Counter(
            report_days(rectified, done)
            for rectified, done in steps.values_list("ticket__rectified_at", "done_at")
            if rectified is not None and done is not None  # as the filters require
        )

    return _histogram(ReportDaily, scope, filters, live)
