"""Nearest points for an item: ordered by great-circle distance computed in SQL, filtered by
the items a point accepts, with walking time at the set speed."""

from __future__ import annotations

import math

import pytest
from django.test import override_settings

from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.servicepoints.geo import Position, distance_m, distance_sql, walk_minutes
from kuaiban.servicepoints.models import Place, PointKind, ServicePoint
from kuaiban.servicepoints.selectors import place_for_address, points_by_distance, points_nearest

pytestmark = pytest.mark.django_db

# Along the parallel 36° N one hundredth of a degree of longitude is, by hand,
# 0.01 × π/180 × 6,371,008.8 m × cos 36° = 899.59 m (the haversine agrees within a centimetre).
STEP_M = 0.01 * math.pi / 180 * 6_371_008.8 * math.cos(math.radians(36))


def _point(code: str, lng: float, *, region: Region, lat: float = 36.0) -> ServicePoint:
    return ServicePoint.objects.create(
        code=code,
        name=code,
        kind=PointKind.BANK,
        region=region,
        address="某路",
        latitude=lat,
        longitude=lng,
        opening_hours="9:00—17:00",
    )


@pytest.fixture
def region() -> Region:
    return Region.objects.create(code="379900", name="测试市", level=RegionLevel.CITY)


@pytest.fixture
def item() -> ServiceItem:
    return ServiceItem.objects.create(
        code="1.10.8",
        name="社会保障卡补领、换领、换发",
        category="社会保障卡",
        agency_kind="card_service",
        target="person",
    )


def test_the_hand_computed_step_matches_the_haversine() -> None:
    d = distance_m(Position(36.0, 117.0), Position(36.0, 117.01))
    assert abs(d - STEP_M) < 0.01
    assert round(STEP_M) == 900


def test_nearest_first_only_points_that_take_the_item(region, item) -> None:  # type: ignore[no-untyped-def]
    far = _point("far", 117.03, region=region)  # 3 steps east
    near = _point("near", 116.99, region=region)  # 1 step west
    middle = _point("middle", 117.02, region=region)  # 2 steps east
    other = _point("other", 117.0, region=region)  # at the origin, but does not take the item
    for p in (far, near, middle):
        p.accepts.add(item)

    found = points_nearest(Position(36.0, 117.0), item=item, limit=5)

    assert [f.point.code for f in found] == ["near", "middle", "far"]
    assert [f.distance_m for f in found] == [round(STEP_M), round(2 * STEP_M), round(3 * STEP_M)]
    assert other.code not in [f.point.code for f in found]
    # Without the item the point at the origin comes first, 0 m away.
    assert points_nearest(Position(36.0, 117.0), limit=1)[0].point == other


def test_the_sql_distance_equals_the_python_distance(region) -> None:  # type: ignore[no-untyped-def]
    _point("jinan", 117.1185, region=region, lat=36.6555)
    _point("taiyuan", 112.5440, region=region, lat=37.8240)
    origin = Position(36.6545, 117.0720)
    for p in ServicePoint.objects.annotate(d=distance_sql(origin)):
        assert abs(p.d - distance_m(origin, Position(p.latitude, p.longitude))) < 0.01


def test_a_radius_keeps_only_points_within_it(region) -> None:  # type: ignore[no-untyped-def]
    _point("one", 117.01, region=region)
    _point("two", 117.02, region=region)
    within = points_by_distance(
        Position(36.0, 117.0), points=ServicePoint.objects.all(), within_m=1.5 * STEP_M
    )
    assert [p.code for p in within] == ["one"]


@override_settings(KUAIBAN_WALK_SPEED_KMH=4.0)
def test_walking_time_at_the_set_speed() -> None:
    # 4 km/h is 66.7 m a minute: 900 m take 13.5 → 14 minutes, 1000 m exactly 15.
    assert walk_minutes(900) == 14
    assert walk_minutes(1000) == 15
    with override_settings(KUAIBAN_WALK_SPEED_KMH=5.0):
        assert walk_minutes(1000) == 12


def test_an_address_is_placed_by_the_longest_entry_it_contains(region) -> None:  # type: ignore[no-untyped-def]
    Place.objects.create(
        region=region, name="测试市甲区长路", short_name="甲区长路", latitude=36, longitude=117
    )
    Place.objects.create(
        region=region, name="测试市乙区长路", short_name="乙区长路", latitude=36.1, longitude=117
    )
    assert place_for_address("山东省测试市乙区长路5号2单元").name == "测试市乙区长路"
    assert place_for_address("甲区长路8号").name == "测试市甲区长路"  # without the city
    assert place_for_address("丙区短路1号") is None
    assert place_for_address("") is None


def test_the_shipped_data_answers_for_a_jinan_address(points_world) -> None:  # type: ignore[no-untyped-def]
    card = ServiceItem.objects.get(code="1.10.8")
    place = place_for_address("山东省济南市历下区泉城路100号")
    assert place is not None
    found = points_nearest(Position(place.latitude, place.longitude), item=card, limit=3)
    # 泉城路 (36.6650, 117.0230): the 工商银行泉城路支行 is about 150 m away, nearest.
    assert found[0].point.code == "jn-icbc-quancheng"
    assert found[0].distance_m < 300
    assert [f.distance_m for f in found] == sorted(f.distance_m for f in found)
