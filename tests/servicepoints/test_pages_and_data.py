"""The points page's map (tile server or SVG plot, with its policy), the coverage page's access,
and the data file: every problem listed, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from kuaiban.accounts.models import User
from kuaiban.core.errors import Unprocessable
from kuaiban.core.security_headers import CONTENT_SECURITY_POLICY
from kuaiban.servicepoints.models import Place, ServicePoint
from kuaiban.servicepoints.services import servicepoints_load

pytestmark = pytest.mark.django_db


def test_without_a_tile_server_the_page_draws_an_svg_plot(points_world, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/service-points/", {"address": "迎泽区五一路"})
    page = response.content.decode()
    assert "<svg" in page and "leaflet.js" not in page
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "太原五一路邮政支局" in page.split("</ol>")[0].split("<ol")[1].split("</li>")[0]


@override_settings(
    KUAIBAN_MAP_TILE_URL="https://tiles.example.cn/{z}/{x}/{y}.png",
    KUAIBAN_MAP_ATTRIBUTION="某市测绘院",
)
def test_with_a_tile_server_leaflet_draws_and_the_policy_allows_its_images(
    points_world, client
) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/service-points/", {"address": "迎泽区五一路"})
    page = response.content.decode()
    assert (
        "vendor/leaflet/leaflet.js" in page
        and 'data-tiles="https://tiles.example.cn/{z}/{x}/{y}.png"' in page
    )
    assert "某市测绘院" in page and "sp-plot" not in page
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.cn" in policy
    assert "script-src 'self';" in policy  # nothing else is loosened


def test_the_coverage_page_is_for_supervisors_of_the_region(points_world) -> None:  # type: ignore[no-untyped-def]
    supervisor = Client()
    supervisor.force_login(User.objects.get(username="supervisor-sd"))
    page = supervisor.get("/service-points/coverage/").content.decode()
    assert "济南市" in page and "太原市" not in page and "服务圈以外的地点" in page
    person = Client()
    person.force_login(User.objects.get(username="zhangjianguo"))
    assert person.get("/service-points/coverage/").status_code == 404
    assert Client().get("/service-points/coverage/").status_code == 302  # to the log-in page


def test_a_bad_file_lists_every_problem_and_stores_nothing(points_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        """
region: {code: "370100", name: 济南市}
source: 测试
points:
  - {code: a, name: A, kind: castle, address: 某路, at: [95, 117], hours: 全天, accepts: ["1.10.8"], decides: ["1.10.1"]}
  - {code: b, name: B, kind: bank, address: 某路, at: [36, 117], hours: 全天, accepts: ["no-such"]}
places:
  - {name: 济南市甲区, at: [36, 117]}
  - {name: 济南市甲区一路, at: [36, 117]}
  - {name: 太原市某路, at: [36, 117]}
""",
        encoding="utf-8",
    )
    before = (ServicePoint.objects.count(), Place.objects.count())
    with pytest.raises(Unprocessable) as refused:
        servicepoints_load(path=bad)
    message = refused.value.message
    for expected in (
        "kind 应为",
        "纬度应在",
        "授权办理的事项须同时委托受理",
        "no-such",
        "相互包含",
        "应以 济南市 开头",
    ):
        assert expected in message, expected
    assert (ServicePoint.objects.count(), Place.objects.count()) == before


def test_reloading_keeps_an_admin_edit_of_an_unchanged_entry(points_world) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    ServicePoint.objects.filter(code="jn-lixia-hall").update(phone="0531-88888888")
    result = servicepoints_load(
        path=Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints" / "jinan.yaml"
    )
    assert result.points_created == result.points_updated == 0
    assert ServicePoint.objects.get(code="jn-lixia-hall").phone == "0531-88888888"


def test_a_first_visit_lists_the_persons_own_city_and_全部_lists_every_city(points_world) -> None:  # type: ignore[no-untyped-def]
    person = Client()
    person.force_login(User.objects.get(username="zhangjianguo"))  # lives in 历下区, 济南市
    first = person.get("/service-points/").content.decode()
    assert '<option value="370100" selected>' in first
    listed = first.split("<ol")[1].split("</ol>")[0]
    assert "济南" in listed and "太原" not in listed
    every = person.get("/service-points/", {"region": ""}).content.decode()
    assert "太原" in every.split("<ol")[1].split("</ol>")[0]
    anonymous = Client().get("/service-points/").content.decode()
    assert (
        '<option value="" selected>' not in anonymous
        and "selected>" not in anonymous.split('id="sp-region"')[1].split("</select>")[0]
    )
