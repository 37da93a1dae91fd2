"""Breakdowns of the headline figures: by region, by channel and by month (trend).

Each is one or a few GROUP BY queries whose row count is bounded by the number of regions,
channels or months, never by the data; rolling districts up into their city is done on those
few rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from kuaiban.applications.models import ApplicationStatus, Channel
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import ApplicationDaily, SubCaseDaily
from kuaiban.supervision.rollups.read import (
    grouping_sets_supported,
    period_parts,
    rolled_groups,
    rolled_sums,
    rollup_grouping_sets,
    rollup_groups,
)
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import (
    applications_in,
    in_period,
    outcome_counts,
    outcome_filter,
    subcases_in,
)
from kuaiban.supervision.selectors.figures import Rate, no_visit
from kuaiban.supervision.together import together

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


# The same three counts from the application roll-up's columns.
_APPLICATION_SUMS = {
    "n": Sum("received"),
    "live": Sum("received") - Sum("withdrawn"),
    "online": Sum("online"),
}
OUTCOME_SUMS = rolled_sums("decided", "on_time", "overdue_open")


def _panel_counts(groups: Iterable[Mapping[str, Any]], key: str) -> Iterable[dict[str, Any]]:
    """The three application counts of the overview's panel groups (`application_groups`)."""
    for g in groups:
        received = g.get("received") or 0
        yield {
            key: g[key],
            "n": received,
            "live": received - (g.get("withdrawn") or 0),
            "online": g.get("online") or 0,
        }


def _subcases_live(
    scope: Scope,
    filters: Filters,
    keys: Mapping[str, str],
    *,
    received: bool,
    outcomes: bool = True,
) -> Callable[[Period], Iterable[Mapping[str, Any]]]:
    """The raw sub-cases of a part of the period grouped by ``keys`` (roll-up column → the
    sub-case's path to it): decided / on time / overdue while running in one statement, and
    with ``received`` the sub-cases of the applications submitted in the part in a second
    (rows of the same keys add up; ``outcomes=False``: that one alone). One statement for
    both needed the condition "decided, or running, or its application submitted" across the
    join, which no index serves: at 10 M sub-cases PostgreSQL read every one of them (4.6 s
    for a day); apart, the first is two index ranges of the sub-cases and the second one of
    the applications."""

    def grouped(condition: Q, counts: Mapping[str, Count]) -> list[Mapping[str, Any]]:
        return list(
            subcases_in(scope, filters)
            .filter(condition)
            .values(
                *(name for name, path in keys.items() if name == path),
                **{name: F(path) for name, path in keys.items() if name != path},
            )
            .annotate(**counts)
            .order_by()
        )

    def live(part: Period) -> Iterable[Mapping[str, Any]]:
        rows: list[Mapping[str, Any]] = []
        if outcomes:
            decided, running = outcome_filter(part)
            decided &= Q(due_at__isnull=False)
            rows += grouped(decided | running, outcome_counts(decided, running))
        if received:
            rows += grouped(in_period("application__submitted_at", part), {"received": Count("pk")})
        return rows

    return live


def subcase_outcomes(
    scope: Scope, filters: Filters, keys: Mapping[str, str]
) -> list[Mapping[str, Any]]:
    """Decided / on time / overdue while running, grouped by roll-up columns (``keys``:
    roll-up column → the sub-case's path to it)."""
    return rollup_groups(
        SubCaseDaily,
        scope,
        filters,
        keys=list(keys),
        sums=OUTCOME_SUMS,
        live=_subcases_live(scope, filters, keys, received=False),
    )


def subcase_counts(
    scope: Scope, filters: Filters, keys: Mapping[str, str]
) -> list[Mapping[str, Any]]:
    """`subcase_outcomes` and the sub-cases received (their application submitted in the
    period), from one read of the roll-up and one of the rest of the period."""
    return rollup_groups(
        SubCaseDaily,
        scope,
        filters,
        keys=list(keys),
        sums={"received": Sum("received"), **OUTCOME_SUMS},
        live=_subcases_live(scope, filters, keys, received=True),
    )


ITEM_KEYS = {"pack_id": "pack_id", "item_id": "item_id"}
REGION_KEYS = {"region_id": "region_id"}


def subcase_panels(
    scope: Scope, filters: Filters, *, live_outcomes: list[Mapping[str, Any]] | None = None
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The overview's sub-case figures: received and outcomes by (pack, item) for the items
    table (`subcase_counts`), outcomes by region (`subcase_outcomes`). On PostgreSQL the
    roll-up's part of both is one statement (GROUPING SETS); elsewhere one per grouping. The
    rest of the period (today) is read once for both, grouped by pack, item and region (the
    items table adds its rows up by pack and item, the regions table by region): today's
    decided sub-cases are the largest raw read of the page. ``live_outcomes``: also given
    today's outcome rows (for the trend's last month)."""
    parts = period_parts(filters.period, filters.covered)
    rolled, live = parts.rolled, parts.live

    def rolled_read() -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
        if rolled is None:
            return [], []
        if grouping_sets_supported(SubCaseDaily):
            found = rollup_grouping_sets(
                SubCaseDaily,
                scope,
                filters,
                rolled,
                sets=[list(ITEM_KEYS), list(REGION_KEYS)],
                sums=["received", *OUTCOME_SUMS],
            )
            return (
                [r for r in found if r["region_id"] is None],
                [r for r in found if r["region_id"] is not None],
            )
        by_item = rolled_groups(
            SubCaseDaily,
            scope,
            filters,
            rolled,
            keys=list(ITEM_KEYS),
            sums={"received": Sum("received"), **OUTCOME_SUMS},
        )
        by_region = rolled_groups(
            SubCaseDaily, scope, filters, rolled, keys=list(REGION_KEYS), sums=OUTCOME_SUMS
        )
        return by_item, by_region

    def live_read(
        keys: Mapping[str, str], *, received: bool, outcomes: bool = True
    ) -> list[Mapping[str, Any]]:
        if live is None:
            return []
        return list(
            _subcases_live(scope, filters, keys, received=received, outcomes=outcomes)(live)
        )

    (by_item, by_region), outcomes, received = together(
        rolled_read,
        lambda: live_read({**ITEM_KEYS, **REGION_KEYS}, received=False),
        lambda: live_read(ITEM_KEYS, received=True, outcomes=False),
    )
    if live_outcomes is not None:
        live_outcomes.extend(outcomes)
    by_item.extend([*outcomes, *received])
    by_region.extend(outcomes)
    return by_item, by_region


def region_breakdown(
    scope: Scope,
    filters: Filters,
    *,
    tree: RegionTree,
    applications: Iterable[Mapping[str, Any]],
    outcomes: Iterable[Mapping[str, Any]] | None = None,
) -> list[Row]:
    """One row for the focus region itself (本级) and one per region directly below it;
    ``applications``: the panel groups (`application_groups`); ``outcomes``: the sub-case
    outcomes by region when already read (`subcase_panels`)."""
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

    for a in _panel_counts(applications, "region_id"):
        if row := row_for(a["region_id"]):
            row.applications += a["n"]
            row.live += a["live"]
            row.online += a["online"]
    if outcomes is None:
        outcomes = subcase_outcomes(scope, filters, REGION_KEYS)
    for o in outcomes:
        if row := row_for(o["region_id"]):
            row.decided += o["decided"]
            row.on_time += o["on_time"]
            row.overdue_open += o["overdue_open"]
    return [rows[key] for key in keys]


def channel_breakdown(applications: Iterable[Mapping[str, Any]]) -> list[Row]:
    """``applications``: the panel groups (`application_groups`)."""
    rows = {c.value: Row(label=str(c.label)) for c in Channel}
    for a in _panel_counts(applications, "channel"):
        row = rows.setdefault(a["channel"], Row(label=a["channel"]))
        row.applications += a["n"]
        row.live += a["live"]
        row.online += a["online"]
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


@dataclass(frozen=True)
class Today:
    """The overview's raw rows of the rest of its period (``part``), already read: its
    applications' rows (`application_groups`) and its sub-cases' outcomes (`subcase_panels`)."""

    part: Period
    applications: list[Mapping[str, Any]]
    outcomes: list[Mapping[str, Any]]

    def answers(self, part: Period) -> bool:
        """Whether these rows are the trend's for ``part``: the same first day, within one
        month, and nothing after ``self.part`` (it reaches today, and nothing is submitted or
        decided later than now)."""
        return (
            part.start == self.part.start
            and (part.start.year, part.start.month) == (part.end.year, part.end.month)
            and (part.end == self.part.end or self.part.end >= timezone.localdate())
        )


def month_breakdown(scope: Scope, filters: Filters, *, today: Today | None = None) -> list[Row]:
    """Applications by month submitted; sub-cases by month decided (or due, when overdue).

    The roll-ups answer by day (or whole month); the live part by month, through `_month_of`,
    or from ``today``'s rows when they are the same part's (two reads fewer).
    """
    window = trend_period(filters.period)
    months = _months(window)
    rows = [Row(label=f"{m.start:%Y年%m月}") for m in months]
    within = filters.within(window)

    def reused(part: Period) -> int | None:
        """The month of ``part`` when ``today`` answers for it."""
        if today is None or not today.answers(part):
            return None
        return (part.start.year - window.start.year) * 12 + part.start.month - window.start.month

    def month_index(found: Mapping[str, Any]) -> int:
        if "month" in found:
            return int(found["month"])
        day: dt.date = found["day"]
        return (day.year - window.start.year) * 12 + day.month - window.start.month

    def applications(part: Period) -> Iterable[Mapping[str, Any]]:
        if (month := reused(part)) is not None and today is not None:
            return [{"month": month, **c} for c in _panel_counts(today.applications, "channel")]
        return (
            applications_in(scope, within.within(part))
            .annotate(month=_month_of("submitted_at", months))
            .values("month")
            .annotate(**_application_counts())
            .order_by()
        )

    for a in rollup_groups(
        ApplicationDaily,
        scope,
        within,
        keys=["day"],
        sums=_APPLICATION_SUMS,
        live=applications,
    ):
        row = rows[month_index(a)]
        row.applications += a["n"]
        row.live += a["live"]
        row.online += a["online"]

    def outcomes(part: Period) -> Iterable[Mapping[str, Any]]:
        if (month := reused(part)) is not None and today is not None:
            return [{**o, "decided_month": month, "due_month": month} for o in today.outcomes]
        # One statement: decided by the month decided, overdue by the month due.
        decided = in_period("decided_at", part) & Q(due_at__isnull=False)
        running = Q(
            status__in=SubCase.RUNNING,
            due_at__gte=part.since,
            due_at__lt=min(part.until, timezone.now()),
        )
        return (
            subcases_in(scope, filters)
            .filter(decided | running)
            .annotate(
                decided_month=_month_of("decided_at", months), due_month=_month_of("due_at", months)
            )
            .values("decided_month", "due_month")
            .annotate(
                decided=Count("pk", filter=decided),
                on_time=Count("pk", filter=decided & Q(decided_at__lte=F("due_at"))),
                overdue_open=Count("pk", filter=running),
            )
            .order_by()
        )

    for o in rollup_groups(
        SubCaseDaily, scope, within, keys=["day"], sums=OUTCOME_SUMS, live=outcomes
    ):
        if "day" in o:  # a roll-up row: a day's or a whole month's figures
            decided_in = due_in = rows[month_index(o)]
        else:  # a live row: decided in one month, due in another
            decided_in = rows[o["decided_month"]] if o["decided"] else Row(label="")
            due_in = rows[o["due_month"]] if o["overdue_open"] else Row(label="")
        decided_in.decided += o.get("decided") or 0
        decided_in.on_time += o.get("on_time") or 0
        due_in.overdue_open += o.get("overdue_open") or 0
    return rows
