"""Reading the roll-ups: which part of a period they answer, and their rows under a scope and
filters.

A period splits into the whole days the roll-ups hold (read from `ApplicationDaily`,
`SubCaseDaily`, `RatingDaily`: whole months from the month rows, the other days from the day
rows) and the rest — today, and any day not rolled up yet — read live from the raw rows by the
same selectors as before. Each figure adds the two parts.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model, Q, QuerySet, Sum
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce

from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import (
    ApplicationDaily,
    InstantDaily,
    ProcessingDaily,
    ProcessingProvinceMonth,
    RatingDaily,
    ReportDaily,
    SubCaseDaily,
)
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.together import together

M = TypeVar("M", bound=Model)
R = TypeVar("R")


@dataclass(frozen=True)
class Parts:
    rolled: Period | None  # whole days read from the roll-ups
    live: Period | None  # the rest, read from the raw rows


def period_parts(period: Period, covered: tuple[dt.date, dt.date] | None) -> Parts:
    """``covered`` = (first day, first day not) held by the roll-ups. The roll-ups answer the
    period's first days when they hold its first day; everything after is read live."""
    if covered is None or not covered[0] <= period.start < covered[1]:
        return Parts(rolled=None, live=period)
    last = min(period.end, covered[1] - dt.timedelta(days=1))
    live = Period(last + dt.timedelta(days=1), period.end) if last < period.end else None
    return Parts(rolled=Period(period.start, last), live=live)


def parts_read(
    filters: Filters, *, rolled: Callable[[Period], R], live: Callable[[Period], R]
) -> list[R]:
    """The period's parts (`period_parts`), each read by its own function — the roll-ups'
    by ``rolled``, the rest by ``live`` — side by side (`together`); a part the period has not
    is not read."""
    parts = period_parts(filters.period, filters.covered)
    reads = [
        functools.partial(read, part)
        for part, read in ((parts.rolled, rolled), (parts.live, live))
        if part is not None
    ]
    return together(*reads)


def months_within(period: Period) -> list[dt.date]:
    """The first days of the months lying wholly inside the period."""
    firsts = []
    day = period.start if period.start.day == 1 else _next_month(period.start)
    while _next_month(day) - dt.timedelta(days=1) <= period.end:
        firsts.append(day)
        day = _next_month(day)
    return firsts


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def day_condition(period: Period) -> Q:
    """The month rows of the whole months inside the period, the day rows of the other days."""
    firsts = months_within(period)
    if not firsts:
        return Q(whole_month=False, day__gte=period.start, day__lte=period.end)
    condition = Q(whole_month=True, day__in=firsts)
    before, after = firsts[0], _next_month(firsts[-1])
    if period.start < before:
        condition |= Q(whole_month=False, day__gte=period.start, day__lt=before)
    if after <= period.end:
        condition |= Q(whole_month=False, day__gte=after, day__lte=period.end)
    return condition


def whole_provinces(scope: Scope, filters: Filters, tree: RegionTree) -> frozenset[int] | None:
    """The provinces (tops of the region tree) whose whole trees make up the regions of the
    scope and filters, when no bundle or agency is chosen either — what
    `ProcessingProvinceMonth` answers; an empty set when it cannot (part of a province, a
    bundle or an agency), None for every region."""
    if (
        filters.bundle_id is not None
        or scope.agency_id is not None
        or filters.agency_id is not None
    ):
        return frozenset()
    regions = scope.region_ids
    if filters.region_ids is not None:
        regions = filters.region_ids if regions is None else regions & filters.region_ids
    if regions is None:
        return None
    tops = frozenset(tree.top(region) for region in regions if region in tree.nodes)
    whole = frozenset().union(*(tree.below(top) for top in tops)) if tops else frozenset()
    return tops if whole == regions else frozenset()


def processing_rolled(
    scope: Scope, filters: Filters, period: Period, *, tree: RegionTree
) -> list[dict[str, Any]]:
    """The processing-time histogram of ``period`` (whole rolled-up days) grouped by pack,
    item and tenth (`province_rolled` over `ProcessingDaily` and `ProcessingProvinceMonth`)."""
    return province_rolled(
        ProcessingDaily,
        ProcessingProvinceMonth,
        scope,
        filters,
        period,
        tree=tree,
        keys=["pack_id", "item_id", "tenths"],
        sums=["decided", "days_sum"],
    )


def province_rolled(
    days_model: type[Model],
    months_model: type[Model],
    scope: Scope,
    filters: Filters,
    period: Period,
    *,
    tree: RegionTree,
    keys: Sequence[str],
    sums: Sequence[str],
) -> list[dict[str, Any]]:
    """The ``sums`` of a histogram roll-up (``days_model``) over ``period`` (whole rolled-up
    days) grouped by ``keys``: the whole months from its per-province month rows
    (``months_model``) when the regions are whole provinces and no bundle or agency is
    chosen, everything else from the day and month rows. A first month mostly inside the
    period is read whole, less its days before the period (a year from today's date: one
    month row and a few days, where its 28 day rows were the largest part of the read)."""
    provinces = whole_provinces(scope, filters, tree)
    firsts = months_within(period)
    before = _month_before(period, filters.covered)
    if before is not None:
        firsts = [before.start, *firsts]
    parts: list[tuple[QuerySet[Any], int]] = []
    if provinces == frozenset() or not firsts:
        parts.append((rollup_rows(days_model, scope, filters, period), 1))
    else:
        months = months_model._default_manager.filter(month__in=firsts)
        if provinces is not None:
            months = months.filter(region_id__in=provinces)
        if filters.pack_id is not None:
            months = months.filter(pack_id=filters.pack_id)
        if filters.item_id is not None:
            months = months.filter(item_id=filters.item_id)
        parts.append((months, 1))
        day = dt.timedelta(days=1)
        after = _next_month(firsts[-1])
        # The period's days outside those months, from the day rows; the days taken off, less.
        for days, sign in (
            (Period(period.start, firsts[0] - day), 1),
            (Period(after, period.end), 1),
            (Period(before.start, period.start - day) if before else None, -1),
        ):
            if days is not None and days.start <= days.end:
                parts.append((rollup_rows(days_model, scope, filters, days), sign))
    # One statement: the parts added up by the database, signed.
    columns = ", ".join(keys)
    texts, params = [], []
    for n, (rows, sign) in enumerate(parts):
        grouped = rows.values(*keys).annotate(**{s: Sum(s) for s in sums}).order_by()
        sql, values = grouped.query.sql_with_params()
        signed = ", ".join(f"{sign} * {s} AS {s}" for s in sums)
        texts.append(f"SELECT {columns}, {signed} FROM ({sql}) part{n}")
        params.extend(values)
    with connections[parts[0][0].db].cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, {', '.join(f'SUM({s})' for s in sums)} "
            f"FROM ({' UNION ALL '.join(texts)}) parts "
            f"GROUP BY {columns} HAVING SUM({sums[0]}) <> 0",
            params,
        )
        width = len(keys)
        return [
            {
                **dict(zip(keys, row[:width], strict=True)),
                **{s: int(v) for s, v in zip(sums, row[width:], strict=True)},
            }
            for row in cursor.fetchall()
        ]


def _month_before(period: Period, covered: tuple[dt.date, dt.date] | None) -> Period | None:
    """The days before the period of its first month, when that month is rolled up whole,
    ends inside the period and has more of its days inside the period than before it."""
    first = period.start.replace(day=1)
    following = _next_month(first)
    if period.start == first or covered is None or following - dt.timedelta(days=1) > period.end:
        return None
    if not (covered[0] <= first and following <= covered[1]):
        return None
    if (following - period.start).days <= (period.start - first).days:
        return None
    return Period(first, period.start - dt.timedelta(days=1))


def rollup_rows(model: type[M], scope: Scope, filters: Filters, period: Period) -> QuerySet[M]:
    """The roll-up rows of ``period`` (whole rolled-up days) under the scope and filters —
    the same WHERE clauses as `selectors/base.py`, on the roll-up's own columns."""
    rows: QuerySet[M] = model._default_manager.filter(day_condition(period))
    for region_ids in (scope.region_ids, filters.region_ids):
        if region_ids is not None:
            rows = rows.filter(region_id__in=region_ids)
    if filters.pack_id is not None:
        rows = rows.filter(pack_id=filters.pack_id)
    if filters.bundle_id is not None:
        rows = rows.filter(bundle_id=filters.bundle_id)
    agencies = {a for a in (scope.agency_id, filters.agency_id) if a is not None}
    if model in (SubCaseDaily, ProcessingDaily, InstantDaily):
        if filters.item_id is not None:
            rows = rows.filter(item_id=filters.item_id)
        for agency in agencies:
            rows = rows.filter(agency_id=agency)
        return rows
    # Applications and ratings: the rows of “any item” or of the chosen item.
    rows = rows.filter(item_id=filters.item_id) if filters.item_id else rows.filter(item=None)
    if model in (RatingDaily, ReportDaily):
        for agency in agencies:
            rows = rows.filter(agency_id=agency)
        return rows
    assert model is ApplicationDaily
    if len(agencies) > 1:
        return rows.none()  # one sub-case cannot be at two agencies
    if agencies:
        return rows.filter(agency_id=agencies.pop())
    return rows.filter(agency=None)


def sums_of(measures: Mapping[str, Func]) -> dict[str, Coalesce]:
    """The sum of each measure's column over roll-up rows."""
    return {name: Coalesce(Sum(name), 0) for name in measures}


def rollup_total(
    model: type[Model],
    scope: Scope,
    filters: Filters,
    *,
    measures: Mapping[str, Func],
    live: Callable[[Period], QuerySet[Any]],
) -> dict[str, int]:
    """Each measure over the period: the roll-ups' part plus the live part (``live``: the raw
    rows of a part of the period, which the measures aggregate)."""
    total: Counter[str] = Counter(dict.fromkeys(measures, 0))
    for found in parts_read(
        filters,
        rolled=lambda part: rollup_rows(model, scope, filters, part).aggregate(**sums_of(measures)),
        live=lambda part: live(part).aggregate(**measures),
    ):
        total.update({k: v or 0 for k, v in found.items()})
    return dict(total)


def rollup_groups(
    model: type[Model],
    scope: Scope,
    filters: Filters,
    *,
    keys: Sequence[str],
    sums: Mapping[str, Any],
    live: Callable[[Period], Iterable[Mapping[str, Any]]],
) -> list[Mapping[str, Any]]:
    """Grouped rows of both parts, to be added up by the caller: the roll-ups' rows grouped
    by ``keys`` with ``sums``, then the live rows (which must use the same names)."""
    found = parts_read(
        filters,
        rolled=lambda part: rolled_groups(model, scope, filters, part, keys=keys, sums=sums),
        live=lambda part: list(live(part)),
    )
    return [row for rows in found for row in rows]


def rolled_groups(
    model: type[Model],
    scope: Scope,
    filters: Filters,
    period: Period,
    *,
    keys: Sequence[str],
    sums: Mapping[str, Any],
) -> list[Mapping[str, Any]]:
    """The roll-up rows of ``period`` (whole rolled-up days) grouped by ``keys``, with
    ``sums``."""
    rows = rollup_rows(model, scope, filters, period)
    return list(rows.values(*keys).annotate(**sums).order_by())


def rolled_sums(*names: str) -> dict[str, Sum]:
    return {name: Sum(name) for name in names}


def rollup_grouping_sets(
    model: type[Model],
    scope: Scope,
    filters: Filters,
    period: Period,
    *,
    sets: Sequence[Sequence[str]],
    sums: Sequence[str],
) -> list[dict[str, Any]]:
    """The sums of the columns ``sums`` over the roll-up rows of ``period`` (whole rolled-up
    days) under the scope and filters, grouped each way of ``sets`` in one statement
    (PostgreSQL's GROUPING SETS): in a row, the columns outside its grouping are None."""
    rows = rollup_rows(model, scope, filters, period)
    connection = connections[rows.db]
    where, params = rows.query.get_compiler(connection=connection).compile(rows.query.where)
    quote = connection.ops.quote_name
    columns = list(dict.fromkeys(c for grouping in sets for c in grouping))
    groupings = ", ".join(f"({', '.join(quote(c) for c in grouping)})" for grouping in sets)
    selected = [*(quote(c) for c in columns), *(f"SUM({quote(c)})" for c in sums)]
    sql = (
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
        f"WHERE {where} GROUP BY GROUPING SETS ({groupings})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    width = len(columns)
    return [
        {
            **dict(zip(columns, row[:width], strict=True)),
            **{name: int(value or 0) for name, value in zip(sums, row[width:], strict=True)},
        }
        for row in found
    ]


def grouping_sets_supported(model: type[Model]) -> bool:
    """Whether ``model``'s database groups several ways in one statement (PostgreSQL)."""
    return connections[router.db_for_read(model)].vendor == "postgresql"
