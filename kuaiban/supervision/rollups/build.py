"""Writing the roll-ups of a run of days, and of one whole month from its days.

A run of days is rolled up set-based: per roll-up one ``WITH … INSERT … SELECT … GROUP BY``
over the raw rows of the whole run (the measures the pages use live — `application_measures`,
`material_measures`, `rating_measures` — grouped per application or rating, then added up by
day and dimensions in SQL), so a figure read from the roll-ups equals the one computed from
the raw rows and a year costs a few statements, not a few per day. Processing time needs the
holiday calendar: its histogram is one streamed read counted in Python and one bulk write.
The run's day rows are replaced whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Field, Model, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from kuaiban.applications.models import Application, ApplicationMaterial, ApplicationStatus
from kuaiban.calendar.arithmetic import SHANGHAI
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.regions import RegionTree
from kuaiban.ratings.models import Rating
from kuaiban.supervision.filters import Period
from kuaiban.supervision.models import (
    ApplicationDaily,
    InstantDaily,
    InstantProvinceMonth,
    ProcessingDaily,
    ProcessingProvinceMonth,
    RatingDaily,
    ReportDaily,
    SubCaseDaily,
)
from kuaiban.supervision.selectors.base import in_period
from kuaiban.supervision.selectors.figures import (
    application_measures,
    material_measures,
    rating_measures,
)
from kuaiban.supervision.selectors.processing import processing_groups
from kuaiban.supervision.selectors.timing import instant_groups, report_groups, report_steps
from kuaiban.supervision.synthetic.inserts import fast_insert

Rollup = (
    ApplicationDaily | SubCaseDaily | RatingDaily | ProcessingDaily | InstantDaily | ReportDaily
)
ROLLUPS: tuple[type[Rollup], ...] = (
    ApplicationDaily,
    SubCaseDaily,
    RatingDaily,
    ProcessingDaily,
    InstantDaily,
    ReportDaily,
)
# The sub-case's path to each dimension of `ProcessingDaily` (its column order).
_PROCESSING_KEYS = {
    "region_id": "region_id",
    "pack_id": "pack_id",
    "bundle_id": "bundle_id",
    "item_id": "item_id",
    "agency_id": "agency_id",
}


def dimensions(model: type[Model]) -> list[str]:
    """The roll-up's grouping columns (their attribute and column names), after the day."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in ("id", "day", "whole_month") and not _is_measure(f)
    ]


def measures(model: type[Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if _is_measure(f)]


def _is_measure(field: Field[Any, Any]) -> bool:
    return field.get_internal_type() == "BigIntegerField"


def _sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _day(path: str) -> TruncDate:
    """The Beijing-time date of a moment, in SQL."""
    return TruncDate(path, tzinfo=SHANGHAI)


def _insert(
    cursor: Any,
    model: type[Model],
    ctes: Sequence[tuple[str, tuple[str, list[Any]]]],
    select: str,
    params: Sequence[Any],
    columns: Sequence[str],
) -> int:
    """``WITH <ctes> INSERT INTO <model> (day, whole_month, *columns) <select>``."""
    quote = connection.ops.quote_name
    with_sql = ", ".join(f"{name} AS ({sql})" for name, (sql, _) in ctes)
    all_params = [p for _, (_, ps) in ctes for p in ps] + list(params)
    names = ", ".join(quote(c) for c in ("day", "whole_month", *columns))
    cursor.execute(
        f"WITH {with_sql} INSERT INTO {quote(model._meta.db_table)} ({names}) {select}",
        all_params,
    )
    return int(cursor.rowcount or 0)


def _nulls_first(column: str) -> str:
    """A sort key putting a fan-out column's "any" rows (NULL) first.

    The roll-ups are written in the order they are read: by day, then the rows of "any item"
    (and "any agency") together, which are what a page reads unless an item or agency is
    chosen. Written in hash order, a month's 2,000 such rows of the application roll-up lay
    on 12,800 pages among its item and agency rows (a 12-month trend read them all, 97 ms at
    2 M sub-cases); together they fill a few dozen."""
    return f"{column} IS NOT NULL, {column}"


def _sum_list(names: Iterable[str], prefix: str) -> str:
    return ", ".join(f"COALESCE(SUM({prefix}{n}), 0)" for n in names)


def _application_rows(cursor: Any, period: Period) -> int:
    """Each application's measures (grouped per application, with the live measures'
    expressions), fanned out to its keys — any item and agency, each distinct item, agency
    and (item, agency) of its sub-cases — and added up per day and dimensions."""
    applications = Application.objects.filter(in_period("submitted_at", period))
    per_application = (
        applications.values(
            a_id=F("pk"),
            a_day=_day("submitted_at"),
            a_region=F("region_id"),
            a_pack=F("pack_id"),
            a_bundle=F("bundle_id"),
            a_channel=F("channel"),
        )
        .annotate(**application_measures())
        .order_by()
    )
    materials = (
        ApplicationMaterial.objects.filter(
            application__in=applications.exclude(status=ApplicationStatus.WITHDRAWN).values("pk")
        )
        .values(m_id=F("application_id"))
        .annotate(**material_measures())
        .order_by()
    )
    subcases = SubCase.objects.filter(in_period("application__submitted_at", period)).values(
        s_id=F("application_id"), s_item=F("item_id"), s_agency=F("agency_id")
    )
    keys = (
        "SELECT a_id AS k_id, CAST(NULL AS bigint) AS k_item, CAST(NULL AS bigint) AS k_agency"
        " FROM a UNION SELECT s_id, s_item, CAST(NULL AS bigint) FROM s"
        " UNION SELECT s_id, CAST(NULL AS bigint), s_agency FROM s WHERE s_agency IS NOT NULL"
        " UNION SELECT s_id, s_item, s_agency FROM s WHERE s_agency IS NOT NULL"
    )
    names = list(application_measures())
    material_names = list(material_measures())
    select = (
        "SELECT a_day, %s, a_region, a_pack, a_bundle, a_channel, k_item, k_agency, "
        f"{_sum_list(names, 'a.')}, {_sum_list(material_names, 'm.')} "
        "FROM a JOIN k ON k_id = a_id LEFT JOIN m ON m_id = a_id "
        "GROUP BY a_day, a_region, a_pack, a_bundle, a_channel, k_item, k_agency "
        f"ORDER BY a_day, {_nulls_first('k_item')}, {_nulls_first('k_agency')}"
    )
    columns = [
        "region_id",
        "pack_id",
        "bundle_id",
        "channel",
        "item_id",
        "agency_id",
        *names,
        *material_names,
    ]
    ctes = [
        ("a", _sql(per_application)),
        ("m", _sql(materials)),
        ("s", _sql(subcases)),
        ("k", (keys, [])),
    ]
    return _insert(cursor, ApplicationDaily, ctes, select, [False], columns)


_SUBCASE_KEYS = {
    "s_region": F("region_id"),
    "s_pack": F("pack_id"),
    "s_bundle": F("bundle_id"),
    "s_item": F("item_id"),
    "s_agency": F("agency_id"),
}


def _subcase_rows(cursor: Any, period: Period) -> int:
    """Received by the application's day, decided by the decision's day, running past a
    deadline by the deadline's day: three grouped reads added up."""
    received = (
        SubCase.objects.filter(in_period("application__submitted_at", period))
        .values(s_day=_day("application__submitted_at"), **_SUBCASE_KEYS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    decided = (
        SubCase.objects.filter(in_period("decided_at", period), due_at__isnull=False)
        .values(s_day=_day("decided_at"), **_SUBCASE_KEYS)
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("due_at"))))
        .order_by()
    )
    until = min(period.until, timezone.now())
    running = (
        SubCase.objects.filter(
            status__in=SubCase.RUNNING, due_at__gte=period.since, due_at__lt=until
        )
        .annotate(due_day=_day("due_at"), decided_day=_day("decided_at"))
        .filter(Q(decided_at__isnull=True) | ~Q(decided_day=F("due_day")))
        .values(s_day=F("due_day"), **_SUBCASE_KEYS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    keys = "s_day, s_region, s_pack, s_bundle, s_item, s_agency"
    parts = (
        f"SELECT {keys}, n AS received, 0 AS decided, 0 AS on_time, 0 AS overdue_open FROM r "
        f"UNION ALL SELECT {keys}, 0, n, on_time, 0 FROM d "
        f"UNION ALL SELECT {keys}, 0, 0, 0, n FROM o"
    )
    names = ["received", "decided", "on_time", "overdue_open"]
    select = (
        f"SELECT s_day, %s, s_region, s_pack, s_bundle, s_item, s_agency, {_sum_list(names, '')} "
        f"FROM u GROUP BY {keys} ORDER BY s_day"
    )
    ctes = [("r", _sql(received)), ("d", _sql(decided)), ("o", _sql(running)), ("u", (parts, []))]
    columns = ["region_id", "pack_id", "bundle_id", "item_id", "agency_id", *names]
    return _insert(cursor, SubCaseDaily, ctes, select, [False], columns)


def _rating_rows(cursor: Any, period: Period) -> int:
    """Each rating's measures, fanned out to any item and each distinct item of the
    application it belongs to (its own, or that of the window visit)."""
    per_rating = (
        Rating.objects.filter(in_period("rated_at", period))
        .values(
            r_id=F("pk"),
            r_day=_day("rated_at"),
            r_region=F("region_id"),
            r_agency=F("agency_id"),
            r_pack=Coalesce("application__pack_id", "visit__application__pack_id"),
            r_bundle=Coalesce("application__bundle_id", "visit__application__bundle_id"),
            r_application=Coalesce("application_id", "visit__application_id"),
        )
        .annotate(**rating_measures())
        .order_by()
    )
    keys = (
        "SELECT r_id AS k_id, CAST(NULL AS bigint) AS k_item FROM r "
        f"UNION SELECT r_id, s.{connection.ops.quote_name('item_id')} FROM r "
        f"JOIN {connection.ops.quote_name(SubCase._meta.db_table)} s "
        f"ON s.{connection.ops.quote_name('application_id')} = r_application"
    )
    names = list(rating_measures())
    select = (
        f"SELECT r_day, %s, r_region, r_agency, r_pack, r_bundle, k_item, {_sum_list(names, 'r.')} "
        "FROM r JOIN k ON k_id = r_id GROUP BY r_day, r_region, r_agency, r_pack, r_bundle, k_item "
        f"ORDER BY r_day, {_nulls_first('k_item')}"
    )
    ctes = [("r", _sql(per_rating)), ("k", (keys, []))]
    columns = ["region_id", "agency_id", "pack_id", "bundle_id", "item_id", *names]
    return _insert(cursor, RatingDaily, ctes, select, [False], columns)


def _processing_rows(period: Period) -> int:
    """The processing-time histogram of the sub-cases decided in the period, per day: one
    streamed read (working days need the calendar, counted in Python), then one bulk write."""
    groups, _ = processing_groups(SubCase.objects.all(), period, _PROCESSING_KEYS, by_day=True)
    rows = [
        ProcessingDaily(
            day=g["day"],
            whole_month=False,
            **{name: g[name] for name in _PROCESSING_KEYS},
            tenths=g["tenths"],
            decided=g["decided"],
            days_sum=g["days_sum"],
        )
        for g in sorted(groups, key=lambda g: g["day"])
    ]
    fast_insert(ProcessingDaily, rows)
    return len(rows)


def _timing_rows(period: Period) -> int:
    """The 即办 and 报告单 histograms of the period, per day: streamed reads counted in Python
    (office minutes need the calendar), then bulk writes."""
    instant = instant_groups(SubCase.objects.all(), period, _PROCESSING_KEYS, by_day=True)
    keys = list(_PROCESSING_KEYS)
    rows: list[Model] = [
        InstantDaily(
            **dict(zip(keys, key[:-2], strict=True)),
            day=key[-2],
            whole_month=False,
            minutes=key[-1],
            decided=n,
        )
        for key, n in sorted(instant.items(), key=lambda found: found[0][-2])
    ]
    fast_insert(InstantDaily, rows)
    reports: list[Model] = [
        ReportDaily(
            region_id=region,
            agency_id=agency,
            pack_id=pack,
            bundle_id=bundle,
            item_id=item,
            day=day,
            whole_month=False,
            days=days,
            reports=n,
        )
        for (region, agency, pack, bundle, item, day, days), n in sorted(
            report_groups(report_steps(period), by_day=True).items(), key=lambda found: found[0][5]
        )
    ]
    fast_insert(ReportDaily, reports)
    return len(rows) + len(reports)


def period_rollup(first: dt.date, last: dt.date) -> int:
    """Replace the day rows of ``first``…``last`` by set-based reads over the raw rows (one
    grouped ``INSERT … SELECT`` per roll-up, whatever the number of days); the rows written."""
    period = Period(first, last)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Derived rows, rebuilt at will: no wait for the disk at the commit (a crash
            # loses the last commits in order, never one before another).
            cursor.execute("SET LOCAL synchronous_commit = off")
        for model in ROLLUPS:
            model.objects.filter(whole_month=False, day__gte=first, day__lte=last).delete()
        written += _application_rows(cursor, period)
        written += _subcase_rows(cursor, period)
        written += _rating_rows(cursor, period)
        written += _processing_rows(period)
        written += _timing_rows(period)
    return written


def month_rollup(first: dt.date) -> None:
    """Replace the month's rows by the sums of its day rows (one INSERT … SELECT each), and
    its processing times per province."""
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in ROLLUPS:
            model.objects.filter(whole_month=True, day=first).delete()
            columns = dimensions(model)  # attname = column here
            dims = [quote(d) for d in columns]
            names = [quote(n) for n in measures(model)]
            fanned = [_nulls_first(quote(d)) for d in ("item_id", "agency_id") if d in columns]
            day, whole = quote("day"), quote("whole_month")
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} "
                f"({day}, {whole}, {', '.join(dims)}, {', '.join(names)}) "
                f"SELECT %s, %s, {', '.join(dims)}, {', '.join(f'SUM({n})' for n in names)} "
                f"FROM {quote(model._meta.db_table)} "
                f"WHERE {whole} = %s AND {day} >= %s AND {day} < %s "
                f"GROUP BY {', '.join(dims)}"
                + (f" ORDER BY {', '.join(fanned)}" if fanned else ""),
                [first, True, False, first, following],
            )
        tree = RegionTree.load()
        province_month_rollup(cursor, first, tree=tree)
        instant_province_month_rollup(cursor, first, tree=tree)


def province_month_rollup(cursor: Any, first: dt.date, *, tree: RegionTree) -> int:
    """Replace the month's `ProcessingProvinceMonth` rows by its `ProcessingDaily` month rows
    added up per province (the top of each region's tree), pack, item and tenth; the rows
    written. Also used by the migration that made the table (``tree`` of its regions)."""
    return _province_rows(
        cursor,
        ProcessingDaily,
        ProcessingProvinceMonth,
        first,
        tree=tree,
        keys=["pack_id", "item_id", "tenths"],
        sums=["decided", "days_sum"],
    )


def instant_province_month_rollup(cursor: Any, first: dt.date, *, tree: RegionTree) -> int:
    """Replace the month's `InstantProvinceMonth` rows by its `InstantDaily` month rows added
    up per province, pack, item and minutes; the rows written (also the migration's)."""
    return _province_rows(
        cursor,
        InstantDaily,
        InstantProvinceMonth,
        first,
        tree=tree,
        keys=["pack_id", "item_id", "minutes"],
        sums=["decided"],
    )


def _province_rows(
    cursor: Any,
    days_model: type[Model],
    months_model: type[Model],
    first: dt.date,
    *,
    tree: RegionTree,
    keys: Sequence[str],
    sums: Sequence[str],
) -> int:
    """``months_model``'s rows of the month: ``days_model``'s month rows added up per
    province (the region → province pairs as a VALUES list: column1, column2 on both
    databases) and ``keys``."""
    quote = connection.ops.quote_name
    table = quote(months_model._meta.db_table)
    cursor.execute(f"DELETE FROM {table} WHERE {quote('month')} = %s", [first])
    tops = [(region, tree.top(region)) for region in tree.nodes]
    if not tops:
        return 0
    pairs = ", ".join(["(%s, %s)"] * len(tops))
    group = ", ".join(f"p.{k}" for k in keys)
    cursor.execute(
        f"INSERT INTO {table} ({quote('month')}, region_id, {', '.join(keys)}, "
        f"{', '.join(sums)}) "
        f"SELECT %s, top.column2, {group}, {', '.join(f'SUM(p.{s})' for s in sums)} "
        f"FROM {quote(days_model._meta.db_table)} p "
        f"JOIN (VALUES {pairs}) AS top ON top.column1 = p.region_id "
        "WHERE p.whole_month = %s AND p.day = %s "
        f"GROUP BY top.column2, {group} ORDER BY top.column2, {group}",
        [first, *(v for pair in tops for v in pair), True, first],
    )
    return int(cursor.rowcount or 0)
