"""Each hot item through the web or the API with the demo's generated records; every read
audited; another person's data unreachable (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kuaiban.core.models import AuditEvent
from kuaiban.shareddata.models import ContributionMonth, InsuranceRecord, Person
from tests.selfservice.conftest import LI, WANG, ZHANG, as_user

pytestmark = pytest.mark.django_db


def _audited(purpose: str) -> int:
    return AuditEvent.objects.filter(action="shareddata.read", changes__purpose=purpose).count()


def test_demo_records_are_consistent(intake_world: None) -> None:
    zhang = Person.objects.get(id_number=ZHANG)
    months = ContributionMonth.objects.filter(person=zhang)
    assert months.count() == InsuranceRecord.objects.get(person=zhang).contribution_months
    assert months.filter(payer_credit_code="91370100MA3C4X5K7L").exists()


def test_rights_record_api_and_page(intake_world: None) -> None:
    client = as_user("zhangjianguo")
    before = _audited("个人权益记录单")
    body = client.get("/api/v1/me/rights-record").json()
    assert body["id_number"] == "370102********1234"
    assert body["contribution_months"] == sum(y["months"] for y in body["years"])
    assert len(body["recent"]) == 13
    assert body["account"][-1]["closing"] == body["account_balance"]
    page = client.get(reverse("selfservice:rights-record"))
    assert page.status_code == 200 and "逐年缴费情况" in page.content.decode()
    assert _audited("个人权益记录单") == before + 2


def test_rights_record_query_count_does_not_grow_with_history(intake_world: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user("lixiuying")  # 35 years of months
    with CaptureQueriesContext(connection) as long:
        client.get("/api/v1/me/rights-record")
    client = as_user("wangfang")  # 14 years
    with CaptureQueriesContext(connection) as short:
        client.get("/api/v1/me/rights-record")
    assert len(long) == len(short)


def test_si_query(intake_world: None) -> None:
    body = as_user("wangfang").get("/api/v1/me/insurance").json()
    assert body["status"] == "暂停缴费" and body["registrations"][0]["name"].endswith("养老保险")
    assert _audited("社保查询") == 1


def test_pension_query(intake_world: None) -> None:
    body = as_user("lixiuying").get("/api/v1/me/pension").json()["pension"]
    total = sum(float(body[k]) for k in ("basic_part", "account_part", "transitional_part"))
    assert abs(total - float(body["monthly_amount"])) < 0.02
    assert as_user("zhangjianguo").get("/api/v1/me/pension").json() == {"pension": None}
    page = as_user("lixiuying").get(reverse("selfservice:pension"))
    assert "月发放标准" in page.content.decode()


def test_annuity_query(intake_world: None) -> None:
    from kuaiban.shareddata.models import OccupationalAnnuity

    zhang = Person.objects.get(id_number=ZHANG)
    OccupationalAnnuity.objects.create(
        person=zhang, unit_name="济南市历下区第一实验小学", joined_on="2014-10-01",
        unit_total="30000.00", personal_total="15000.00", earnings="2000.00",
        balance="47000.00", status="正常缴费",
    )  # fmt: skip
    body = as_user("zhangjianguo").get("/api/v1/me/annuity").json()
    assert body["annuity"]["balance"] == "47000.00"
    assert as_user("wangfang").get("/api/v1/me/annuity").json() == {"annuity": None}


def test_skill_certificate_query(intake_world: None) -> None:
    body = as_user("zhangjianguo").get("/api/v1/me/skill-certificates").json()
    assert [c["occupation"] for c in body] == ["钳工"]
    page = as_user("zhangjianguo").get(reverse("selfservice:skills"))
    assert "二级/技师" in page.content.decode()


@pytest.mark.parametrize(
    ("username", "kind"),
    [
        ("zhangjianguo", "rights_record"),
        ("zhangjianguo", "contribution_proof"),
        ("lixiuying", "benefit_proof"),
        ("wangfang", "unemployment_transfer"),
    ],
)
def test_certificate_items(intake_world: None, username: str, kind: str) -> None:
    client = as_user(username)
    answer = client.post("/api/v1/certificates", {"kind": kind}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    pdf = client.get(answer.json()["pdf_url"])
    assert pdf["Content-Type"] == "application/pdf" and bytes(pdf.content).startswith(b"%PDF")
    verified = Client().get(f"/api/v1/certificates/verify/{answer.json()['code']}").json()
    assert verified["valid"] and verified["kind"] == kind


def test_benefit_proof_without_benefit_is_422(intake_world: None) -> None:
    answer = as_user("zhangjianguo").post(
        "/api/v1/certificates", {"kind": "benefit_proof"}, content_type="application/json"
    )
    assert answer.status_code == 422


def test_unemployment_benefit_leads_into_bundle_and_transfer_into_item(intake_world: None) -> None:
    hub = as_user("wangfang").get(reverse("selfservice:hub")).content.decode()
    assert reverse("guides:item", args=["1.8.1"]) in hub
    assert reverse("guides:item", args=["1.6.12"]) in hub
    item = Client().get(reverse("guides:item", args=["1.8.1"])).content.decode()
    assert "可在以下“一件事”中一并办理" in item


def test_item_pages_link_to_the_working_service(intake_world: None) -> None:
    page = Client().get(reverse("guides:item", args=["L-rights-record-print"])).content.decode()
    assert reverse("selfservice:rights-record") in page and "在线办理" in page


def test_exam_registration(intake_world: None) -> None:
    import datetime as dt

    from django.utils import timezone

    from kuaiban.selfservice.models import ExamSession

    today = timezone.localdate()  # the world was built on another day: open the exam today
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30)
    )
    client = as_user("wangfang")
    session = client.get("/api/v1/exam-sessions").json()[0]
    made = client.post(
        "/api/v1/exam-registrations", {"session": session["id"]}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["status"] == "submitted"
    again = client.post(
        "/api/v1/exam-registrations", {"session": session["id"]}, content_type="application/json"
    )
    assert again.status_code == 409
    listed = client.get("/api/v1/exam-registrations").json()["items"]
    assert [r["number"] for r in listed] == [made.json()["number"]]
    low = as_user("lixiuying").post(  # 高中: below the exam's 大学专科
        "/api/v1/exam-registrations", {"session": session["id"]}, content_type="application/json"
    )
    assert low.status_code == 422
    # The page names the closing day with its year: a window may run across the new year.
    page = client.get(reverse("selfservice:exams")).content.decode()
    closes = today + dt.timedelta(days=30)
    assert f"报名至 {closes.year}年{closes.month}月{closes.day}日" in page


def test_certificate_mailing(intake_world: None) -> None:
    from kuaiban.accounts.models import User
    from kuaiban.selfservice.models import CertificateMailing
    from kuaiban.selfservice.services import mailing_move

    client = as_user("wangfang")
    cert = next(
        c for c in client.get("/api/v1/me/skill-certificates").json() if c["kind"] == "professional"
    )
    from kuaiban.shareddata.models import SkillCertificate

    pk = SkillCertificate.objects.get(number=cert["number"]).pk
    bad = client.post(
        "/api/v1/certificate-mailings",
        {"certificate": pk, "recipient": "王芳", "phone": "123", "address": "短"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"phone", "address"}
    assert not CertificateMailing.objects.exists()
    made = client.post(
        "/api/v1/certificate-mailings",
        {
            "certificate": pk,
            "recipient": "王芳",
            "phone": "13905250001",
            "address": "江苏省南京市玄武区中山路18号",
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["status"] == "requested"
    other = as_user("zhangjianguo").post(
        "/api/v1/certificate-mailings",
        {
            "certificate": pk,
            "recipient": "张建国",
            "phone": "13905310001",
            "address": "山东省济南市历下区泉城路180号",
        },
        content_type="application/json",
    )
    assert other.status_code == 404
    mailing = CertificateMailing.objects.get()
    officer = User.objects.create(username="exam-officer", role="officer")
    mailing = mailing_move(
        actor=officer, mailing=mailing, to="shipped", version=mailing.version,
        carrier="中国邮政EMS", tracking_number="EMS1234567890",
    )  # fmt: skip
    assert client.get("/api/v1/certificate-mailings").json()["items"][0]["tracking_number"] == (
        "EMS1234567890"
    )


def test_another_person_gets_404_everywhere(intake_world: None) -> None:
    client = as_user("zhangjianguo")
    issued = as_user("wangfang").post(
        "/api/v1/certificates", {"kind": "contribution_proof"}, content_type="application/json"
    )
    code = issued.json()["code"]
    assert client.get(f"/api/v1/certificates/{code}/pdf").status_code == 404
    assert client.get(reverse("selfservice:certificate-pdf", args=[code])).status_code == 404
    officer = as_user("officer-jn-si")
    assert officer.get("/api/v1/me/rights-record").status_code == 404
    assert officer.get(reverse("selfservice:insurance")).status_code == 404


def test_unit_sees_only_its_own_employees(intake_world: None) -> None:
    zhang = Person.objects.get(id_number=ZHANG)
    wang = Person.objects.get(id_number=WANG)
    unit = as_user("unit-qilu")
    listed = unit.get(reverse("selfservice:employees")).content.decode()
    assert "370102********1234" in listed and ZHANG not in listed
    assert unit.get(reverse("selfservice:employee", args=[zhang.pk])).status_code == 200
    assert unit.get(reverse("selfservice:employee", args=[wang.pk])).status_code == 404
    retired = Person.objects.get(id_number=LI)  # a former employee: no longer the unit's
    assert unit.get(reverse("selfservice:employee", args=[retired.pk])).status_code == 404
    assert (
        as_user("unit-jinyang").get(reverse("selfservice:employee", args=[zhang.pk])).status_code
        == 404
    )


def _exam_officer() -> Client:
    return as_user("officer-jn-exam")  # the demo officer of 济南人事考试中心


def test_exam_review_and_mailing_by_the_exam_officer(intake_world: None) -> None:
    import datetime as dt

    from django.utils import timezone

    from kuaiban.selfservice.models import ExamSession
    from kuaiban.shareddata.models import SkillCertificate

    today = timezone.localdate()
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=9)
    )
    person = as_user("zhangjianguo")
    person.post(  # 中等职业教育: below 大学专科, refused
        "/api/v1/exam-registrations",
        {"session": ExamSession.objects.get().pk},
        content_type="application/json",
    )
    wang = as_user("wangfang")
    made = wang.post(
        "/api/v1/exam-registrations",
        {"session": ExamSession.objects.get().pk},
        content_type="application/json",
    ).json()
    officer = _exam_officer()
    review = {"approve": False, "note": "", "version": made["version"]}
    url = f"/api/v1/exam-registrations/{made['number']}/review"
    assert officer.post(url, review, content_type="application/json").status_code == 422
    assert (
        as_user("officer-jn-si").post(url, review, content_type="application/json").status_code
        == 404
    )
    assert (
        wang.post(url, {**review, "approve": True}, content_type="application/json").status_code
        == 404
    )
    done = officer.post(url, {**review, "approve": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    again = officer.post(url, {**review, "approve": True}, content_type="application/json")
    assert again.status_code == 409

    pk = SkillCertificate.objects.get(number="1900320100000123").pk
    mailing = wang.post(
        "/api/v1/certificate-mailings",
        {
            "certificate": pk,
            "recipient": "王芳",
            "phone": "13905250001",
            "address": "江苏省南京市玄武区中山路18号",
        },
        content_type="application/json",
    ).json()
    move = f"/api/v1/certificate-mailings/{mailing['number']}/status"
    shipped = {
        "status": "shipped",
        "version": mailing["version"],
        "carrier": "中国邮政EMS",
        "tracking_number": "EMS1234567890",
    }
    assert wang.post(move, shipped, content_type="application/json").status_code == 404
    assert (
        as_user("officer-jn-si").post(move, shipped, content_type="application/json").status_code
        == 404
    )
    assert (
        officer.post(
            move, {**shipped, "status": "delivered"}, content_type="application/json"
        ).status_code
        == 409
    )
    sent = officer.post(move, shipped, content_type="application/json").json()
    assert sent["status"] == "shipped" and sent["tracking_number"] == "EMS1234567890"
    got = officer.post(
        move, {"status": "delivered", "version": sent["version"]}, content_type="application/json"
    )
    assert got.json()["status"] == "delivered"
    cancel = wang.post(
        move,
        {"status": "cancelled", "version": got.json()["version"]},
        content_type="application/json",
    )
    assert cancel.status_code == 409
