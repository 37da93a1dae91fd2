"""Reads of packs and bundles, with the prefetching that keeps their pages to a few queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kuaiban.bundles.models import Bundle, BundleItem, Mode, Pack, Scenario, SpeedUp
from kuaiban.calendar.limits import TimeLimit, parallel_within_longest
from kuaiban.catalogue.models import FormField, ItemField, ItemMaterial, Material, ServiceItem
from kuaiban.core.errors import NotFound
from kuaiban.core.policy_cache import policy_cached


def pack_list() -> QuerySet[Pack]:
    return Pack.objects.select_related("region").order_by("code")


def pack_get(*, code: str) -> Pack:
    pack = pack_list().filter(code=code).first()
    if pack is None:
        raise NotFound(f"政策包“{code}”不存在")
    return pack


def bundle_list(*, pack: Pack) -> QuerySet[Bundle]:
    return pack.bundles.order_by("position")


def bundle_get(*, pack_code: str, bundle_code: str) -> Bundle:
    """A bundle with its scenarios, items, materials and fields prefetched.

    An item's fields and materials come as its through rows (`item.itemfield_set`,
    `item.itemmaterial_set`) in catalogue order (`position`), each with its field or material.
    """
    pack = pack_get(code=pack_code)
    items = BundleItem.objects.select_related("item").prefetch_related(
        Prefetch(
            "item__itemmaterial_set",
            queryset=ItemMaterial.objects.select_related("material").order_by("position", "pk"),
        ),
        Prefetch(
            "item__itemfield_set",
            queryset=ItemField.objects.select_related("field").order_by("position", "pk"),
        ),
    )
    bundle = (
        Bundle.objects.filter(pack=pack, code=bundle_code)
        .select_related("pack", "pack__region")
        .prefetch_related(
            "questions",
            Prefetch(
                "scenarios",
                queryset=Scenario.objects.prefetch_related(
                    Prefetch("bundle_items", queryset=items)
                ),
            ),
        )
        .first()
    )
    if bundle is None:
        raise NotFound(f"政策包“{pack_code}”中没有序号为“{bundle_code}”的一件事")
    return bundle


def item_fields(item: ServiceItem) -> list[FormField]:
    """An item's form fields in catalogue order (`ItemField.position`); see `bundle_get`."""
    return [row.field for row in item.itemfield_set.all()]


def item_materials(item: ServiceItem) -> list[Material]:
    """An item's materials in catalogue order (`ItemMaterial.position`); see `bundle_get`."""
    return [row.material for row in item.itemmaterial_set.all()]


@dataclass(frozen=True)
class ItemLimits:
    """An item's limits as they apply in one pack: the speed-up list wins over the catalogue."""

    legal: TimeLimit | None
    promised: TimeLimit
    speedup: SpeedUp | None

    @property
    def speedup_ratio(self) -> float | None:
        """How much faster the promised limit is than the legal one (0.5 = 50% faster)."""
        if self.legal is None or self.legal.approx_working_days() == 0:
            return None
        return 1 - self.promised.approx_working_days() / self.legal.approx_working_days()


def item_limits(*, pack: Pack, item: ServiceItem, speedups: dict[int, SpeedUp]) -> ItemLimits:
    speedup = speedups.get(item.pk)
    if speedup is not None:
        return ItemLimits(
            legal=speedup.legal_limit, promised=speedup.promised_limit, speedup=speedup
        )
    return ItemLimits(legal=item.legal_limit, promised=item.promised_limit, speedup=None)


def pack_speedups(*, pack: Pack) -> dict[int, SpeedUp]:
    """The pack's speed-up entries by item id (one query)."""
    return {s.item_id: s for s in pack.speedups.all()}


def bundle_limit_problem(
    *,
    bundle: Bundle,
    promised: TimeLimit | None,
    modes: Mapping[int, str] | None = None,
    item_promised: Mapping[int, TimeLimit] | None = None,
) -> str | None:
    """The Jiangsu rule (`parallel_within_longest`) on a stored bundle, for an edit that would
    give it the ``promised`` limit, change its scenarios' ``modes`` (scenario id → mode) or
    its items' promised limits in this pack (``item_promised``: item id → limit)."""
    if promised is None:
        return None
    speedups = pack_speedups(pack=bundle.pack)
    scenarios = bundle.scenarios.prefetch_related(
        Prefetch("bundle_items", queryset=BundleItem.objects.select_related("item"))
    )
    for scenario in scenarios:
        if (modes or {}).get(scenario.pk, scenario.mode) == Mode.SERIAL:
            continue
        limits = [
            (item_promised or {}).get(bi.item_id)
            or item_limits(pack=bundle.pack, item=bi.item, speedups=speedups).promised
            for bi in scenario.bundle_items.all()
        ]
        problem = parallel_within_longest(promised=promised, item_limits=limits)
        if problem:
            return f"场景“{scenario.code}”并行办理，一件事的{problem}"
    return None


@dataclass(frozen=True)
class PolicyBundle:
    """A bundle as `bundle_get` builds it, with its pack's speed-ups and the prefill path of
    each of its fields: all a submission reads of static policy data, kept per process."""

    bundle: Bundle
    speedups: dict[int, SpeedUp]
    prefill_paths: dict[str, str]


def bundle_cached(*, pack_code: str, bundle_code: str, generation: int) -> PolicyBundle:
    """`bundle_get` and its speed-ups, built once per process and policy generation
    (`kuaiban.core.policy_cache`); read it, never change it."""

    def build() -> PolicyBundle:
        bundle = bundle_get(pack_code=pack_code, bundle_code=bundle_code)
        paths = {
            row.field.key: row.field.prefill
            for scenario in bundle.scenarios.all()
            for bi in scenario.bundle_items.all()
            for row in bi.item.itemfield_set.all()
        }
        return PolicyBundle(
            bundle=bundle, speedups=pack_speedups(pack=bundle.pack), prefill_paths=paths
        )

    return policy_cached(key=("bundle", pack_code, bundle_code), generation=generation, build=build)
