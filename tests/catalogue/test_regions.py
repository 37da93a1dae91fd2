"""The region tree: one query, any depth, and a cycle entered in the admin never loops."""

from __future__ import annotations

import pytest

from kuaiban.catalogue.models import Agency, AgencyKind, Region, RegionLevel, Route, ServiceItem
from kuaiban.catalogue.regions import region_and_above
from kuaiban.catalogue.routing import RoutingTable

pytestmark = pytest.mark.django_db


def _chain(depth: int) -> list[Region]:
    """A province with ``depth - 1`` levels below it, deepest last."""
    regions: list[Region] = []
    parent = None
    for n in range(depth):
        level = RegionLevel.PROVINCE if n == 0 else RegionLevel.COUNTY
        parent = Region.objects.create(
            code=f"9{n:05d}", name=f"第{n}级", level=level, parent=parent
        )
        regions.append(parent)
    return regions


def test_region_and_above_reaches_the_root_at_any_depth_in_one_query(
    django_assert_num_queries,
) -> None:  # type: ignore[no-untyped-def]
    chain = _chain(9)
    with django_assert_num_queries(1):
        found = region_and_above(chain[-1].pk)
    assert found == [r.pk for r in reversed(chain)]


def test_a_cycle_in_the_region_tree_ends_the_walk() -> None:
    a, b = _chain(2)
    Region.objects.filter(pk=a.pk).update(parent=b)  # an admin mistake: a ↔ b
    assert region_and_above(b.pk) == [b.pk, a.pk]
    assert region_and_above(a.pk) == [a.pk, b.pk]


def test_routing_finds_a_province_route_for_a_region_seven_levels_down() -> None:
    chain = _chain(8)
    agency = Agency.objects.create(
        code="prov-si", name="省社保中心", kind=AgencyKind.SOCIAL_INSURANCE, region=chain[0]
    )
    Route.objects.create(region=chain[0], agency_kind=AgencyKind.SOCIAL_INSURANCE, agency=agency)
    item = ServiceItem(code="x", name="某事项", agency_kind=AgencyKind.SOCIAL_INSURANCE)
    table = RoutingTable.for_region(chain[-1])
    assert table.chain[-1] == chain[0].pk
    assert table.agency_for(item) == agency
