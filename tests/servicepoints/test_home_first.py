"""The person's own district first: at an equal distance, and when no position is known (the
list, the API and the guides' nearest points), the points of the district the account gives
come before the others; a visitor without one keeps the region, kind and name order."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.catalogue.models import Region, RegionLevel
from kuaiban.servicepoints.geo import Position
from kuaiban.servicepoints.models import PointKind, ServicePoint
from kuaiban.servicepoints.selectors import points_by_distance, points_in_order, points_nearest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts() -> tuple[Region, Region, Region]:
    city = Region.objects.create(code="379900", name="测试市", level=RegionLevel.CITY)
    east = Region.objects.create(code="379901", name="东区", level=RegionLevel.COUNTY, parent=city)
    west = Region.objects.create(code="379902", name="西区", level=RegionLevel.COUNTY, parent=city)
    return city, east, west


def _point(code: str, region: Region, *, district: str = "", lng: float = 117.0) -> ServicePoint:
    return ServicePoint.objects.create(
        code=code,
        name=code,
        kind=PointKind.BANK,
        region=region,
        district=district,
        address="某路",
        latitude=36.0,
        longitude=lng,
        opening_hours="9:00—17:00",
    )


def test_at_an_equal_distance_the_own_district_comes_first(two_districts) -> None:  # type: ignore[no-untyped-def]
    city, east, west = two_districts
    # Three points at one spot (a bank, a post office, a community centre in one building),
    # created so that the id order puts the person's own district last.
    a = _point("a-west", west)
    b = _point("b-city-west", city, district="西区")
    c = _point("c-east", east)
    d = _point("d-city-east", city, district="东区")
    far = _point("e-east-far", east, lng=117.01)
    origin = Position(36.0, 117.0)
    points = ServicePoint.objects.filter(region__in=[city, east, west])
    assert list(points_by_distance(origin, points=points)) == [a, b, c, d, far]
    ordered = list(points_by_distance(origin, points=points, home=east.pk))
    # The own district (by region, or a city point in it by name) first; never before a
    # nearer point of another district.
    assert ordered == [c, d, a, b, far]
    assert [n.point for n in points_nearest(origin, limit=5, home=east.pk)] == ordered
    assert list(points_by_distance(origin, points=points, home=west.pk))[:2] == [a, b]


def test_without_a_position_the_own_district_comes_first(two_districts) -> None:  # type: ignore[no-untyped-def]
    city, east, west = two_districts
    a = _point("a-west", west)
    c = _point("c-east", east)
    d = _point("d-city-east", city, district="东区")
    points = ServicePoint.objects.filter(region__in=[city, east, west])
    # Unknown home: region code, kind, name.
    assert list(points_in_order(points, origin=None, home=None)) == [d, c, a]
    assert list(points_in_order(points, origin=None, home=east.pk)) == [d, c, a]
    assert list(points_in_order(points, origin=None, home=west.pk)) == [a, d, c]


def test_the_jinan_list_api_and_guide_put_lixia_first_for_its_residents(points_world) -> None:  # type: ignore[no-untyped-def]
    lixia = Region.objects.get(code="370102")
    jinan = ServicePoint.objects.filter(active=True, region__code__startswith="3701")
    own = {p.code for p in jinan.filter(region__code="370100", district="历下区")} | set(
        jinan.filter(region=lixia).values_list("code", flat=True)
    )
    assert own and jinan.exclude(code__in=own).exists()
    resident = Client()
    resident.force_login(User.objects.get(username="zhangjianguo"))  # 历下区
    answer = resident.get("/api/v1/service-points", {"region": "370100", "page_size": 100})
    codes = [p["code"] for p in answer.json()["items"]]
    assert set(codes[: len(own)]) == own and set(codes[len(own) :]).isdisjoint(own)
    # Anonymous: by region code first, so the 历下区 points (370102) come after the city's.
    anonymous = Client().get("/api/v1/service-points", {"region": "370100", "page_size": 100})
    assert anonymous.json()["items"][0]["code"] not in own
    # The page lists the same order.
    page = resident.get("/service-points/", {"region": "370100"}).content.decode()
    listed = page.split("<ol")[1].split("</ol>")[0]
    first = ServicePoint.objects.get(code=codes[0]).name
    assert listed.index(first) < min(
        listed.index(p.name) for p in jinan.exclude(code__in=own) if p.name in listed
    )
