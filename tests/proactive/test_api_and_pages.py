"""The API and the pages: only the subject (or the unit's account) sees and accepts an offer,
everybody else gets 404; administrators start runs; officers and supervisors see their lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kuaiban.accounts.models import User
from kuaiban.core.models import AuditEvent
from kuaiban.proactive.models import Offer, OfferStatus, ProactiveRun
from kuaiban.shareddata.models import DeathRecord, Enterprise
from tests.proactive.conftest import person, run_now

pytestmark = pytest.mark.django_db
ZHANG = "370102196503121234"


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def offers(published):  # type: ignore[no-untyped-def]
    father = person("37010219380405123X", status="已退休")
    DeathRecord.objects.create(
        person=father,
        died_on=timezone.localdate() - dt.timedelta(days=5),
        next_of_kin_id_number=ZHANG,
        next_of_kin_relation="子女",
    )
    Enterprise.objects.filter(credit_code="91370100MA3C4X5K7L").update(
        size="小型", insured_since=dt.date(2016, 1, 1), employees=80, ui_paid_last_year=60000
    )
    run_now(published["survivors"])
    run_now(published["stabilisation-refund"])
    return {
        "survivors": Offer.objects.get(rule_code="survivors"),
        "refund": Offer.objects.get(
            rule_code="stabilisation-refund", subject_key="91370100MA3C4X5K7L"
        ),
    }


def test_the_person_lists_their_offers_with_reasons(offers) -> None:  # type: ignore[no-untyped-def]
    response = as_user("zhangjianguo").get("/api/v1/offers")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["rule"] == "survivors" and item["version"] == 1
    assert "逝者为退休人员" in item["reason"] and item["deadline"]
    assert AuditEvent.objects.filter(action="offer.read", object_id=str(item["id"])).exists()


def test_the_unit_sees_its_amount_and_computation(offers) -> None:  # type: ignore[no-untyped-def]
    (item,) = as_user("unit-qilu").get("/api/v1/offers").json()["items"]
    assert item["amount"] == "36000.00" and "× 0.6" in item["computation"]
    assert item["status"] == OfferStatus.PUBLICISED


def test_accept_gives_201_with_the_application_number(offers) -> None:  # type: ignore[no-untyped-def]
    response = as_user("zhangjianguo").post(f"/api/v1/offers/{offers['survivors'].pk}/accept")
    assert response.status_code == 201, response.content
    number = response.json()["application"]
    assert as_user("zhangjianguo").get(f"/api/v1/applications/{number}").status_code == 200
    again = as_user("zhangjianguo").post(f"/api/v1/offers/{offers['survivors'].pk}/accept")
    assert again.status_code == 409 and again.json()["error"]["code"] == "offer_closed"


@pytest.mark.parametrize(
    "username", ["wangfang", "unit-qilu", "officer-jn-si", "supervisor-sd", "admin"]
)
def test_somebody_elses_offer_is_404(offers, username: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user(username)
    offer = offers["survivors"]
    for path in (f"/api/v1/offers/{offer.pk}/accept", f"/api/v1/offers/{offer.pk}/decline"):
        response = client.post(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"/me/offers/{offer.pk}/").status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OFFERED
    ids = [i["id"] for i in client.get("/api/v1/offers").json()["items"]]
    assert offer.pk not in ids


def test_decline_by_the_subject(offers) -> None:  # type: ignore[no-untyped-def]
    response = as_user("zhangjianguo").post(f"/api/v1/offers/{offers['survivors'].pk}/decline")
    assert response.status_code == 200 and response.json()["status"] == "declined"


def test_runs_are_for_administrators(published) -> None:  # type: ignore[no-untyped-def]
    body = {"rule": "retirement", "period": "once"}
    denied = as_user("zhangjianguo").post(
        "/api/v1/proactive/runs", body, content_type="application/json"
    )
    assert denied.status_code == 403
    started = as_user("admin").post("/api/v1/proactive/runs", body, content_type="application/json")
    assert started.status_code == 202
    run = as_user("admin").get(f"/api/v1/proactive/runs/{started.json()['id']}").json()
    assert run["status"] == "running" and run["chunks_done"] == 0 and run["counts"]["created"] == 0
    bad = as_user("admin").post(
        "/api/v1/proactive/runs",
        {"rule": "retirement", "period": "2026"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "period" in bad.json()["error"]["fields"]
    missing = as_user("admin").post(
        "/api/v1/proactive/runs",
        {"rule": "nope", "period": "once"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert as_user("admin").get("/api/v1/proactive/runs/999999").status_code == 404


def test_every_published_rule_is_run_together_by_an_administrator(published) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.integrations.models import OutboxKind, OutboxMessage

    denied = as_user("zhangjianguo").post("/api/v1/proactive/runs/all")
    assert denied.status_code == 403 and not OutboxMessage.objects.exists()
    started = as_user("admin").post("/api/v1/proactive/runs/all")
    assert started.status_code == 202
    runs = ProactiveRun.objects.filter(pk__in=started.json()["ids"])
    assert sorted(run.version.rule.code for run in runs) == sorted(published)
    # One message per range and target carries the chunks of every rule of that target.
    messages = OutboxMessage.objects.filter(kind=OutboxKind.PROACTIVE_CHUNK)
    targets = {version.definition["target"] for version in published.values()}
    assert messages.count() == len(targets)
    assert sum(len(m.payload["chunks"]) for m in messages) == len(published)


def test_the_openapi_document_lists_the_endpoints(demo_world: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/offers",
        "/api/v1/offers/{offer_id}/accept",
        "/api/v1/offers/{offer_id}/decline",
        "/api/v1/proactive/runs",
        "/api/v1/proactive/runs/all",
        "/api/v1/proactive/runs/{run_id}",
    ):
        assert path in paths


def test_accepting_on_the_page_takes_two_clicks(offers) -> None:  # type: ignore[no-untyped-def]
    client = as_user("zhangjianguo")
    page = client.get("/me/offers/").content.decode()
    assert "为什么符合条件" in page and "查看并确认办理" in page
    detail = client.get(f"/me/offers/{offers['survivors'].pk}/").content.decode()
    assert "确认办理" in detail
    response = client.post(f"/me/offers/{offers['survivors'].pk}/accept")
    assert response.status_code == 302 and "/me/applications/" in response["Location"]


def test_the_publicity_list_masks_and_takes_objections(offers) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/proactive/publicity/").content.decode()
    assert "91370100MA3C4X5K7L" not in page and "稳岗返还" in page
    response = Client().post(
        "/proactive/publicity/",
        {"offer": offers["refund"].pk, "text": "有异议", "contact": "13900001111"},
    )
    assert response.status_code == 302
    officer_page = as_user("officer-jn-si").get("/proactive/objections/").content.decode()
    assert "有异议" in officer_page and "13900001111" not in officer_page
    assert as_user("zhangjianguo").get("/proactive/objections/").status_code == 404


def test_supervisors_see_counts_and_export_them(offers) -> None:  # type: ignore[no-untyped-def]
    client = as_user("supervisor-sd")
    page = client.get("/proactive/stats/").content.decode()
    # Cities by name, never by their region code.
    assert "失业保险稳岗返还" in page and "济南市" in page and "370100" not in page
    response = client.get("/proactive/stats.xlsx")
    sheet = load_workbook(filename=io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "规则" and len(rows) >= 3
    assert as_user("zhangjianguo").get("/proactive/stats/").status_code == 404


def test_the_demo_shows_silent_certification_to_the_pensioner_and_the_officer(
    demo_world: None,
) -> None:
    """`make demo` (`kuaiban proactive demo`): 李秀英 is certified from her data without a face
    scan and sees it; 赵桂兰 is reminded; a 济南 officer sees both, masked; others do not."""
    from kuaiban.proactive.demo import proactive_demo

    proactive_demo(
        author=User.objects.get(username="admin"),
        reviewer=User.objects.get(username="supervisor-sd"),
    )
    year = str(timezone.localdate().year)
    certified = Offer.objects.get(
        rule_code="silent-certification", subject_key="37010219620508122X"
    )
    reminded = Offer.objects.get(
        rule_code="certification-reminder", subject_key="370102195608201228"
    )
    assert certified.status == OfferStatus.GRANTED and certified.period == year
    assert reminded.period == year
    mine = as_user("lixiuying").get("/me/offers/").content.decode()
    assert "养老保险待遇资格静默认证" in mine and "近6个月内有本人活动记录" in mine
    page = as_user("officer-jn-si").get("/proactive/certification/").content.decode()
    assert "已静默认证" in page and "已提醒认证" in page
    assert "370102********122X" in page and "370102********1228" in page
    assert "37010219620508122X" not in page
    taiyuan = as_user("officer-ty-si").get("/proactive/certification/").content.decode()
    assert "370102********122X" not in taiyuan
    assert as_user("lixiuying").get("/proactive/certification/").status_code == 404
