"""跨省通办 / 全省通办: an application received in one region (收件地) and handled by the
agencies of another (办理地).

Which items may be received elsewhere is pack data: the `cross_region` provisions of the packs
governing the handling region list their items with a scope (`bundles.ItemScope`). Within one
province an item needs 全省通办 (or 跨省通办); across provinces it needs 跨省通办. The bundle,
its standards (同标准办理) and the routing are the handling region's."""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.bundles.models import ItemScope, Provision, ProvisionKind
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.errors import Unprocessable


@dataclass(frozen=True)
class CrossRegion:
    received: Region
    handling: Region
    scope: ItemScope

    @property
    def label(self) -> str:
        """“济南市（跨省通办，南京市收件）”: where the receipt says the case is handled."""
        return f"{self.handling.name}（{self.scope.label}，{self.received.name}收件）"


def item_scopes(region_id: int, *, tree: RegionTree | None = None) -> dict[str, set[str]]:
    """Item code → the scopes the packs governing ``region_id`` (and the regions above) give."""
    chain = (tree or RegionTree.load()).ancestors(region_id)
    found: dict[str, set[str]] = {}
    rows = Provision.objects.filter(
        kind=ProvisionKind.CROSS_REGION, pack__region_id__in=chain
    ).exclude(scope="")
    for scope, items in rows.values_list("scope", "items"):
        for code in items:
            found.setdefault(code, set()).add(scope)
    return found


def scope_needed(*, received_province: int, handling_province: int) -> ItemScope:
    """The one rule: another province needs 跨省通办, another city of the province 全省通办."""
    if received_province != handling_province:
        return ItemScope.CROSS_PROVINCE
    return ItemScope.PROVINCE_WIDE


def scope_allows(*, needed: ItemScope, given: set[str]) -> bool:
    # 跨省通办 is wider than 全省通办: an item taken in anywhere is taken in within the province.
    if needed == ItemScope.PROVINCE_WIDE:
        return bool(given & {ItemScope.PROVINCE_WIDE, ItemScope.CROSS_PROVINCE})
    return ItemScope.CROSS_PROVINCE in given


def handling_region_resolve(*, code: str, received: Region) -> Region:
    """The 办理地 named by the request, or the receiving region itself when none is named."""
    if not code or code == received.code:
        return received
    handling = Region.objects.filter(code=code).exclude(level=RegionLevel.PROVINCE).first()
    if handling is None:
        raise Unprocessable(
            "办理地不存在", fields={"handling_region": ["请填写办理地的市或区县行政区划代码"]}
        )
    return handling


def cross_region_require(
    *, received: Region, handling: Region, items: list[ServiceItem]
) -> CrossRegion:
    """The application's 收件地 and 办理地, or a 422 naming every item that the handling
    region's packs do not take in from there."""
    tree = RegionTree.load()
    received_chain = tree.ancestors(received.pk)
    handling_chain = tree.ancestors(handling.pk)
    needed = scope_needed(
        received_province=received_chain[-1], handling_province=handling_chain[-1]
    )
    scopes = item_scopes(handling.pk, tree=tree)
    refused = [i for i in items if not scope_allows(needed=needed, given=scopes.get(i.code, set()))]
    if refused:
        raise Unprocessable(
            f"部分事项在{handling.name}尚未实行{needed.label}，请到办理地办理",
            code="not_cross_region",
            fields={
                "handling_region": [
                    f"事项“{i.label}”在{handling.name}不能{needed.label}" for i in refused
                ]
            },
        )
    return CrossRegion(received=received, handling=handling, scope=needed)
