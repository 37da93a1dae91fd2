"""Each hot item through the web or the API with the demo's generated records (and 职业年金
from the generator itself); each of the pack's 13 hot items' pages leads to a working service;
every read audited; another person's data unreachable (404)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kuaiban.bundles.packfile.files import read_pack
from kuaiban.bundles.packfile.specs import HotItemSpec
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


def test_annuity_query_answers_from_generated_records(intake_world: None) -> None:
    from django.utils import timezone

    from kuaiban.accounts.models import Role, User
    from kuaiban.shareddata.models import OccupationalAnnuity
    from kuaiban.shareddata.services import synthetic_generate

    # People drawn by the generator with their history: 职业年金 for some of those insured now.
    synthetic_generate(people=300, seed=11, as_of=timezone.localdate(), history=True)
    drawn = OccupationalAnnuity.objects.filter(person__generated=True).select_related("person")
    annuity = drawn.order_by("pk").first()
    assert annuity is not None, "the generator drew no 职业年金 among 300 people"
    assert annuity.balance == annuity.unit_total + annuity.personal_total + annuity.earnings
    member = User.objects.create_user(
        username="annuity-member", role=Role.PERSON, id_number=annuity.person.id_number
    )
    client = Client()
    client.force_login(member)
    body = client.get("/api/v1/me/annuity").json()["annuity"]
    assert body == {
        "unit_name": annuity.unit_name,
        "joined_on": annuity.joined_on.isoformat(),
        "status": annuity.status,
        "last_month": annuity.last_month.isoformat() if annuity.last_month else None,
        "unit_total": str(annuity.unit_total),
        "personal_total": str(annuity.personal_total),
        "earnings": str(annuity.earnings),
        "balance": str(annuity.balance),
    }
    page = client.get(reverse("selfservice:annuity")).content.decode()
    assert annuity.unit_name in page
    # A generated person insured without 职业年金 is told there is none.
    without = (
        Person.objects.filter(generated=True, insurance__isnull=False)
        .exclude(pk__in=drawn.values("person_id"))
        .order_by("pk")
        .first()
    )
    assert without is not None
    other = User.objects.create_user(
        username="no-annuity", role=Role.PERSON, id_number=without.id_number
    )
    client.force_login(other)
    assert client.get("/api/v1/me/annuity").json() == {"annuity": None}


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


def _reads(purpose: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="shareddata.read", changes__purpose=purpose).order_by("pk")
    )


@pytest.mark.parametrize(
    ("username", "id_masked", "purpose", "api", "page"),
    [
        ("lixiuying", "370102********122X", "退休待遇查询", "/api/v1/me/pension", "pension"),
        ("zhangjianguo", "370102********1234", "职业年金查询", "/api/v1/me/annuity", "annuity"),
        (
            "zhangjianguo",
            "370102********1234",
            "职业技能证书查询",
            "/api/v1/me/skill-certificates",
            "skills",
        ),
    ],
)
def test_each_query_read_is_audited_on_the_web_and_in_the_api(
    intake_world: None, username: str, id_masked: str, purpose: str, api: str, page: str
) -> None:
    client = as_user(username)
    assert client.get(api).status_code == 200
    assert client.get(reverse(f"selfservice:{page}")).status_code == 200
    rows = _reads(purpose)
    assert [(r.actor.username, r.object_type, r.object_id, r.changes["channel"]) for r in rows] == [
        (username, "person", id_masked, "api"),
        (username, "person", id_masked, "web"),
    ]
    # Another account reaching for these records gets nothing and leaves no read behind.
    officer = as_user("officer-jn-si")
    assert officer.get(api).status_code == 404
    assert officer.get(reverse(f"selfservice:{page}")).status_code == 404
    assert len(_reads(purpose)) == 2


@pytest.mark.parametrize(
    ("username", "id_masked", "kind", "label"),
    [
        ("zhangjianguo", "370102********1234", "contribution_proof", "个人参保缴费证明"),
        ("lixiuying", "370102********122X", "benefit_proof", "待遇领取证明"),
        ("wangfang", "320102********0421", "unemployment_transfer", "参保人员失业保险关系转移证明"),
    ],
)
def test_issuing_a_certificate_is_audited_as_a_read_and_an_issue(
    intake_world: None, username: str, id_masked: str, kind: str, label: str
) -> None:
    client = as_user(username)
    answer = client.post("/api/v1/certificates", {"kind": kind}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    [read] = _reads(f"开具{label}")
    assert (read.actor.username, read.object_id, read.changes["channel"]) == (
        username,
        id_masked,
        "api",
    )
    issued = AuditEvent.objects.get(action="certificate.issue", object_id=answer.json()["code"])
    assert issued.actor.username == username
    assert issued.changes == issued.changes | {"kind": kind, "holder": id_masked, "channel": "api"}
    # On the web page, the same two rows with the web channel.
    page = client.post(reverse("selfservice:certificates"), {"kind": kind})
    assert page.status_code == 302
    assert [r.changes["channel"] for r in _reads(f"开具{label}")] == ["api", "web"]
    assert AuditEvent.objects.filter(action="certificate.issue", changes__kind=kind).count() == 2


def test_a_unit_s_reads_of_its_employees_are_audited(intake_world: None) -> None:
    zhang = Person.objects.get(id_number=ZHANG)
    unit = as_user("unit-qilu")
    assert unit.get(reverse("selfservice:employees")).status_code == 200
    listed = _reads("单位查询职工参保（名单）")
    assert listed and {r.actor.username for r in listed} == {"unit-qilu"}
    assert "370102********1234" in {r.object_id for r in listed}
    assert {r.changes["channel"] for r in listed} == {"unit"}
    assert unit.get(reverse("selfservice:employee", args=[zhang.pk])).status_code == 200
    [detail] = _reads("单位查询职工参保")
    assert (detail.actor.username, detail.object_id) == ("unit-qilu", "370102********1234")
    # Another unit's employee: 404, and no read recorded.
    wang = Person.objects.get(id_number=WANG)
    assert unit.get(reverse("selfservice:employee", args=[wang.pk])).status_code == 404
    other = as_user("unit-jinyang")
    assert other.get(reverse("selfservice:employee", args=[zhang.pk])).status_code == 404
    assert len(_reads("单位查询职工参保")) == 1
    assert not AuditEvent.objects.filter(
        action="shareddata.read", object_id="320102********0421", actor__username="unit-qilu"
    ).exists()


# The 13 热门高频事项 of Shandong 2020 附件3, as the pack file lists them (its own reader).
HOT_PACK = "shandong-2020"


def _hot_items() -> list[HotItemSpec]:
    path = Path(settings.KUAIBAN_PACKS_DIR) / f"{HOT_PACK}.yaml"
    return list(read_pack(path).spec.hot_items)


HOT_ITEMS = _hot_items()


def test_the_pack_lists_thirteen_hot_items_and_they_are_loaded(intake_world: None) -> None:
    from kuaiban.bundles.models import HotItem

    assert len(HOT_ITEMS) == 13
    stored = HotItem.objects.filter(pack__code=HOT_PACK).order_by("seq")
    assert [(h.seq, h.item.code) for h in stored] == [(h.seq, h.item) for h in HOT_ITEMS]


def _online_links(page: str) -> list[str]:
    """The working-service links of an item page: its 在线办理 button, or — for an item done
    inside a bundle — the 在线办理 links of the bundles a person applies for."""
    from kuaiban.bundles.models import Bundle

    [button] = re.findall(r'<a class="button" href="([^"]+)">在线办理', page)
    if button != "#bundles":
        return [button]
    links = []
    for pack, code in re.findall(r'href="/apply/([\w-]+)/([\w-]+)/" aria-label="在线办理', page):
        found = Bundle.objects.get(pack__code=pack, code=code)
        if found.target in ("person", "both"):
            links.append(reverse("intake:scenario", args=[pack, code]))
    return links


@pytest.mark.parametrize("hot", HOT_ITEMS, ids=lambda h: f"{h.seq}-{h.item}")
def test_each_hot_item_page_leads_to_its_working_service(
    intake_world: None, hot: HotItemSpec
) -> None:
    guide = Client().get(reverse("guides:item", args=[hot.item]))  # public: no log-in
    assert guide.status_code == 200
    links = _online_links(guide.content.decode())
    assert links, f"{hot.seed_name}: no working service linked from its page"
    client = as_user("zhangjianguo")
    for link in links:
        assert not link.endswith(".pdf")
        answer = client.get(link, follow=True)
        assert answer.status_code == 200, (hot.seed_name, link)
        assert answer.resolver_match is not None
        assert answer.resolver_match.namespace != "guides", (hot.seed_name, link)


def test_the_pension_transfer_item_leads_into_an_application_with_it(intake_world: None) -> None:
    from kuaiban.applications.models import Application
    from tests.applications.helpers import post_multipart, retirement_body

    [hot] = [h for h in HOT_ITEMS if "养老保险关系转移" in h.seed_name]
    page = Client().get(reverse("guides:item", args=[hot.item])).content.decode()
    assert "城镇职工基本养老保险关系转移接续申请" in page
    links = _online_links(page)
    assert links
    client = as_user("zhangjianguo")
    start = links[0]
    pack, bundle = start.strip("/").split("/")[1:3]
    # The journey: the situation, the question that brings the transfer in, the items, the form.
    first = client.get(start).content.decode()
    scenario = re.findall(r'name="scenario" value="([^"]+)"', first)[0]
    client.post(start, {"scenario": scenario})
    questions = reverse("intake:questions", args=[pack, bundle])
    asked = re.findall(r'name="([a-z_]+)" value="yes"', client.get(questions).content.decode())
    assert "has_other_pension" in asked
    answers = dict.fromkeys(asked, "no") | {"has_other_pension": "yes"}
    client.post(questions, answers)
    items_url = reverse("intake:items", args=[pack, bundle])
    # The answer ticks the transfer among the items to do together.
    chosen = re.findall(
        r'name="items" value="([^"]+)" checked', client.get(items_url).content.decode()
    )
    assert hot.item in chosen
    client.post(items_url, {"items": chosen})
    form = client.get(reverse("intake:form", args=[pack, bundle])).content.decode()
    assert "转入地" in form
    # Submitted, the transfer is a sub-case of its own, routed to the social insurance agency.
    body = retirement_body(
        pack=pack, bundle=bundle, scenario=scenario, answers={"has_other_pension": True}
    )
    body["form"]["transfer_in_region"] = "山东省青岛市"
    answer = post_multipart(client, body, {"personnel_archive": _pdf()})
    assert answer.status_code == 201, answer.content
    application = Application.objects.get(number=answer.json()["number"])
    transfer = application.subcases.get(item__code=hot.item)
    assert transfer.agency.kind == "social_insurance"
    assert application.form["transfer_in_region"] == "山东省青岛市"


def _pdf():  # type: ignore[no-untyped-def]
    from tests.applications.helpers import pdf

    return pdf()


def test_after_issuing_the_chosen_certificate_kind_stays_selected(intake_world: None) -> None:
    client = as_user("zhangjianguo")
    answer = client.post(reverse("selfservice:certificates"), {"kind": "contribution_proof"})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert 'value="contribution_proof" checked' in page
    assert 'value="rights_record" checked' not in page
    # A kind that is not one selects the first, as a first visit does.
    odd = client.get(reverse("selfservice:certificates"), {"kind": "<x>"}).content.decode()
    assert 'value="rights_record" checked' in odd
