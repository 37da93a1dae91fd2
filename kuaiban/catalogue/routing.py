"""拆包分办: which agency handles each sub-case, from the routing table (`Route`).

The routes are catalogue rows, so the table is read here: submission (applications), the
sub-cases (cases) and `kuaiban pack validate` (bundles) all ask it."""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.catalogue.models import Agency, Delivery, Region, RegionLevel, Route, ServiceItem
from kuaiban.catalogue.regions import region_and_above
from kuaiban.core.errors import Unprocessable


@dataclass
class RoutingTable:
    """The routes of one region chain, loaded in one query, answering per item."""

    region: Region
    chain: list[int]  # the region and its ancestors, nearest first
    routes: list[Route]

    @classmethod
    def for_region(cls, region: Region) -> RoutingTable:
        chain = region_and_above(region.pk)
        routes = list(
            Route.objects.filter(region_id__in=chain).select_related("agency", "agency__region")
        )
        return cls(region=region, chain=chain, routes=routes)

    def agency_for(self, item: ServiceItem) -> Agency | None:
        for region_id in self.chain:
            for route in self.routes:
                if (
                    item.pk is not None
                    and route.region_id == region_id
                    and route.item_id == item.pk
                ):
                    return route.agency
            for route in self.routes:
                if (
                    route.region_id == region_id
                    and route.item_id is None
                    and route.agency_kind == item.agency_kind
                ):
                    return route.agency
        return None


def routes_require(*, table: RoutingTable, items: list[ServiceItem]) -> dict[int, Agency]:
    """Every item's agency, or a clear refusal: never a sub-case that nobody owns."""
    found: dict[int, Agency] = {}
    missing = []
    for item in items:
        agency = table.agency_for(item)
        if agency is None:
            missing.append(item)
        else:
            found[item.pk] = agency
    if missing:
        place = table.region.name
        raise Unprocessable(
            "部分事项在本地区尚未配置办理机构，暂时无法受理，请联系经办机构",
            code="route_missing",
            fields={
                "items": [
                    f"事项“{i.code} {i.name}”（{i.get_agency_kind_display()}）在{place}没有分派路由"
                    for i in missing
                ]
            },
        )
    return found


@dataclass(frozen=True)
class RouteGap:
    """A city where an item's sub-case would stall: no route, or an agency nobody works in."""

    city: str
    agency: str = ""  # the agency reached, when it has no officer account; "" when no route

    def describe(self) -> str:
        if not self.agency:
            return f"{self.city}没有分派路由（管理后台 → 分派路由）"
        return f"{self.city}分派到“{self.agency}”，该机构没有经办人员账号，子件将无人办理（管理后台 → 用户）"


def route_gaps(
    *, region_code: str, items: list[ServiceItem], staffed: set[int]
) -> dict[str, list[RouteGap]]:
    """For `kuaiban pack validate`: per item code, the places of the pack's region where it
    stalls — every city of a province, or the city (county) itself for a place's own pack.

    An item stalls where no route reaches an agency, or where the agency it reaches works in
    this platform's workbench (not in its own system through webhooks) and is not in
    ``staffed`` (the agencies with an active officer account,
    `accounts.selectors.staffed_agency_ids`).
    """
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return {}
    cities = (
        list(Region.objects.filter(level=RegionLevel.CITY, parent=region))
        if region.level == RegionLevel.PROVINCE
        else [region]
    )
    gaps: dict[str, list[RouteGap]] = {}
    for city in cities:
        table = RoutingTable.for_region(city)
        for item in items:
            agency = table.agency_for(item)
            if agency is None:
                gaps.setdefault(item.code, []).append(RouteGap(city=city.name))
            elif agency.delivery == Delivery.WORKBENCH and agency.pk not in staffed:
                gaps.setdefault(item.code, []).append(RouteGap(city=city.name, agency=agency.name))
    return gaps
