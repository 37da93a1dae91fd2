"""The policy data every supervision page reads besides the figures, kept per process.

Regions, packs, bundles, items, agencies, speed-ups, targets and contact points change only
with a pack load, a catalogue edit or an administrator's change, each of which moves the
policy generation (`kuaiban.core.policy_cache`). So a page reads the generation (one small
query) and takes these from memory, built once per process and generation, instead of ten to
fifteen reads of them per request; what is kept is shared by every request of the process:
read it, never change it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from kuaiban.bundles.models import Bundle, BundleItem, ContactPoint, Pack, SpeedUp, Target
from kuaiban.calendar.arithmetic import WorkCalendar
from kuaiban.calendar.selectors import calendar_cached
from kuaiban.catalogue.models import Agency, ServiceItem
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.policy_cache import policy_cached, policy_generation


@dataclass(frozen=True)
class Reference:
    generation: int
    tree: RegionTree
    packs: dict[int, Pack]  # by code; region and supplements loaded
    bundles: list[Bundle]  # by pack code and position; pack loaded
    items: dict[int, ServiceItem]  # by code
    agencies: list[Agency]  # by region code and kind
    speedups: dict[int, dict[int, SpeedUp]]  # pack → item → its entry
    targets: list[Target]  # by position; pack loaded
    contact_points: list[ContactPoint]  # by pack code and position; pack loaded
    bundle_items: dict[int, frozenset[int]]  # pack → the items of its bundles

    def pack_speedups(self, pack_id: int) -> dict[int, SpeedUp]:
        return self.speedups.get(pack_id, {})

    def bundle_count(self, pack_id: int) -> int:
        return sum(1 for b in self.bundles if b.pack_id == pack_id)

    def calendar(self, *, since: dt.date) -> WorkCalendar:
        """The working-day calendar from the first of ``since``'s year on (kept likewise)."""
        return calendar_cached(since=dt.date(since.year, 1, 1), generation=self.generation)


def reference_current() -> Reference:
    """The reference data of the current policy generation (one query when already built)."""
    generation = policy_generation()
    return policy_cached(
        key=("supervision-reference",), generation=generation, build=lambda: _build(generation)
    )


def _build(generation: int) -> Reference:
    speedups: dict[int, dict[int, SpeedUp]] = defaultdict(dict)
    for speedup in SpeedUp.objects.all():
        speedups[speedup.pack_id][speedup.item_id] = speedup
    bundle_items: dict[int, set[int]] = defaultdict(set)
    for pack_id, item_id in BundleItem.objects.values_list(
        "scenario__bundle__pack_id", "item_id"
    ).distinct():
        bundle_items[pack_id].add(item_id)
    return Reference(
        generation=generation,
        tree=RegionTree.load(),
        packs={
            p.pk: p for p in Pack.objects.select_related("region", "supplements").order_by("code")
        },
        bundles=list(Bundle.objects.select_related("pack").order_by("pack__code", "position")),
        items={i.pk: i for i in ServiceItem.objects.order_by("code")},
        agencies=list(Agency.objects.order_by("region__code", "kind", "pk")),
        speedups=dict(speedups),
        targets=list(Target.objects.select_related("pack").order_by("position", "pk")),
        contact_points=list(
            ContactPoint.objects.select_related("pack").order_by("pack__code", "position")
        ),
        bundle_items={pack: frozenset(items) for pack, items in bundle_items.items()},
    )
