"""Breakdowns of the headline figures: by region, by channel and by month (trend).

Each is one or a few GROUP BY queries whose row count is bounded by the number of regions,
channels or months, never by the data; rolling districts up into their city is done on those
few rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from kuaiban.applications.models import ApplicationStatus, Channel
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import (
    applications_in,
    in_period,
    outcome_counts,
    outcome_filter,
    subcases_in,
)
from kuaiban.supervision.selectors.figures import Rate, no_visit

TREND_MONTHS = 12


@dataclass
class Row:
    """Applications and sub-case outcomes of one region, channel or month."""

    label: str
    applications: int = 0
    live: int = 0  # not withdrawn
    online: int = 0
    decided: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def online_rate(self) -> Rate:
        return Rate(self.online, self.live)

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.decided + self.overdue_open)


def _application_counts() -> dict[str, Count]:
    live = ~Q(status=ApplicationStatus.WITHDRAWN)
    return {
        "n": Count("pk"),
        "live": Count("pk", filter=live),
        "online": Count("pk", filter=live & no_visit()),
    }


def region_breakdown(scope: Scope, filters: Filters, *, tree: RegionTree) -> list[Row]:
    """One row for the focus region itself (本级) and one per region directly below it."""
    focus = filters.region_id or scope.focus_region_id
    if focus is not None and focus in tree.nodes:
        keys = [focus, *tree.children.get(focus, [])]
    else:
        focus, keys = None, tree.roots()
    rows = {
        key: Row(label=f"{tree.nodes[key].name}（本级）" if key == focus else tree.nodes[key].name)
        for key in keys
    }

    def row_for(region_id: int) -> Row | None:
        for ancestor in tree.ancestors(region_id):
            if ancestor in rows:
                return rows[ancestor]
        return None

    applications = (
        applications_in(scope, filters)
        .values("region_id")
        .annotate(**_application_counts())
        .order_by()
    )
    for a in applications:
        if row := row_for(a["region_id"]):
            row.applications += a["n"]
            row.live += a["live"]
            row.online += a["online"]
    decided, running = outcome_filter(filters.period)
    outcomes = (
        subcases_in(scope, filters)
        .filter(due_at__isnull=False)
        .filter(decided | running)
        .values("application__region_id")
        .annotate(**outcome_counts(decided, running))
        .order_by()
    )
    for o in outcomes:
        if row := row_for(o["application__region_id"]):
            row.decided += o["decided"]
            row.on_time += o["on_time"]
            row.overdue_open += o["overdue_open"]
    return [rows[key] for key in keys]


def channel_breakdown(scope: Scope, filters: Filters) -> list[Row]:
    rows = {c.value: Row(label=str(c.label)) for c in Channel}
    applications = (
        applications_in(scope, filters)
        .values("channel")
        .annotate(**_application_counts())
        .order_by()
    )
    for a in applications:
        row = rows.setdefault(a["channel"], Row(label=a["channel"]))
        row.applications, row.live, row.online = a["n"], a["live"], a["online"]
    return list(rows.values())


def trend_period(period: Period) -> Period:
    """The twelve months ending with the month the period ends in."""
    end = period.end
    first_month = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    start = dt.date(first_month // 12, first_month % 12 + 1, 1)
    last = Period.month(end.year, end.month).end
    return Period(start, last)


def _months(window: Period) -> list[Period]:
    months = []
    day = window.start
    while day <= window.end:
        months.append(Period.month(day.year, day.month))
        day = months[-1].end + dt.timedelta(days=1)
    return months


def _month_of(field: str, months: list[Period]) -> Case:
    """The month's index (0–11) of a date-time column, by plain comparisons: no per-row date
    function (TruncMonth is a Python function call per row on SQLite)."""
    return Case(
        *(When(**{f"{field}__lt": m.until}, then=Value(n)) for n, m in enumerate(months)),
        output_field=IntegerField(),
    )


def month_breakdown(scope: Scope, filters: Filters) -> list[Row]:
    """Applications by month submitted; sub-cases by month decided (or due, when overdue)."""
    window = trend_period(filters.period)
    months = _months(window)
    rows = [Row(label=f"{m.start:%Y年%m月}") for m in months]
    applications = (
        applications_in(scope, filters, period=False)
        .filter(in_period("submitted_at", window))
        .annotate(month=_month_of("submitted_at", months))
        .values("month")
        .annotate(**_application_counts())
        .order_by()
    )
    for a in applications:
        row = rows[a["month"]]
        row.applications, row.live, row.online = a["n"], a["live"], a["online"]
    decided = (
        subcases_in(scope, filters)
        .filter(in_period("decided_at", window), due_at__isnull=False)
        .annotate(month=_month_of("decided_at", months))
        .values("month")
        .annotate(decided=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))))
        .order_by()
    )
    for d in decided:
        rows[d["month"]].decided, rows[d["month"]].on_time = d["decided"], d["on_time"]
    overdue = (
        subcases_in(scope, filters)
        .filter(
            status__in=SubCase.RUNNING,
            due_at__gte=window.since,
            due_at__lt=min(window.until, timezone.now()),
        )
        .annotate(month=_month_of("due_at", months))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for o in overdue:
        rows[o["month"]].overdue_open = o["n"]
    return rows
