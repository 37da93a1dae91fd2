"""Applications use the most local pack covering the applicant's region: a 历下区 applicant
asking for the Shandong pack is served by the 济南 pack (its bundles, its limits, its routes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.calendar.selectors import add_working_days
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import Region
from kuaiban.catalogue.routing import RoutingTable
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.worlds import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(jinan_world: None, settings, tmp_path: Path) -> dict[str, User]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return {u.username: u for u in User.objects.all()}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_jinan_applicant_asking_for_the_province_pack_is_served_by_the_jinan_pack(people):
    response = post_multipart(
        _client(people["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert app.pack.code == "jinan-2020"
    assert app.snapshot["pack"]["code"] == "jinan-2020"
    assert app.bundle.pack.code == "jinan-2020" and app.bundle.code == "7"


def test_the_local_bundle_plans_with_the_shortened_limit_and_routes_to_staffed_agencies(people):
    bundle = bundle_get(pack_code="jinan-2020", bundle_code="L1")
    plan = bundle_plan(bundle=bundle, scenario_code="L1-1", start=NOW, applicant_kind="person")
    by_code = {s.code: s for s in plan.subitems}
    assert set(by_code) == {"2.7.1", "2.4.2"}
    # 就业登记: Shandong promises 5 working days, 济南 3.
    assert by_code["2.4.2"].limits.promised.value == 3
    due = by_code["2.4.2"].due_at
    assert due is not None
    assert timezone.localtime(due).date() == add_working_days(start=NOW.date(), days=3)
    province = bundle_plan(
        bundle=bundle_get(pack_code="shandong-2020", bundle_code="1"),
        scenario_code="1-1",
        start=NOW,
        applicant_kind="unit",
    )
    assert {s.code: s for s in province.subitems}["2.4.2"].limits.promised.value == 5
    table = RoutingTable.for_region(Region.objects.get(code="370102"))
    staffed = set(
        User.objects.filter(role="officer", is_active=True).values_list("agency_id", flat=True)
    )
    for row in bundle.scenarios.get(code="L1-1").bundle_items.select_related("item"):
        agency = table.agency_for(row.item)
        assert agency is not None and agency.pk in staffed, row.item.code
        assert agency.region.code == "370100"


def test_an_applicant_elsewhere_cannot_use_the_jinan_pack(people):
    body = retirement_body(pack="jinan-2020")
    response = post_multipart(_client(people["wangfang"]), body, {"personnel_archive": pdf()})
    assert response.status_code == 422
    error = response.json()["error"]
    assert "只适用于济南市" in error["message"] and error["fields"]["pack"]
    assert Application.objects.count() == 0 and SubCase.objects.count() == 0


def test_the_apply_page_offers_the_jinan_pack_with_its_local_bundle_and_faster_limits(people):
    page = _client(people["zhangjianguo"]).get("/apply/").content.decode()
    links = set(re.findall(r'href="/apply/([\w-]+/\w+)/"', page))
    assert links and all(link.startswith("jinan-2020/") for link in links)
    assert {"jinan-2020/7", "jinan-2020/L1"} <= links
    assert "高校毕业生来济就业" in page and "济南市本地" in page
    assert "就业登记：3工作日办结（山东省为5工作日）" in page
    assert "城镇职工基本养老保险关系转移接续申请：10工作日办结（山东省为15工作日）" in page


def test_a_jinan_applicant_opening_a_province_bundle_is_sent_to_the_jinan_one(people):
    response = _client(people["zhangjianguo"]).get("/apply/shandong-2020/7/")
    assert response.status_code == 302
    assert response["Location"] == "/apply/jinan-2020/7/"
