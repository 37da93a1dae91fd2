"""Writing the roll-ups of one day, and of one whole month from its days.

A day is rolled up from the raw rows with the very measures the pages use live
(`application_measures`, `material_measures`, `rating_measures`, `outcome_counts`), grouped
per application or rating and added up here by dimensions, so a figure read from the
roll-ups equals the one computed from the raw rows. A day's rows are replaced whole.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Field, Model

from kuaiban.applications.models import Application, ApplicationMaterial, ApplicationStatus
from kuaiban.cases.models import SubCase
from kuaiban.ratings.models import Rating
from kuaiban.supervision.filters import Period
from kuaiban.supervision.models import (
    ApplicationDaily,
    ProcessingDaily,
    RatingDaily,
    SubCaseDaily,
)
from kuaiban.supervision.selectors.base import in_period, outcome_counts, outcome_filter
from kuaiban.supervision.selectors.figures import (
    application_measures,
    material_measures,
    rating_measures,
)
from kuaiban.supervision.selectors.processing import processing_groups
from kuaiban.supervision.synthetic.inserts import fast_insert

ROLLUPS: tuple[type[ApplicationDaily | SubCaseDaily | RatingDaily | ProcessingDaily], ...] = (
    ApplicationDaily,
    SubCaseDaily,
    RatingDaily,
    ProcessingDaily,
)
# The sub-case's path to each dimension of `ProcessingDaily` (its column order).
_PROCESSING_KEYS = {
    "region_id": "application__region_id",
    "pack_id": "application__pack_id",
    "bundle_id": "application__bundle_id",
    "item_id": "item_id",
    "agency_id": "agency_id",
}
_CHUNK = 500

Key = tuple[Any, ...]
Sums = dict[Key, dict[str, int]]


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


def _add(sums: Sums, key: Key, values: Mapping[str, Any], names: Iterable[str]) -> None:
    target = sums[key]
    for name in names:
        target[name] = target.get(name, 0) + (values.get(name) or 0)


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _items_of(application_ids: Sequence[int]) -> dict[int, list[tuple[int, int | None]]]:
    """(item, agency) of every sub-case of these applications."""
    found: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for chunk in _chunks(application_ids):
        for application_id, item_id, agency_id in SubCase.objects.filter(
            application_id__in=chunk
        ).values_list("application_id", "item_id", "agency_id"):
            found[application_id].append((item_id, agency_id))
    return found


def _application_sums(period: Period) -> tuple[Sums, Sums]:
    """(application roll-up, sub-cases received) of the applications submitted that day."""
    applications = Application.objects.filter(in_period("submitted_at", period))
    names = list(application_measures())
    per_application = list(
        applications.values("pk", "region_id", "pack_id", "bundle_id", "channel")
        .annotate(**application_measures())
        .order_by()
    )
    materials = {
        m["application_id"]: m
        for m in ApplicationMaterial.objects.filter(
            application__in=applications.exclude(status=ApplicationStatus.WITHDRAWN).values("pk")
        )
        .values("application_id")
        .annotate(**material_measures())
        .order_by()
    }
    material_names = list(material_measures())
    subcases: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for application_id, item_id, agency_id in SubCase.objects.filter(
        in_period("application__submitted_at", period)
    ).values_list("application_id", "item_id", "agency_id"):
        subcases[application_id].append((item_id, agency_id))
    rolled: Sums = defaultdict(dict)
    received: Sums = defaultdict(dict)
    for a in per_application:
        where = (a["region_id"], a["pack_id"], a["bundle_id"], a["channel"])
        pairs = subcases.get(a["pk"], [])
        keys: set[tuple[int | None, int | None]] = {(None, None)}
        keys |= {(item, None) for item, _ in pairs}
        keys |= {(None, agency) for _, agency in pairs if agency is not None}
        keys |= {(item, agency) for item, agency in pairs if agency is not None}
        for item, agency in keys:
            key: Key = (*where, item, agency)
            _add(rolled, key, a, names)
            _add(rolled, key, materials.get(a["pk"], {}), material_names)
        for item, agency in pairs:
            key = (a["region_id"], a["pack_id"], a["bundle_id"], item, agency)
            _add(received, key, {"received": 1}, ["received"])
    return rolled, received


def _outcome_sums(period: Period, sums: Sums) -> None:
    """Decided that day, and running past a deadline that fell that day."""
    decided, running = outcome_filter(period)
    rows = (
        SubCase.objects.filter(due_at__isnull=False)
        .filter(decided | running)
        .values(
            "item_id",
            "agency_id",
            region_id=F("application__region_id"),
            pack_id=F("application__pack_id"),
            bundle_id=F("application__bundle_id"),
        )
        .annotate(**outcome_counts(decided, running))
        .order_by()
    )
    for o in rows:
        key = (o["region_id"], o["pack_id"], o["bundle_id"], o["item_id"], o["agency_id"])
        _add(sums, key, o, ("decided", "on_time", "overdue_open"))


def _rating_sums(period: Period) -> Sums:
    names = list(rating_measures())
    per_rating = list(
        Rating.objects.filter(in_period("rated_at", period))
        .values(
            "pk",
            "region_id",
            "agency_id",
            "application_id",
            "application__pack_id",
            "application__bundle_id",
            "visit__application_id",
            "visit__application__pack_id",
            "visit__application__bundle_id",
        )
        .annotate(**rating_measures())
        .order_by()
    )
    # The application a rating belongs to: its own, or that of the window visit.
    application_of = {
        r["pk"]: r["application_id"] or r["visit__application_id"] for r in per_rating
    }
    items = _items_of(sorted({a for a in application_of.values() if a is not None}))
    sums: Sums = defaultdict(dict)
    for r in per_rating:
        own = r["application_id"] is not None
        pack = r["application__pack_id"] if own else r["visit__application__pack_id"]
        bundle = r["application__bundle_id"] if own else r["visit__application__bundle_id"]
        application = application_of[r["pk"]]
        of_items = {item for item, _ in items.get(application, [])} if application else set()
        for item in {None, *of_items}:
            _add(sums, (r["region_id"], r["agency_id"], pack, bundle, item), r, names)
    return sums


def _processing_sums(period: Period) -> Sums:
    """The processing-time histogram of the sub-cases decided that day."""
    groups, _ = processing_groups(SubCase.objects.all(), period, _PROCESSING_KEYS)
    sums: Sums = {}
    for g in groups:
        key = (*(g[name] for name in _PROCESSING_KEYS), g["tenths"])
        sums[key] = {"decided": g["decided"], "days_sum": g["days_sum"]}
    return sums


def _rows(model: type[Model], day: dt.date, sums: Sums) -> list[Model]:
    columns = dimensions(model)
    names = measures(model)
    return [
        model(
            day=day,
            whole_month=False,
            **dict(zip(columns, key, strict=True)),
            **{n: values.get(n, 0) for n in names},
        )
        for key, values in sums.items()
    ]


def day_rollup(day: dt.date) -> int:
    """Replace the day's roll-up rows; the number of rows written."""
    period = Period(day, day)
    applications, subcases = _application_sums(period)
    _outcome_sums(period, subcases)
    ratings = _rating_sums(period)
    processing = _processing_sums(period)
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Derived rows, rebuilt at will: no wait for the disk at each day's commit (a
            # crash loses the last commits in order, never one before another).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        for model in ROLLUPS:
            model.objects.filter(whole_month=False, day=day).delete()
        for model, sums in (
            (ApplicationDaily, applications),
            (SubCaseDaily, subcases),
            (RatingDaily, ratings),
            (ProcessingDaily, processing),
        ):
            rows = _rows(model, day, sums)
            fast_insert(model, rows)
            written += len(rows)
    return written


def month_rollup(first: dt.date) -> None:
    """Replace the month's rows by the sums of its day rows (one INSERT … SELECT each)."""
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in ROLLUPS:
            model.objects.filter(whole_month=True, day=first).delete()
            dims = [quote(d) for d in dimensions(model)]  # attname = column here
            names = [quote(n) for n in measures(model)]
            day, whole = quote("day"), quote("whole_month")
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} "
                f"({day}, {whole}, {', '.join(dims)}, {', '.join(names)}) "
                f"SELECT %s, %s, {', '.join(dims)}, {', '.join(f'SUM({n})' for n in names)} "
                f"FROM {quote(model._meta.db_table)} "
                f"WHERE {whole} = %s AND {day} >= %s AND {day} < %s "
                f"GROUP BY {', '.join(dims)}",
                [first, True, False, first, following],
            )
