"""Pages and API: each officer sees only the checks of their agency and region (404 otherwise),
the applicant sees their outcome and objects, the second officer reviews, and the dashboard's
figures equal counts from the raw rows."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.test import Client

from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide, subcase_review
from kuaiban.commitments.models import (
    CheckObjection,
    CheckStatus,
    CommitmentCheck,
    ItemPolicy,
)
from kuaiban.commitments.outcomes import check_decision_review, check_outcome_record
from kuaiban.core.models import AuditEvent
from kuaiban.riskcontrol.selectors import risk_figures
from tests.commitments.helpers import check_of, submitted, survivor_body

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def check(world) -> CommitmentCheck:  # type: ignore[no-untyped-def]
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    return check_of(app, "dependant_proof")


def test_the_api_lists_the_officers_checks_and_nobody_elses(world, check) -> None:
    own = _client(world["officer-jn-si"]).get("/api/v1/commitment-checks?status=open")
    assert own.status_code == 200
    listed = own.json()["items"]
    assert [c["id"] for c in listed] == [check.pk]
    assert listed[0] | {"due_at": "x"} == {
        "id": check.pk,
        "application": check.application.number,
        "material": "供养亲属生活来源证明",
        "material_code": "dependant_proof",
        "method": "on_site",
        "status": "pending",
        "status_label": "待核查",
        "due_at": "x",
        "overdue": False,
        "findings": "",
    }
    other = _client(world["officer-ty-si"]).get("/api/v1/commitment-checks")
    assert other.status_code == 200 and other.json()["items"] == []
    applicant = _client(world["zhangjianguo"]).get("/api/v1/commitment-checks")
    assert applicant.status_code == 403
    assert Client().get("/api/v1/commitment-checks").status_code == 401


def test_the_outcome_endpoint_404s_for_another_agency_and_records_for_the_owner(
    world, check
) -> None:
    body = {"outcome": "false", "findings": "入户核查：有工资收入"}
    for officer in ("officer-ty-si", "officer-jn-emp"):
        wrong = _client(world[officer]).post(
            f"/api/v1/commitment-checks/{check.pk}/outcome", body, content_type="application/json"
        )
        assert wrong.status_code == 404, officer
    check.refresh_from_db()
    assert check.status == CheckStatus.PENDING
    bad = _client(world["officer-jn-si"]).post(
        f"/api/v1/commitment-checks/{check.pk}/outcome",
        {"outcome": "maybe", "findings": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422
    done = _client(world["officer-jn-si"]).post(
        f"/api/v1/commitment-checks/{check.pk}/outcome", body, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "false"
    stale = _client(world["officer-jn-si"]).post(
        f"/api/v1/commitment-checks/{check.pk}/outcome",
        body | {"version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_check_pages_are_the_agencys_and_audited(world, check) -> None:
    officer = _client(world["officer-jn-si"])
    page = officer.get("/checks/")
    assert page.status_code == 200 and check.application.number in page.content.decode()
    detail = officer.get(f"/checks/{check.pk}/")
    assert detail.status_code == 200
    assert "370102196503121234" not in detail.content.decode()  # masked
    assert AuditEvent.objects.filter(
        action="commitment_check.read", object_id=str(check.pk), actor=world["officer-jn-si"]
    ).exists()
    assert _client(world["officer-ty-si"]).get(f"/checks/{check.pk}/").status_code == 404
    assert _client(world["wangfang"]).get(f"/checks/{check.pk}/").status_code == 404
    response = officer.post(
        f"/checks/{check.pk}/",
        {"action": "outcome", "outcome": "false", "findings": "不实", "version": check.version},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == CheckStatus.FALSE


def test_the_applicant_sees_the_outcome_and_objects_only_on_their_own(world, check) -> None:
    check_outcome_record(
        actor=world["officer-jn-si"], check=check, confirmed=False, findings="入户核查：有工资收入"
    )
    mine = _client(world["zhangjianguo"])
    page = mine.get("/me/commitments/").content.decode()
    assert "核查不实" in page and "入户核查：有工资收入" in page
    # Another applicant cannot object to it.
    assert (
        _client(world["wangfang"])
        .post("/me/commitments/", {"check": check.pk, "text": "不是我"})
        .status_code
        == 404
    )
    assert mine.post("/me/commitments/", {"check": check.pk, "text": "当日住院"}).status_code == 302
    objection = CheckObjection.objects.get()
    assert objection.commitment_check == check and objection.submitted_by == world["zhangjianguo"]
    assert "正在处理" in mine.get("/me/commitments/").content.decode()


def test_the_review_page_lets_only_a_second_officer_complete(world) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    first = world["officer-jn-si"]
    subcase = subcase_accept(actor=first, subcase=app.subcases.get(item__code="1.6.10"))
    subcase = subcase_decide(actor=first, subcase=subcase, outcome=Outcome.APPROVED)
    # The first officer's own agency has no review post for them: not listed, not completable.
    mine = _client(first)
    assert subcase.seed_name not in mine.get("/checks/review/").content.decode()
    mine.post("/checks/review/", {"subcase": subcase.pk, "decision": "approve"})
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.ACCEPTED
    central = _client(world["officer-sd-review"])
    assert subcase.seed_name in central.get("/checks/review/").content.decode()
    response = central.post(
        "/checks/review/",
        {"subcase": subcase.pk, "decision": "approve", "version": subcase.version},
    )
    assert response.status_code == 302
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED
    assert subcase.reviewed_by == world["officer-sd-review"]
    # A reviewer of another province does not see Shandong's.
    assert _client(world["officer-ty-si"]).get("/checks/review/").status_code == 200


def test_the_dashboard_figures_equal_counts_from_the_raw_rows(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    person = world["zhangjianguo"]
    apps = [
        submitted(
            person, survivor_body(dependant_proof="commitment", cremation_certificate="commitment")
        )
        for _ in range(3)
    ]
    officer = world["officer-jn-si"]
    check_outcome_record(
        actor=officer, check=check_of(apps[0], "dependant_proof"), confirmed=True, findings="属实"
    )
    # The decision that relied on the false commitment was approved by two officers, then revoked.
    relied = subcase_accept(actor=officer, subcase=apps[1].subcases.get(item__code="1.6.10"))
    relied = subcase_decide(actor=officer, subcase=relied, outcome=Outcome.APPROVED)
    subcase_review(actor=world["officer-sd-review"], subcase=relied, approve=True)
    false = check_outcome_record(
        actor=officer, check=check_of(apps[1], "dependant_proof"), confirmed=False, findings="不实"
    )
    check_decision_review(actor=officer, check=false, revoke=True, reason="承诺不实")
    subcase = subcase_accept(actor=officer, subcase=apps[2].subcases.get(item__code="1.6.10"))
    subcase_decide(actor=officer, subcase=subcase, outcome=Outcome.APPROVED)
    supervisor = world["supervisor-sd"]
    figures = risk_figures(user=supervisor)
    rows = CommitmentCheck.objects.all()
    by_item = {r.label: r for r in figures.by_item}
    for name in set(rows.values_list("subcase__seed_name", flat=True)):
        raw = rows.filter(subcase__seed_name=name)
        row = by_item[name]
        assert row.made == raw.count()
        assert row.checked == raw.filter(status__in=["confirmed", "false"]).count()
        assert row.false == raw.filter(status="false").count()
        assert row.open == raw.filter(status__in=CommitmentCheck.OPEN).count()
    assert sum(r.made for r in figures.by_region) == rows.count() == 6
    assert sum(r.false for r in figures.by_item) == rows.filter(status="false").count() == 1
    assert (
        figures.reviews_pending
        == SubCase.objects.filter(
            review_requested_at__isnull=False, status__in=SubCase.RUNNING
        ).count()
        == 1
    )
    assert figures.revoked == SubCase.objects.filter(status="revoked").count() == 1
    assert figures.recovery_flagged == rows.filter(recovery="flagged").count() == 1
    assert figures.discredited == 1
    page = _client(supervisor).get("/checks/dashboard/").content.decode()
    assert f'<dd id="reviews-pending">{figures.reviews_pending}</dd>' in page
    assert f'<dd id="revoked">{figures.revoked}</dd>' in page
    # Other provinces' supervisors see none of it.
    assert risk_figures(user=world["supervisor-shanxi"]).by_item == []
    assert not rows.filter(~Q(region__code__startswith="37")).exists()


def test_the_workbench_says_an_approval_waits_for_review(world) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = app.subcases.get(item__code="1.6.10")
    officer = _client(world["officer-jn-si"])
    url = f"/workbench/subcases/{subcase.pk}/"
    officer.post(url + "accept/", {"version": subcase.version})
    subcase.refresh_from_db()
    response = officer.post(
        url + "approve/", {"version": subcase.version, "result1_name": "核定通知"}, follow=True
    )
    page = response.content.decode()
    assert "已提请复核" in page and "待复核" in page
    subcase.refresh_from_db()
    assert subcase.awaiting_review and subcase.status == SubCaseStatus.ACCEPTED


def test_an_officer_without_the_post_is_told_why_on_the_workbench(world) -> None:
    from kuaiban.riskcontrol.models import Post

    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = app.subcases.get(item__code="1.6.10")
    Post.objects.create(user=world["officer-jn-si"], category="就业创业")
    officer = _client(world["officer-jn-si"])
    url = f"/workbench/subcases/{subcase.pk}/"
    officer.post(url + "accept/", {"version": subcase.version})
    subcase.refresh_from_db()
    response = officer.post(url + "approve/", {"version": subcase.version}, follow=True)
    assert response.status_code == 200
    assert "岗位权限" in response.content.decode()
    subcase.refresh_from_db()
    assert subcase.review_requested_at is None


def test_the_workbench_counts_the_agencys_open_checks(world, check) -> None:
    page = _client(world["officer-jn-si"]).get("/workbench/").content.decode()
    assert '<span class="wb-count">1</span>告知承诺待核查' in page
    other = _client(world["officer-ty-si"]).get("/workbench/").content.decode()
    assert '<span class="wb-count">0</span>告知承诺待核查' in other


def test_the_check_page_says_the_draw_and_the_conclusion_plainly(world, check) -> None:
    CommitmentCheck.objects.filter(pk=check.pk).update(
        sample_rate="0.500", sample_seed="2026", sample_value=0.376151
    )
    check.refresh_from_db()
    check_outcome_record(
        actor=world["officer-jn-si"], check=check, confirmed=False, findings="入户核查：有工资收入"
    )
    page = _client(world["officer-jn-si"]).get(f"/checks/{check.pk}/").content.decode()
    assert "按 50% 比例随机抽中（可复核：种子 2026）" in page
    assert "0.376151" not in page and "抽取值" not in page
    conclusion = page[page.index('id="check-conclusion"') :]
    assert conclusion[: conclusion.index("</dd>")].count("核查不实") == 1
    assert "入户核查：有工资收入" in page


def test_the_applicant_is_told_plainly_what_a_false_finding_means(world, check) -> None:
    mine = _client(world["zhangjianguo"])
    assert "核查结果为不实" not in mine.get("/me/commitments/").content.decode()
    check_outcome_record(
        actor=world["officer-jn-si"], check=check, confirmed=False, findings="入户核查：有工资收入"
    )
    page = mine.get("/me/commitments/").content.decode()
    assert "核查结果为不实" in page and "重新审查" in page and "失信" in page
    refused = ItemPolicy.objects.filter(refuse_when_discredited=True).select_related("item")
    assert refused.exists()
    for policy in refused:
        assert policy.item.name in page
    assert check.agency.name in page
