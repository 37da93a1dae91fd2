"""跨省通办: 张建国, insured in 济南, reports his social security card lost at a 南京 window; the
sub-case goes to 济南's card agency, whose officer approves it; both sides see the case and the
receipt says where it is handled. Items the handling region's packs do not list are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import Role, User
from kuaiban.applications.crossregion import ItemScope, scope_allows, scope_needed
from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.bundles.models import BundleItem, Provision
from kuaiban.cases.models import SubCase
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.catalogue.models import Agency, Region
from tests.applications.conftest import frozen_now, settings_media  # noqa: F401
from tests.applications.helpers import (
    PDF,
    key_files,
    post_multipart,
    retirement_body,
    submit_page_post,
)

pytestmark = pytest.mark.django_db
ZHANG = "370102196503121234"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nanjing_clerk(cross_region_world, settings_media) -> User:  # noqa: F811
    nanjing = Region.objects.get(code="320100")
    hall, _ = Agency.objects.get_or_create(
        code="320100-service_hall",
        defaults={"name": "南京市人社服务大厅", "kind": "service_hall", "region": nanjing},
    )
    return User.objects.create(
        username="clerk-nanjing", role=Role.CLERK, region=nanjing, agency=hall
    )


def _card_loss(**extra: object) -> dict[str, object]:
    return {
        "pack": "shandong-2020",
        "bundle": "10",
        "scenario": "10-3",
        "items": [],
        "form": {"loss_report_type": "挂失"},
        "materials": {},
        "commitments": {"credit": True},
        "channel": "window",
        "applicant": {"id_number": ZHANG, "name": "张建国", "phone": "13905310001"},
        "handling_region": "370102",
        **extra,
    }


def _submit(clerk: User, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return post_multipart(as_user(clerk), body, {})


def test_the_scope_rule() -> None:
    assert scope_needed(received_province=1, handling_province=2) == ItemScope.CROSS_PROVINCE
    assert scope_needed(received_province=1, handling_province=1) == ItemScope.PROVINCE_WIDE
    assert scope_allows(needed=ItemScope.PROVINCE_WIDE, given={"cross_province"})
    assert not scope_allows(needed=ItemScope.CROSS_PROVINCE, given={"province_wide"})
    assert not scope_allows(needed=ItemScope.PROVINCE_WIDE, given=set())


def test_the_packs_carry_the_scopes_from_their_seeds(cross_region_world) -> None:
    jiangsu = Provision.objects.get(pack__code="jiangsu-2021", code="cross-province")
    assert jiangsu.scope == "cross_province" and "1.10.8" in jiangsu.items
    assert jiangsu.source == "003 正文 三"
    shandong = Provision.objects.get(pack__code="shandong-2023", code="province-wide")
    assert shandong.scope == "province_wide" and "1.6.1" in shandong.items


def test_received_in_nanjing_approved_in_jinan(nanjing_clerk: User) -> None:
    response = _submit(nanjing_clerk, _card_loss())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["handled_in"] == "历下区" and body["received_in"] == "南京市"
    application = Application.objects.get(number=body["number"])
    assert application.number.startswith("320100-")  # numbered where received
    assert application.region.code == "370102" and application.received_region.code == "320100"
    (subcase,) = SubCase.objects.filter(application=application)
    officer = User.objects.get(username="officer-jn-card")
    assert subcase.agency == officer.agency  # 济南's card agency, not 南京's
    # Both sides see the case: the receiving clerk and the handling officer, and the
    # supervisors of both provinces; 南京's card officer does not.
    assert (
        as_user(nanjing_clerk).get(f"/api/v1/applications/{application.number}").status_code == 200
    )
    assert as_user(officer).get(f"/api/v1/applications/{application.number}").status_code == 200
    for name in ("supervisor-sd", "supervisor-jiangsu"):
        seen = as_user(User.objects.get(username=name)).get(
            f"/api/v1/applications/{application.number}"
        )
        assert seen.status_code == 200, name
    for name in ("officer-nj-card", "supervisor-shanxi", "wangfang"):
        other = as_user(User.objects.get(username=name)).get(
            f"/api/v1/applications/{application.number}"
        )
        assert other.status_code == 404, name
    assert as_user(officer).get(f"/workbench/subcases/{subcase.pk}/").status_code == 200
    # The receipt says where it is handled.
    receipt = as_user(nanjing_clerk).get(f"/me/applications/{application.number}/receipt/")
    assert "历下区（跨省通办，南京市收件）" in receipt.content.decode()
    # The 济南 officer approves it; the applicant's status follows.
    subcase.refresh_from_db()
    subcase_decide(
        actor=officer,
        subcase=subcase,
        outcome=Outcome.APPROVED,
        results=[{"kind": "notice", "name": "社会保障卡正式挂失回执", "number": "G1"}],
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DONE


def test_an_item_not_listed_is_refused_and_nothing_stored(nanjing_clerk: User) -> None:
    # 7-1 retirement is 全省通办 in Shandong, not 跨省通办: not from 南京.
    body = _card_loss(bundle="7", scenario="7-1")
    response = _submit(nanjing_clerk, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_cross_region"
    assert "handling_region" in response.json()["error"]["fields"]
    assert not Application.objects.exists()


def test_an_unknown_handling_region_is_422(nanjing_clerk: User) -> None:
    response = _submit(nanjing_clerk, _card_loss(handling_region="999999"))
    assert response.status_code == 422 and "handling_region" in response.json()["error"]["fields"]


def test_the_bureau_edits_the_list(nanjing_clerk: User) -> None:
    """Taking an item off the handling region's list stops receiving it elsewhere."""
    for provision in Provision.objects.filter(pack__code="shandong-2023", scope="cross_province"):
        provision.items = [c for c in provision.items if c != "1.10.7"]
        provision.save()
    assert _submit(nanjing_clerk, _card_loss()).status_code == 422


def test_the_window_pages_take_a_cross_region_walk_in(nanjing_clerk: User) -> None:
    """The 南京 clerk chooses 办理地 历下区 on the window page; the journey offers 山东's bundle
    and the application goes to 济南's card agency."""
    clerk = as_user(nanjing_clerk)
    walk_in = {
        "kind": "person",
        "name": "张建国",
        "identifier": ZHANG,
        "phone": "13905310001",
        "handling_region": "370102",
    }
    assert clerk.post("/window/", walk_in).status_code == 302
    start = clerk.get("/apply/").content.decode()
    assert "社会保障卡服务" in start and "异地收件" in start
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-3"})
    response = clerk.post("/apply/shandong-2020/10/form/", {"loss_report_type": "挂失"})
    assert response.status_code == 302, response.content.decode()
    response = submit_page_post(clerk, "/apply/shandong-2020/10/submit/")
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    assert application.received_region.code == "320100" and application.region.code == "370102"
    assert application.subcases.get().agency == User.objects.get(username="officer-jn-card").agency
    # An unknown 办理地 is refused on the window page.
    bad = clerk.post("/window/", {**walk_in, "handling_region": "999999"})
    assert bad.status_code == 200 and "请选择办理地" in bad.content.decode()


def test_jiangsus_target_of_30_cross_province_items_is_measured(cross_region_world) -> None:
    supervisor = as_user(User.objects.get(username="supervisor-jiangsu"))
    page = supervisor.get("/supervision/").content.decode()
    assert "政策包列为可跨省通办的事项 7 项" in page


def test_the_materials_received_in_nanjing_reach_the_officers_in_jinan(
    nanjing_clerk: User,
) -> None:
    """The scans the 南京 window takes in travel with the case: every officer in 济南 whose
    sub-case it is finds them on the case and opens each, byte for byte; 南京's own officers
    cannot. (7-1 retirement, which the bureau has added to its 跨省通办 list for this.)"""
    items = BundleItem.objects.filter(
        scenario__bundle__pack__code="shandong-2020",
        scenario__bundle__code="7",
        scenario__code="7-1",
    ).values_list("item__code", flat=True)
    listed = Provision.objects.get(pack__code="shandong-2023", scope="cross_province")
    listed.items = sorted({*listed.items, *items})
    listed.save()
    body = retirement_body(
        channel="window",
        applicant={"id_number": ZHANG, "name": "张建国", "phone": "13905310001"},
        handling_region="370102",
    )
    # What 7-1 asks to upload (the rest is online forms and shared data): 人事档案.
    response = post_multipart(as_user(nanjing_clerk), body, key_files("personnel_archive"))
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    assert application.received_region.code == "320100" and application.region.code == "370102"
    stored = list(application.materials.exclude(file=""))
    assert [m.code for m in stored] == ["personnel_archive"]
    subcases = list(SubCase.objects.filter(application=application).select_related("agency"))
    assert len(subcases) > 1
    nanjing = User.objects.filter(role=Role.OFFICER, region__code="320100")
    assert nanjing.exists()
    for subcase in subcases:
        officer = User.objects.filter(role=Role.OFFICER, agency=subcase.agency).first()
        assert officer is not None and officer.region is not None
        assert officer.region.code.startswith("37"), subcase.agency  # handled in Shandong
        client = as_user(officer)
        page = client.get(f"/workbench/subcases/{subcase.pk}/").content.decode()
        for material in stored:
            url = f"/workbench/subcases/{subcase.pk}/materials/{material.pk}/"
            assert url in page  # listed on the case the officer works
            download = client.get(url)
            assert download.status_code == 200, (officer.username, material.code)
            assert b"".join(download.streaming_content) == PDF
            for other in nanjing:
                assert as_user(other).get(url).status_code == 404, other.username
