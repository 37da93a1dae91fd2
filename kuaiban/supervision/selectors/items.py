"""Time limits per item (提速办): volumes, on-time rate, working-day processing time, limits.

Counting is done by the database, grouped by (pack, item) — a number of rows bounded by the
catalogue, not by the data. Processing time in working days cannot be computed in portable SQL
(it needs the holiday calendar), so it is computed in Python over a bounded sample: for each
(pack, item), the latest `SAMPLE_PER_ITEM` sub-cases decided in the period (window-function
queries over the period's last days first, then further back for the items still short; only
the columns needed). When an item has more decided sub-cases than that, its figures
are estimates from the sample; the totals weight each item's sample by its decided count.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from kuaiban.bundles.models import Pack, SpeedUp
from kuaiban.bundles.selectors import ItemLimits, item_limits
from kuaiban.calendar.arithmetic import local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import calendar_load
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import ServiceItem
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import SubCaseDaily
from kuaiban.supervision.rollups.read import rollup_groups
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import in_period, subcases_in
from kuaiban.supervision.selectors.breakdowns import subcase_outcomes
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.workdays import WorkingClock, pauses_parse

SAMPLE_PER_ITEM = 50
# The sample is looked for in the period's last week, then back to these many days, then in
# the whole period (each step only for the items still short of a full sample).
SAMPLE_REACH_DAYS = (7, 35, 120)

Key = tuple[int, int]  # (pack id, item id)
# (pack, item, opened, decided, pauses) of one decided sub-case
Decided = tuple[int, int, dt.datetime, dt.datetime, Any]


@dataclass
class ItemRow:
    pack_id: int
    pack_name: str
    item_id: int
    item_code: str
    item_name: str
    limits: ItemLimits
    received: int = 0  # sub-cases of the applications submitted in the period
    decided: int = 0  # decided in the period
    on_time: int = 0  # decided in the period by their deadline
    overdue_open: int = 0  # still running, deadline in the period and passed
    sample: list[Decimal] = field(default_factory=list)  # working days, net of pauses

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.decided + self.overdue_open)

    @property
    def instant(self) -> bool:
        return self.limits.promised.is_instant

    @property
    def speedup(self) -> float | None:
        return self.limits.speedup_ratio

    @property
    def legal_days(self) -> float | None:
        return self.limits.legal.approx_working_days() if self.limits.legal else None

    @property
    def promised_days(self) -> float:
        return self.limits.promised.approx_working_days()

    @property
    def median(self) -> Decimal | None:
        return statistics.median(self.sample) if self.sample else None

    @property
    def mean(self) -> Decimal | None:
        if not self.sample:
            return None
        return (sum(self.sample, Decimal(0)) / len(self.sample)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Processing:
    median: Decimal | None
    mean: Decimal | None
    sampled: int
    decided: int
    legal_mean: float | None  # the legal limit of the same sub-cases, on average
    promised_mean: float | None
    promised_speedup: float | None  # 1 − Σ promised / Σ legal over decided sub-cases
    actual_speedup: float | None  # 1 − Σ processing / Σ legal
    # Per item in use with a legal limit: 1 − promised ÷ legal (compared with the pack's target).
    item_speedups: tuple[float, ...] = ()
    calendar_problem: str = ""

    def items_sped_up(self, ratio: int) -> Rate:
        """Items in use whose promise is at least ``ratio`` % faster than the legal limit."""
        met = sum(1 for r in self.item_speedups if r >= ratio / 100 - 1e-9)
        return Rate(met, len(self.item_speedups))


@dataclass(frozen=True)
class ItemStats:
    rows: list[ItemRow]
    processing: Processing

    @property
    def received(self) -> int:
        return sum(r.received for r in self.rows)

    @property
    def decided(self) -> int:
        return sum(r.decided for r in self.rows)

    @property
    def on_time(self) -> Rate:
        return Rate(
            sum(r.on_time for r in self.rows),
            sum(r.decided + r.overdue_open for r in self.rows),
        )

    @property
    def overdue_open(self) -> int:
        return sum(r.overdue_open for r in self.rows)

    @property
    def instant(self) -> Rate:
        return Rate(sum(r.received for r in self.rows if r.instant), self.received)


def item_stats(scope: Scope, filters: Filters) -> ItemStats:
    base = subcases_in(scope, filters)
    received = rollup_groups(
        SubCaseDaily,
        scope,
        filters,
        keys=["pack_id", "item_id"],
        sums={"received": Sum("received")},
        live=lambda part: (
            base.filter(in_period("application__submitted_at", part))
            .values("item_id", pack_id=F("application__pack_id"))
            .annotate(received=Count("pk"))
            .order_by()
        ),
    )
    outcomes = subcase_outcomes(
        scope, filters, {"pack_id": "application__pack_id", "item_id": "item_id"}
    )
    rows = _rows({(r["pack_id"], r["item_id"]) for r in [*received, *outcomes]})
    for r in received:
        rows[(r["pack_id"], r["item_id"])].received += r["received"]
    for o in outcomes:
        row = rows[(o["pack_id"], o["item_id"])]
        row.decided += o["decided"]
        row.on_time += o["on_time"]
        row.overdue_open += o["overdue_open"]
    problem = _sample(base, filters.period, rows)
    ordered = sorted(rows.values(), key=lambda r: (r.pack_name, r.item_code))
    return ItemStats(rows=ordered, processing=_processing(ordered, problem))


def _rows(keys: set[Key]) -> dict[Key, ItemRow]:
    """One row per (pack, item) with the item's limits in that pack (3 queries)."""
    pack_ids = {pack_id for pack_id, _ in keys}
    item_ids = {item_id for _, item_id in keys}
    packs = {p.pk: p for p in Pack.objects.filter(pk__in=pack_ids).only("code", "name")}
    items = {
        i.pk: i
        for i in ServiceItem.objects.filter(pk__in=item_ids).only(
            "code",
            "name",
            "legal_limit_value",
            "legal_limit_unit",
            "promised_limit_value",
            "promised_limit_unit",
        )
    }
    speedups: dict[int, dict[int, SpeedUp]] = defaultdict(dict)
    for speedup in SpeedUp.objects.filter(pack_id__in=pack_ids):
        speedups[speedup.pack_id][speedup.item_id] = speedup
    rows: dict[Key, ItemRow] = {}
    for pack_id, item_id in keys:
        pack, item = packs[pack_id], items[item_id]
        rows[(pack_id, item_id)] = ItemRow(
            pack_id=pack_id,
            pack_name=pack.name,
            item_id=item_id,
            item_code=item.code,
            item_name=item.name,
            limits=item_limits(pack=pack, item=item, speedups=speedups[pack_id]),
        )
    return rows


def _latest(subcases: QuerySet[SubCase], period: Period, keys: Iterable[Key]) -> list[Decided]:
    """The latest `SAMPLE_PER_ITEM` sub-cases decided in the period per (pack, item), by time
    of decision (then id), newest first.

    Read from the period's last days first (`SAMPLE_REACH_DAYS`), and further back only for
    the items still short of a full sample: a busy item's sample lies in its last days, and
    the older, larger part of a long period is read through the item's own index for the few
    rare items alone. The result is the same as ranking the whole period at once."""
    found: dict[Key, list[Decided]] = defaultdict(list)
    wanted = set(keys)
    until = period.until
    bounds = [until - dt.timedelta(days=d) for d in SAMPLE_REACH_DAYS]
    for since in [b for b in bounds if b > period.since] + [period.since]:
        short = {item for key in wanted if len(found[key]) < SAMPLE_PER_ITEM for item in key[1:2]}
        if not short:
            break
        ranked = (
            subcases.filter(
                item_id__in=short,
                decided_at__gte=since,
                decided_at__lt=until,
                opened_at__isnull=False,
            )
            .filter(decided_at__gte=F("opened_at"))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("application__pack_id"), F("item_id")],
                    order_by=[F("decided_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=SAMPLE_PER_ITEM)
            .values_list(
                "application__pack_id", "item_id", "opened_at", "decided_at", "pauses", "pk"
            )
        )
        newest_first = sorted(ranked, key=lambda r: (r[3], r[5]), reverse=True)
        for pack_id, item_id, opened, done, pauses, _ in newest_first:
            key = (pack_id, item_id)
            full = key not in wanted or len(found[key]) >= SAMPLE_PER_ITEM
            if not full and opened is not None and done is not None:  # (set, by the filter)
                found[key].append((pack_id, item_id, opened, done, pauses))
        until = since
    return [row for key in wanted for row in found[key]]


def _sample(subcases: QuerySet[SubCase], period: Period, rows: dict[Key, ItemRow]) -> str:
    """Fill each row's sample of processing times; a calendar problem, if any, as text."""
    sample = _latest(subcases, period, rows)
    if not sample:
        return ""
    first = min(local_date(opened) for _, _, opened, _, _ in sample)
    last = max(local_date(done) for _, _, _, done, _ in sample)
    clock = WorkingClock(calendar_load(since=first, until=last), first=first, last=last)
    missing: set[int] = set()
    for pack_id, item_id, opened, done, pauses in sample:
        try:
            days = clock.working_days_between(start=opened, end=done, pauses=pauses_parse(pauses))
        except CalendarNotConfigured as exc:
            missing.add(exc.year)
            continue
        row = rows.get((pack_id, item_id))
        if row is not None:
            row.sample.append(days)
    if not missing:
        return ""
    years = "、".join(str(y) for y in sorted(missing))
    return f"工作日历未配置{years}年，涉及这些年份的子件未计入办理用时。"


def _processing(rows: list[ItemRow], problem: str) -> Processing:
    """Totals over the items, each item's sample weighted by its decided count."""
    weighted: list[tuple[Decimal, float]] = []
    actual = legal = promised = legal_weight = promised_weight = 0.0
    for row in rows:
        if not row.sample or not row.decided:
            continue
        weight = row.decided / len(row.sample)
        weighted.extend((days, weight) for days in row.sample)
        mean = float(sum(row.sample, Decimal(0))) / len(row.sample)
        promised += row.promised_days * row.decided
        promised_weight += row.decided
        if row.legal_days:
            actual += mean * row.decided
            legal += row.legal_days * row.decided
            legal_weight += row.decided
    with_legal = [r for r in rows if r.legal_days and (r.received or r.decided)]
    total_weight = sum(w for _, w in weighted)
    mean_days = (
        Decimal(sum(float(d) * w for d, w in weighted) / total_weight).quantize(Decimal("0.01"))
        if weighted
        else None
    )
    return Processing(
        median=weighted_median(weighted),
        mean=mean_days,
        sampled=len(weighted),
        decided=sum(r.decided for r in rows),
        legal_mean=legal / legal_weight if legal_weight else None,
        promised_mean=promised / promised_weight if promised_weight else None,
        promised_speedup=_speedup(rows),
        actual_speedup=1 - actual / legal if legal else None,
        item_speedups=tuple(r.speedup or 0.0 for r in with_legal),
        calendar_problem=problem,
    )


def _speedup(rows: list[ItemRow]) -> float | None:
    """1 − Σ promised / Σ legal over the decided sub-cases whose item has a legal limit."""
    promised = legal = 0.0
    for row in rows:
        if row.legal_days and row.decided:
            promised += row.promised_days * row.decided
            legal += row.legal_days * row.decided
    return 1 - promised / legal if legal else None


def weighted_median(pairs: list[tuple[Decimal, float]]) -> Decimal | None:
    """The median of weighted values; with equal weights, the usual median."""
    if not pairs:
        return None
    ordered = sorted(pairs)
    half = sum(w for _, w in ordered) / 2
    running = 0.0
    for index, (value, weight) in enumerate(ordered):
        running += weight
        if abs(running - half) < 1e-9 and index + 1 < len(ordered):
            return (value + ordered[index + 1][0]) / 2
        if running > half:
            return value
    return ordered[-1][0]
