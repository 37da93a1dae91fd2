"""The coverage report against a case computed by hand (15 minutes' walk at 4 km/h = 1,000 m in
cities, 5 km in the countryside)."""

from __future__ import annotations

import math

import pytest
from django.test import override_settings

from kuaiban.catalogue.models import Region, RegionLevel
from kuaiban.servicepoints.coverage import coverage_report
from kuaiban.servicepoints.models import AreaKind, Place, PointKind, ServicePoint
from kuaiban.shareddata.models import Person
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db

R = 6_371_008.8
LNG_STEP = 0.01 * math.pi / 180 * R * math.cos(math.radians(36))  # 899.59 m at 36° N
LAT_STEP = 0.01 * math.pi / 180 * R  # 1,111.95 m anywhere


def _people(address: str, count: int, start: int) -> None:
    for n in range(count):
        Person.objects.create(
            id_number=make_id_number(region="379901", seq=f"{start + n:03d}"),
            name="某",
            gender="男",
            birth_date="1965-03-15",
            address=address,
            region_code="379901",
        )


@override_settings(
    KUAIBAN_WALK_SPEED_KMH=4.0, KUAIBAN_CITY_WALK_MINUTES=15, KUAIBAN_RURAL_RADIUS_KM=5.0
)
def test_coverage_figures_match_the_hand_computation() -> None:
    city = Region.objects.create(code="379900", name="测试市", level=RegionLevel.CITY)
    ServicePoint.objects.create(
        code="hall",
        name="测试大厅",
        kind=PointKind.HALL,
        region=city,
        address="某路",
        latitude=36.0,
        longitude=117.0,
        opening_hours="9:00—17:00",
    )
    places = {
        # name: (lat, lng, area, people)
        "测试市甲区一路": (36.0, 117.01, AreaKind.URBAN, 3),  # 900 m ≤ 1,000 m: inside
        "测试市甲区二路": (36.0, 117.0125, AreaKind.URBAN, 2),  # 1.25 × 899.6 = 1,124 m: outside
        "测试市乙乡": (36.04, 117.0, AreaKind.RURAL, 4),  # 4 × 1,112 = 4,448 m ≤ 5 km: inside
        "测试市丙乡": (36.05, 117.0, AreaKind.RURAL, 1),  # 5,560 m: outside
    }
    seq = 1
    for name, (lat, lng, area, count) in places.items():
        Place.objects.create(
            region=city,
            name=name,
            short_name=name.removeprefix("测试市"),
            latitude=lat,
            longitude=lng,
            area=area,
        )
        _people(f"某省{name}{seq}号", count, seq)
        seq += count
    _people("某省测试市丁区无名路1号", 1, seq)  # not in the address list
    _people("某省别的市甲区一路1号", 1, seq + 1)  # another city: not counted at all

    report = coverage_report(region=city)

    assert (report.people, report.located, report.covered, report.unlocated) == (11, 10, 7, 1)
    assert report.share == pytest.approx(0.7)
    rows = {r.place.name: r for r in report.places}
    assert rows["测试市甲区一路"].distance_m == round(LNG_STEP) == 900
    assert rows["测试市甲区二路"].distance_m == round(1.25 * LNG_STEP) == 1124
    assert rows["测试市乙乡"].distance_m == round(4 * LAT_STEP) == 4448
    assert rows["测试市丙乡"].distance_m == round(5 * LAT_STEP) == 5560
    assert rows["测试市甲区一路"].circle_m == 1000 and rows["测试市乙乡"].circle_m == 5000
    assert [(r.place.name, r.people) for r in report.outside] == [
        ("测试市甲区二路", 2),
        ("测试市丙乡", 1),
    ]


@override_settings(KUAIBAN_WALK_SPEED_KMH=5.0)
def test_a_faster_walk_widens_the_city_circle() -> None:
    city = Region.objects.create(code="379900", name="测试市", level=RegionLevel.CITY)
    ServicePoint.objects.create(
        code="hall",
        name="测试大厅",
        kind=PointKind.HALL,
        region=city,
        address="某路",
        latitude=36.0,
        longitude=117.0,
        opening_hours="9:00—17:00",
    )
    Place.objects.create(
        region=city, name="测试市甲区二路", short_name="甲区二路", latitude=36.0, longitude=117.0125
    )
    _people("测试市甲区二路1号", 2, 1)
    # 5 km/h × 15 min = 1,250 m ≥ 1,124 m (at 4 km/h, 1,000 m, it was outside).
    assert coverage_report(region=city).covered == 2


def test_the_shipped_jinan_list_places_generated_people(points_world) -> None:  # type: ignore[no-untyped-def]
    city = Region.objects.get(code="370100")
    _people("山东省济南市历下区经十路12号阳光花园1号楼1单元101室", 2, 1)
    report = coverage_report(region=city)
    assert report.located >= 2
    row = next(r for r in report.places if r.place.name == "济南市历下区经十路")
    assert row.people == 2 and row.covered  # the 建设银行经十路支行 is a few hundred metres away


def test_every_street_of_the_demo_districts_is_in_the_address_list(points_world) -> None:  # type: ignore[no-untyped-def]
    """The generator's addresses (`shareddata_generate`, demo districts 历下区 and 迎泽区) are all
    placed: the coverage report counts every generated person of those districts."""
    import random

    from kuaiban.servicepoints.selectors import place_for_address
    from kuaiban.shareddata.synthetic.regions import DISTRICTS

    rng = random.Random(1)
    for code in ("370102", "140106"):
        district = DISTRICTS[code]
        for street in district.streets:
            address = f"{district.full_name}{street}12号阳光花园1号楼1单元101室"
            place = place_for_address(address)
            assert place is not None, address
            assert place.name.endswith(f"{district.name}{street}")
        assert place_for_address(district.address(rng)) is not None
