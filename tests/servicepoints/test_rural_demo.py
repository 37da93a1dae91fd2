"""The demo's countryside: generated people moved to the rural places of 济南's address list
show in the coverage report, inside and outside the 5 km circle (distances by hand)."""

from __future__ import annotations

import math

import pytest
from django.core.management import call_command
from django.test import override_settings

from kuaiban.catalogue.models import Region
from kuaiban.servicepoints.coverage import coverage_report
from kuaiban.servicepoints.demo import rural_residents_demo
from kuaiban.shareddata.models import Person
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db
R = 6_371_008.8


def _generated(count: int) -> None:
    Person.objects.bulk_create(
        Person(
            id_number=make_id_number(region="370102", birth="19700101", seq=f"{n:03d}"),
            name="某",
            gender="男",
            birth_date="1970-01-01",
            address=f"山东省济南市历下区经十路{n}号",
            region_code="370102",
            generated=True,
        )
        for n in range(1, 101)
    )


@override_settings(KUAIBAN_RURAL_RADIUS_KM=5.0)
def test_rural_people_show_in_the_coverage_report(points_world) -> None:  # type: ignore[no-untyped-def]
    _generated(100)
    jinan = Region.objects.get(code="370100")
    moved = rural_residents_demo(region=jinan)
    # 济南's list has five rural places (南部山区 three, 平阴 and 商河 one each): 4 in 100 each.
    assert (moved.places, moved.people) == (5, 20)
    assert Person.objects.filter(address__contains="平阴县孔村镇").count() == 4
    sample = Person.objects.filter(address__contains="商河县玉皇庙镇").first()
    assert sample is not None and sample.address.startswith("山东省济南市商河县玉皇庙镇")
    report = coverage_report(region=jinan)
    rows = {row.place.name: row for row in report.places}
    # 仲宫街道 (36.5580, 117.0400) to its centre's point (36.5610, 117.0430), by hand:
    dlat, dlng = math.radians(0.003), math.radians(0.003)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(36.558)) * math.cos(math.radians(36.561)) * math.sin(dlng / 2) ** 2
    )
    by_hand = 2 * R * math.asin(math.sqrt(a))  # ≈ 428 m
    zhonggong = rows["济南市历城区仲宫街道"]
    assert zhonggong.people == 4 and zhonggong.covered
    assert abs((zhonggong.distance_m or 0) - by_hand) <= 1
    assert zhonggong.circle_m == 5000
    # The county towns have no point within 5 km: listed outside, with their people.
    outside = {row.place.name: row.people for row in report.outside}
    assert outside["济南市平阴县孔村镇"] == 4 and outside["济南市商河县玉皇庙镇"] == 4
    assert report.covered == report.located - sum(outside.values())
    # Running it again writes the same addresses.
    before = list(Person.objects.order_by("pk").values_list("address", flat=True))
    assert rural_residents_demo(region=jinan).people == 20
    assert list(Person.objects.order_by("pk").values_list("address", flat=True)) == before


def test_the_command_reports_each_city(points_world, capsys) -> None:  # type: ignore[no-untyped-def]
    _generated(100)
    call_command("servicepoints_demo_rural")
    out = capsys.readouterr().out
    assert "济南市：20 名生成人口安排到 5 个乡村地点" in out
    assert "太原市：0 名生成人口安排到 5 个乡村地点" in out
