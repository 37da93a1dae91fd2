"""Reads of packs and bundles, with the prefetching that keeps their pages to a few queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kuaiban.bundles.compat import InheritedItem
from kuaiban.bundles.features import FEATURES, Feature
from kuaiban.bundles.models import (
    Bundle,
    BundleItem,
    Mode,
    Pack,
    Provision,
    Scenario,
    SpeedUp,
    Target,
)
from kuaiban.bundles.targets import target_label
from kuaiban.calendar.limits import TimeLimit, parallel_within_longest
from kuaiban.catalogue.models import (
    FormField,
    ItemField,
    ItemMaterial,
    Material,
    Region,
    ServiceItem,
)
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.errors import NotFound, Unprocessable


def pack_list() -> QuerySet[Pack]:
    return Pack.objects.select_related("region", "extends", "extends__region").order_by("code")


def pack_get(*, code: str) -> Pack:
    pack = pack_list().filter(code=code).first()
    if pack is None:
        raise NotFound(f"政策包“{code}”不存在")
    return pack


@dataclass(frozen=True)
class TargetView:
    target: Target
    goal: str  # “≥ 90%”


def pack_targets(*, pack: Pack) -> list[TargetView]:
    return [
        TargetView(t, target_label(kind=t.kind, value=t.value, ratio=t.ratio))
        for t in pack.targets.all()
    ]


@dataclass(frozen=True)
class ProvisionView:
    """A provision with the platform features serving it (none: 尚未提供) and the catalogue
    items it names."""

    provision: Provision
    features: list[Feature]
    items: list[ServiceItem]


def pack_provisions(*, pack: Pack) -> list[ProvisionView]:
    provisions = list(pack.provisions.all())
    codes = {code for p in provisions for code in p.items}
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=codes)}
    return [
        ProvisionView(
            provision=p,
            features=[FEATURES[k] for k in p.features if k in FEATURES],
            items=[items[c] for c in p.items if c in items],
        )
        for p in provisions
    ]


def provision_list(*, kind: str, region_ids: list[int] | None = None) -> QuerySet[Provision]:
    """Provisions of one kind (e.g. the 免申即享 services proactive services act on), of the
    packs of the given regions (a region and its parents: `RegionTree.ancestors`) or of all."""
    found = Provision.objects.filter(kind=kind).select_related("pack")
    if region_ids is not None:
        found = found.filter(pack__region_id__in=region_ids)
    return found.order_by("pack__code", "position")


def region_get(*, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(f"地区“{code}”不存在")
    return region


def packs_for_region(*, region_id: int | None) -> list[Pack]:
    """The packs that apply in a region, the most local first.

    Those of the region and of every region above it — less a pack that a more local one of
    them extends: a place's pack holds all its province's bundles (向上兼容), so its applicants
    use it instead. Without a region, the packs that extend none.
    """
    packs = list(pack_list())
    if region_id is None:
        return [p for p in packs if p.extends_id is None]
    chain = RegionTree.load().ancestors(region_id)
    covering = [p for p in packs if p.region_id in chain]
    extended = {p.extends_id for p in covering}
    return sorted(
        (p for p in covering if p.pk not in extended),
        key=lambda p: (chain.index(p.region_id), p.code),
    )


def pack_for_region(*, pack: Pack, region_id: int) -> Pack:
    """The pack an applicant of ``region_id`` uses when asking for ``pack``: the most local
    pack that extends it and covers the region, else ``pack`` itself.

    A place's pack applies only in its own region: asked for from elsewhere, it is refused.
    """
    chain = RegionTree.load().ancestors(region_id)
    if pack.extends_id is not None and pack.region_id not in chain:
        raise Unprocessable(
            f"“{pack.name}”只适用于{pack.region.name}",
            fields={"pack": [f"该政策包只适用于{pack.region.name}，请选择您所在地区的一件事"]},
        )
    local = [p for p in pack.extensions.select_related("region") if p.region_id in chain]
    return min(local, key=lambda p: chain.index(p.region_id), default=pack)


@dataclass(frozen=True)
class LocalLimit:
    """A 提速办 limit a place's pack sets shorter than the pack it extends."""

    item: ServiceItem
    promised: TimeLimit
    inherited: TimeLimit


def pack_local_limits(*, pack: Pack) -> list[LocalLimit]:
    """The items a place's pack promises faster than the pack it extends (two queries)."""
    if pack.extends_id is None:
        return []
    above = {s.item_id: s for s in SpeedUp.objects.filter(pack_id=pack.extends_id)}
    found = []
    for speedup in pack.speedups.select_related("item").order_by("seq"):
        inherited = above.get(speedup.item_id)
        if inherited is None:
            continue
        days = speedup.promised_limit.approx_working_days()
        if days < inherited.promised_limit.approx_working_days():
            found.append(
                LocalLimit(
                    item=speedup.item,
                    promised=speedup.promised_limit,
                    inherited=inherited.promised_limit,
                )
            )
    return found


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


def inherited_speedup(*, pack_id: int, item_id: int) -> SpeedUp | None:
    """The 提速办 row of the pack that ``pack_id`` extends for this item, if any (向上兼容)."""
    pack = Pack.objects.filter(pk=pack_id).only("extends_id").first()
    if pack is None or pack.extends_id is None:
        return None
    return SpeedUp.objects.filter(pack_id=pack.extends_id, item_id=item_id).first()


def inherited_items(*, scenario: Scenario) -> list[InheritedItem] | None:
    """The items of the same scenario in the pack the scenario's pack extends; None when the
    pack extends none or that pack has no such scenario (a local bundle or scenario)."""
    bundle = scenario.bundle
    parent_id = bundle.pack.extends_id
    if parent_id is None:
        return None
    theirs = Scenario.objects.filter(
        bundle__pack_id=parent_id, bundle__code=bundle.code, code=scenario.code
    ).first()
    if theirs is None:
        return None
    return [
        InheritedItem(item=row.item.code, required=row.required)
        for row in theirs.bundle_items.select_related("item")
    ]


def bundle_is_inherited(*, bundle: Bundle) -> bool:
    """Whether a place's pack holds this bundle because the pack it extends does."""
    parent_id = bundle.pack.extends_id
    return (
        parent_id is not None
        and Bundle.objects.filter(pack_id=parent_id, code=bundle.code).exists()
    )
