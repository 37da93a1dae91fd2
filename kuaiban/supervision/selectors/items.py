"""Time limits per item (提速办): volumes, on-time rate, working-day processing time, limits.

Counting is done by the database, grouped by (pack, item) — a number of rows bounded by the
catalogue, not by the data. Processing time in working days needs the holiday calendar: it is
read as a histogram (per tenth of a working day: how many sub-cases, their exact days added
up) from the roll-ups for whole past days (`rollups/read.processing_rolled`) and computed from the raw
sub-cases decided today (`selectors/processing.py`). Every sub-case decided in the period
counts: the mean is exact, the median is that of the days rounded to a tenth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kuaiban.bundles.selectors import ItemLimits, item_limits
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.reference import Reference
from kuaiban.supervision.rollups.read import parts_read, processing_rolled
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import subcases_in
from kuaiban.supervision.selectors.breakdowns import ITEM_KEYS, subcase_counts
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.selectors.processing import processing_groups
from kuaiban.supervision.together import together

Key = tuple[int, int]  # (pack id, item id)
_TEN_THOUSAND = Decimal(10_000)
_CENT = Decimal("0.01")


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
    # Processing time of the sub-cases decided in the period (working days, net of pauses):
    # tenths of a working day → how many; the exact days of all of them, ×10,000.
    histogram: Counter[int] = field(default_factory=Counter)
    days_sum: int = 0

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
    def measured(self) -> int:
        """Sub-cases decided in the period whose processing time is counted."""
        return sum(self.histogram.values())

    @property
    def median(self) -> Decimal | None:
        return histogram_median(self.histogram)

    @property
    def mean(self) -> Decimal | None:
        measured = self.measured
        return _mean(self.days_sum, measured) if measured else None


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


def item_stats(
    scope: Scope,
    filters: Filters,
    *,
    counts: Iterable[Mapping[str, Any]] | None = None,
    times: tuple[list[Mapping[str, Any]], str] | None = None,
) -> ItemStats:
    """``counts``: received and outcomes by (pack, item) when already read
    (`subcase_panels`), else one read of the roll-up and one of the rest of the period;
    ``times``: the processing-time histogram when already read (`processing_times`). What is
    left to read is read side by side (`together`)."""
    given_counts, given_times = counts, times
    counts, (histogram, problem) = together(
        lambda: list(
            subcase_counts(scope, filters, ITEM_KEYS) if given_counts is None else given_counts
        ),
        lambda: processing_times(scope, filters) if given_times is None else given_times,
    )
    rows = _rows({(r["pack_id"], r["item_id"]) for r in [*counts, *histogram]}, filters.policy())
    for c in counts:
        row = rows[(c["pack_id"], c["item_id"])]
        row.received += c.get("received") or 0
        row.decided += c.get("decided") or 0
        row.on_time += c.get("on_time") or 0
        row.overdue_open += c.get("overdue_open") or 0
    for t in histogram:
        row = rows[(t["pack_id"], t["item_id"])]
        row.histogram[t["tenths"]] += t["decided"]
        row.days_sum += t["days_sum"]
    ordered = sorted(rows.values(), key=lambda r: (r.pack_name, r.item_code))
    return ItemStats(rows=ordered, processing=_processing(ordered, problem))


def _rows(keys: set[Key], reference: Reference) -> dict[Key, ItemRow]:
    """One row per (pack, item) with the item's limits in that pack (kept policy data)."""
    rows: dict[Key, ItemRow] = {}
    for pack_id, item_id in keys:
        pack, item = reference.packs[pack_id], reference.items[item_id]
        rows[(pack_id, item_id)] = ItemRow(
            pack_id=pack_id,
            pack_name=pack.name,
            item_id=item_id,
            item_code=item.code,
            item_name=item.name,
            limits=item_limits(pack=pack, item=item, speedups=reference.pack_speedups(pack_id)),
        )
    return rows


def processing_times(scope: Scope, filters: Filters) -> tuple[list[Mapping[str, Any]], str]:
    """Processing-time histogram rows per (pack, item, tenths); a calendar problem as text."""
    base = subcases_in(scope, filters)
    problems: list[str] = []

    def live(part: Period) -> list[dict[str, Any]]:
        found, problem = processing_groups(
            base,
            part,
            {"pack_id": "pack_id", "item_id": "item_id"},
            calendar_from=lambda day: filters.policy().calendar(since=day),
        )
        problems.append(problem)
        return found

    tree = filters.policy().tree
    found: list[Sequence[Mapping[str, Any]]] = parts_read(
        filters,
        rolled=lambda part: processing_rolled(scope, filters, part, tree=tree),
        live=live,
    )
    return [row for rows in found for row in rows], "".join(problems)


def _mean(days_sum: int, count: int) -> Decimal:
    return (Decimal(days_sum) / _TEN_THOUSAND / count).quantize(_CENT)


def histogram_median(histogram: Mapping[int, int]) -> Decimal | None:
    """The median of the histogram's values (tenths of a working day), in working days."""
    return weighted_median([(Decimal(t) / 10, float(n)) for t, n in histogram.items() if n])


def _processing(rows: list[ItemRow], problem: str) -> Processing:
    """Totals over the items: every sub-case decided in the period counts once."""
    histogram: Counter[int] = Counter()
    days_sum = 0
    actual = legal = promised = legal_weight = promised_weight = 0.0
    for row in rows:
        histogram.update(row.histogram)
        days_sum += row.days_sum
        mean = row.mean
        if mean is None or not row.decided:
            continue
        promised += row.promised_days * row.decided
        promised_weight += row.decided
        if row.legal_days:
            actual += float(mean) * row.decided
            legal += row.legal_days * row.decided
            legal_weight += row.decided
    with_legal = [r for r in rows if r.legal_days and (r.received or r.decided)]
    measured = sum(histogram.values())
    return Processing(
        median=histogram_median(histogram),
        mean=_mean(days_sum, measured) if measured else None,
        sampled=measured,
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
