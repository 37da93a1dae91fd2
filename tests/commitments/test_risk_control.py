"""内控 risk points decided per approval: the amount paid against the bureau's threshold (global,
or the item's own), and a reopened sub-case — each needing a second, different officer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import (
    Outcome,
    subcase_accept,
    subcase_decide,
    subcase_reopen,
    subcase_review,
)
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditEvent
from kuaiban.riskcontrol.models import (
    ItemRisk,
    RiskPoint,
    RiskSettings,
    decision_risk_points,
)
from tests.admin_forms import change_form_data
from tests.commitments.helpers import submitted, survivor_body

pytestmark = pytest.mark.django_db


def _pension(world) -> SubCase:  # type: ignore[no-untyped-def]
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = app.subcases.get(item__code="1.6.10")
    return subcase_accept(actor=world["officer-jn-si"], subcase=subcase)


def _approve(world, subcase: SubCase, amount: str | None) -> SubCase:  # type: ignore[no-untyped-def]
    return subcase_decide(
        actor=world["officer-jn-si"],
        subcase=subcase,
        outcome=Outcome.APPROVED,
        paid_amount=None if amount is None else Decimal(amount),
    )


def test_the_rule_takes_the_amount_against_the_threshold_and_a_reopening() -> None:
    def points(**kw):  # type: ignore[no-untyped-def]
        return decision_risk_points(
            **{"points": ["lump_sum"], "threshold": Decimal(5000), "reopened": False} | kw
        )

    assert points(paid_amount=Decimal("4999.99")) == []
    assert points(paid_amount=Decimal(5000)) == [RiskPoint.LUMP_SUM]
    assert points(paid_amount=None) == [RiskPoint.LUMP_SUM]  # unknown is not taken to be small
    assert points(points=["refund"], paid_amount=Decimal(1)) == [RiskPoint.REFUND]
    assert points(points=[], paid_amount=None, reopened=True) == [RiskPoint.REOPEN]
    assert points(points=["reopen"], paid_amount=None) == []  # only a real reopening counts


def test_a_payment_below_the_global_threshold_takes_effect_and_one_at_it_waits(world) -> None:
    assert RiskSettings.current_threshold() == Decimal(10000)  # the control file's default
    assert ItemRisk.objects.get(item__code="1.6.10").amount_threshold is None
    below = _approve(world, _pension(world), "9999.99")
    assert below.status == SubCaseStatus.APPROVED and not below.awaiting_review
    assert below.paid_amount == Decimal("9999.99")
    at = _approve(world, _pension(world), "10000")
    assert at.status == SubCaseStatus.ACCEPTED and at.awaiting_review
    # The second, different officer makes it take effect.
    done = subcase_review(actor=world["officer-sd-review"], subcase=at, approve=True)
    assert done.status == SubCaseStatus.APPROVED and done.paid_amount == Decimal(10000)


def test_an_items_own_threshold_overrides_the_global_one(world) -> None:
    ItemRisk.objects.filter(item__code="1.6.10").update(amount_threshold=Decimal(3000))
    assert _approve(world, _pension(world), "2999").status == SubCaseStatus.APPROVED
    assert _approve(world, _pension(world), "3000").awaiting_review
    # Raised globally, the item's own threshold still decides.
    RiskSettings.objects.update(amount_threshold=Decimal(1))
    assert _approve(world, _pension(world), "2000").status == SubCaseStatus.APPROVED


def test_the_bureau_sets_the_thresholds_in_the_admin(world, admin_client) -> None:
    settings_row = RiskSettings.objects.get()
    url = f"/admin/riskcontrol/risksettings/{settings_row.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert admin_client.post(url, change_form_data(page, amount_threshold="-1")).status_code == 200
    settings_row.refresh_from_db()
    assert settings_row.amount_threshold == Decimal(10000)  # refused, nothing changed
    response = admin_client.post(url, change_form_data(page, amount_threshold="500"))
    assert response.status_code == 302
    assert _approve(world, _pension(world), "600").awaiting_review
    risk = ItemRisk.objects.get(item__code="1.6.10")
    url = f"/admin/riskcontrol/itemrisk/{risk.pk}/change/"
    page = admin_client.get(url)
    response = admin_client.post(url, change_form_data(page, amount_threshold="800"))
    assert response.status_code == 302
    assert _approve(world, _pension(world), "600").status == SubCaseStatus.APPROVED


def test_the_amount_is_given_on_the_workbench_and_bad_input_is_told(world) -> None:
    subcase = _pension(world)
    officer = Client()
    officer.force_login(world["officer-jn-si"])
    url = f"/workbench/subcases/{subcase.pk}/"
    assert 'id="paid_amount"' in officer.get(url).content.decode()
    bad = officer.post(url + "approve/", {"version": subcase.version, "paid_amount": "12a"})
    assert bad.status_code == 422 and "至多两位小数" in bad.content.decode()
    subcase.refresh_from_db()
    assert subcase.paid_amount is None and subcase.status == SubCaseStatus.ACCEPTED
    officer.post(url + "approve/", {"version": subcase.version, "paid_amount": "8,000.50"})
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED and subcase.paid_amount == Decimal("8000.50")


def test_the_api_takes_the_amount_and_refuses_a_bad_one(world) -> None:
    subcase = _pension(world)
    officer = Client()
    officer.force_login(world["officer-jn-si"])
    url = f"/api/v1/subcases/{subcase.pk}/decision"
    for bad in ("-1", "abc", "1.001"):
        response = officer.post(
            url, {"outcome": "approved", "paid_amount": bad}, content_type="application/json"
        )
        assert response.status_code == 422, (bad, response.content)
    response = officer.post(
        url, {"outcome": "approved", "paid_amount": "20000"}, content_type="application/json"
    )
    assert response.status_code == 200
    subcase.refresh_from_db()
    assert subcase.awaiting_review and subcase.paid_amount == Decimal(20000)
    with pytest.raises(Unprocessable):
        subcase_decide(
            actor=world["officer-jn-si"],
            subcase=_pension(world),
            outcome=Outcome.REJECTED,
            note="不符合条件",
            paid_amount=Decimal(1),
        )


def _low_risk_approved(world) -> SubCase:  # type: ignore[no-untyped-def]
    """工伤保险待遇变更: no risk point; approved by one officer."""
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = app.subcases.get(item__code="1.7.29")
    assert not ItemRisk.objects.filter(item=subcase.item).exclude(points=[]).exists()
    officer = world["officer-jn-si"]
    if subcase.status == SubCaseStatus.OPEN:
        subcase = subcase_accept(actor=officer, subcase=subcase)
    if subcase.status != SubCaseStatus.APPROVED:
        subcase = subcase_decide(actor=officer, subcase=subcase, outcome=Outcome.APPROVED)
    assert subcase.status == SubCaseStatus.APPROVED
    return subcase


def test_a_reopened_subcase_needs_a_second_different_officer(world) -> None:
    subcase = _low_risk_approved(world)
    officer = world["officer-jn-si"]
    with pytest.raises(Unprocessable):
        subcase_reopen(actor=officer, subcase=subcase, reason="  ")
    reopened = subcase_reopen(actor=officer, subcase=subcase, reason="申请人异议成立，重新核定")
    assert (reopened.status, reopened.reopened_by, reopened.decided_at) == (
        SubCaseStatus.ACCEPTED,
        officer,
        None,
    )
    assert reopened.due_at is not None and reopened.reopen_reason == "申请人异议成立，重新核定"
    # Working it again like the first time: the approval now only asks for review.
    waiting = subcase_decide(actor=officer, subcase=reopened, outcome=Outcome.APPROVED)
    assert waiting.status == SubCaseStatus.ACCEPTED and waiting.awaiting_review
    with pytest.raises(ApiError) as same:
        subcase_review(actor=officer, subcase=waiting, approve=True)
    assert same.value.code == "same_officer"
    done = subcase_review(actor=world["officer-sd-review"], subcase=waiting, approve=True)
    assert done.status == SubCaseStatus.APPROVED and done.reviewed_by == world["officer-sd-review"]
    actions = list(
        AuditEvent.objects.filter(object_type="subcase", object_id=str(done.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["subcase.reopen", "subcase.review_request", "subcase.approved"]
    # A sub-case still being worked is not reopened.
    with pytest.raises(Conflict):
        subcase_reopen(actor=officer, subcase=_pension(world), reason="x")


def test_the_reopen_endpoint_is_the_agencys_officers_only_and_shows_on_the_review_page(
    world,
) -> None:
    subcase = _low_risk_approved(world)
    url = f"/api/v1/subcases/{subcase.pk}/reopen"
    other = Client()
    other.force_login(world["officer-ty-si"])
    assert other.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    officer = Client()
    officer.force_login(world["officer-jn-si"])
    empty = officer.post(url, {"reason": ""}, content_type="application/json")
    assert empty.status_code == 422
    stale = officer.post(
        url, {"reason": "重新核定", "version": subcase.version + 5}, content_type="application/json"
    )
    assert stale.status_code == 409
    response = officer.post(
        url, {"reason": "重新核定", "version": subcase.version}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.ACCEPTED and subcase.reopened_at is not None
    decided = officer.post(
        f"/api/v1/subcases/{subcase.pk}/decision",
        {"outcome": "approved"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    reviewer = Client()
    reviewer.force_login(world["officer-sd-review"])
    page = reviewer.get("/checks/review/").content.decode()
    assert "重新办理已办结业务" in page and "重新核定" in page


def test_the_workbench_reopens_a_decided_subcase_with_a_reason(world) -> None:
    subcase = _low_risk_approved(world)
    url = f"/workbench/subcases/{subcase.pk}/"
    other = Client()
    other.force_login(world["officer-ty-si"])
    assert other.post(url + "reopen/", {"version": subcase.version}).status_code == 404
    officer = Client()
    officer.force_login(world["officer-jn-si"])
    assert "确认重新办理" in officer.get(url).content.decode()
    empty = officer.post(url + "reopen/", {"version": subcase.version, "reopen_reason": " "})
    assert empty.status_code == 422 and "请填写重新办理的理由" in empty.content.decode()
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED
    response = officer.post(
        url + "reopen/",
        {"version": subcase.version, "reopen_reason": "原核定依据有误"},
        follow=True,
    )
    page = response.content.decode()
    assert "已重新办理" in page and "理由：原核定依据有误" in page
    subcase.refresh_from_db()
    assert (
        subcase.status == SubCaseStatus.ACCEPTED and subcase.reopened_by == world["officer-jn-si"]
    )
    assert "确认重新办理" not in page  # worked again: the usual actions instead
