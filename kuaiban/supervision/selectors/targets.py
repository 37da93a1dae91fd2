"""Policy targets (工作目标) of the packs that govern a scope, each beside its current figure.

The targets are data in the packs (`bundles.Target`), never constants here: a supervisor sees
the targets of the packs of their own region and the regions above it — the most local pack
that sets a kind of target wins for that kind — and an administrator, who sees every region,
the targets of the pack chosen in the filter (none until one is chosen: provinces differ).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kuaiban.bundles.models import (
    ItemScope,
    Pack,
    Provision,
    ProvisionKind,
    Target,
    TargetKind,
)
from kuaiban.bundles.selectors import item_limits
from kuaiban.bundles.targets import target_label, target_met
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.filters import Filters
from kuaiban.supervision.reference import Reference
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.selectors.timing import instant_histogram, report_histogram, within


@dataclass(frozen=True)
class TargetRow:
    kind: str
    title: str
    goal: str  # “≥ 90%”
    text: str  # the policy's own words
    scope: str
    deadline: str
    source: str
    pack_name: str
    figure: str  # the current figure as read, or why there is none
    met: bool | None


def governing_packs(scope: Scope, filters: Filters, *, tree: RegionTree) -> list[Pack]:
    """The packs whose targets apply, most local first (see the module's note)."""
    packs = filters.policy().packs
    if filters.pack_id is not None:
        chosen = packs.get(filters.pack_id)
        return [chosen] if chosen else []
    if scope.focus_region_id is None:
        return []
    chain = tree.ancestors(scope.focus_region_id)
    return sorted(
        (p for p in packs.values() if p.region_id in chain),
        key=lambda p: (chain.index(p.region_id), p.code),
    )


def governing_targets(packs: list[Pack], *, reference: Reference) -> list[Target]:
    """For each kind, the targets of the most local pack that sets it, in pack order."""
    rank = {p.pk: n for n, p in enumerate(packs)}
    targets = [t for t in reference.targets if t.pack_id in rank]
    winner: dict[str, int] = {}
    for t in sorted(targets, key=lambda t: rank[t.pack_id]):
        winner.setdefault(t.kind, t.pack_id)
    return [
        t
        for t in sorted(targets, key=lambda t: (rank[t.pack_id], t.position))
        if winner[t.kind] == t.pack_id
    ]


@dataclass(frozen=True)
class PackFigures:
    """What the governing packs provide, independent of traffic."""

    bundles: int
    items: int
    online_items: int  # can be done fully online and the law does not require a visit
    onsite_items: int  # the law requires a visit
    speedup_ratios: list[float]  # per item with a legal limit: 1 − promised ÷ legal
    speedup_list: int  # items on the most local pack's 提速办 list

    @property
    def online_rate(self) -> Rate:
        return Rate(self.online_items, self.items)

    def items_sped_up(self, ratio: int) -> int:
        return sum(1 for r in self.speedup_ratios if r >= ratio / 100 - 1e-9)


def pack_figures(packs: list[Pack], *, reference: Reference) -> PackFigures:
    """Bundles, items and limits of the most local governing pack that has bundles — a city's
    pack holds its province's bundles as well as its own, and a supplement (Shandong 2023) has
    none — from the kept policy data."""
    pack = next((p for p in packs if reference.bundle_count(p.pk)), None)
    if pack is None:
        return PackFigures(0, 0, 0, 0, [], 0)
    item_ids = reference.bundle_items.get(pack.pk, frozenset())
    speedups = reference.pack_speedups(pack.pk)
    items = {pk: reference.items[pk] for pk in item_ids | set(speedups)}
    ratios = [
        ratio
        for item in items.values()
        if (ratio := item_limits(pack=pack, item=item, speedups=speedups).speedup_ratio) is not None
    ]
    covered = [items[pk] for pk in item_ids]
    return PackFigures(
        bundles=reference.bundle_count(pack.pk),
        items=len(covered),
        online_items=sum(1 for i in covered if i.online and not i.onsite_required),
        onsite_items=sum(1 for i in covered if i.onsite_required),
        speedup_ratios=ratios,
        speedup_list=len(speedups),
    )


def instant_within(scope: Scope, filters: Filters, *, minutes: int) -> Rate:
    """即办 sub-cases decided in the period within ``minutes`` of office time from their start
    (every one: `selectors/timing.py`)."""
    return within(instant_histogram(scope, filters), minutes)


def reports_within(scope: Scope, filters: Filters, *, days: int) -> Rate:
    """报告单 handed in during the period within ``days`` calendar days of the rectification."""
    return within(report_histogram(scope, filters), days)


def _percent(rate: Rate) -> str:
    return (
        "—（无数据）"
        if rate.value is None
        else f"{rate.value:.1%}（{rate.part:,} / {rate.whole:,}）"
    )


@dataclass(frozen=True)
class Measured:
    """The figures a target is compared with; computed once for every target of a page."""

    packs: PackFigures
    online_by_application: Rate
    callback: Rate
    instant: Callable[[int], Rate]
    reports: Callable[[int], Rate]
    # Items the governing packs take in from other provinces (跨省通办); read only when a
    # target asks for it.
    cross_province: Callable[[], int | None] = field(default=lambda: None)


def cross_province_items(packs: list[Pack]) -> int:
    """Distinct items listed 跨省通办 by the `cross_region` provisions of ``packs``."""
    rows = Provision.objects.filter(
        pack__in=packs, kind=ProvisionKind.CROSS_REGION, scope=ItemScope.CROSS_PROVINCE
    ).values_list("items", flat=True)
    return len({code for items in rows for code in items})


def target_rows(targets: list[Target], measured: Measured) -> list[TargetRow]:
    rows = []
    for t in targets:
        figure, met = _figure(t, measured)
        rows.append(
            TargetRow(
                kind=t.kind,
                title=str(TargetKind(t.kind).label),
                goal=target_label(kind=t.kind, value=t.value, ratio=t.ratio),
                text=t.text,
                scope=t.scope,
                deadline=t.deadline_text,
                source=t.source,
                pack_name=t.pack.name,
                figure=figure,
                met=met,
            )
        )
    return rows


def _figure(t: Target, m: Measured) -> tuple[str, bool | None]:
    """The figure as read, and whether it meets the target (None: nothing to tell yet)."""
    p = m.packs

    def met(figure: float | None) -> bool | None:
        return target_met(kind=t.kind, value=t.value, figure=figure)

    if t.kind == TargetKind.BUNDLES:
        return f"已提供 {p.bundles} 个", met(p.bundles)
    if t.kind == TargetKind.SPEEDUP_ITEMS:
        n = p.items_sped_up(t.ratio or 0)
        return f"承诺时限较法定时限提速 {t.ratio}% 及以上的事项 {n} 个", met(n)
    if t.kind == TargetKind.CHOSEN_SPEEDUPS:
        return f"提速办清单 {p.speedup_list} 项", met(p.speedup_list)
    if t.kind == TargetKind.ONLINE_RATE:
        by_item = p.online_rate
        text = f"按事项 {_percent(by_item)}；按办件 {_percent(m.online_by_application)}"
        return text, met(by_item.value)
    if t.kind == TargetKind.CALLBACK_RATE:
        return _percent(m.callback), met(m.callback.value)
    if t.kind in (TargetKind.REPORT_DAYS, TargetKind.INSTANT_MINUTES):
        # A time limit is kept when every case in the sample kept it.
        rate = m.reports(t.value) if t.kind == TargetKind.REPORT_DAYS else m.instant(t.value)
        return f"在时限内 {_percent(rate)}", None if not rate.whole else rate.part == rate.whole
    if t.kind == TargetKind.CROSS_PROVINCE_ITEMS and (listed := m.cross_province()) is not None:
        return f"政策包列为可跨省通办的事项 {listed} 项", met(listed)
    return "平台尚未统计", None
