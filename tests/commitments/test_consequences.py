"""A false commitment is acted on; a high-risk approval waits for a second, different officer."""

from __future__ import annotations

import pytest

from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide, subcase_review
from kuaiban.commitments.models import (
    CheckObjection,
    CheckStatus,
    CreditRecord,
    DecisionReview,
    ItemPolicy,
    ObjectionStatus,
    Recovery,
)
from kuaiban.commitments.outcomes import (
    check_decision_review,
    check_outcome_record,
    objection_decide,
    objection_submit,
)
from kuaiban.core.errors import ApiError, Conflict
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage
from kuaiban.riskcontrol.models import Post
from tests.commitments.helpers import check_of, submit, submitted, survivor_body

pytestmark = pytest.mark.django_db


def _pension_subcase(app) -> SubCase:  # type: ignore[no-untyped-def]
    return app.subcases.get(item__code="1.6.10")


def _approved_by_two(world, subcase: SubCase) -> SubCase:  # type: ignore[no-untyped-def]
    first = world["officer-jn-si"]
    subcase = subcase_accept(actor=first, subcase=subcase)
    subcase = subcase_decide(actor=first, subcase=subcase, outcome=Outcome.APPROVED)
    assert subcase.status == SubCaseStatus.ACCEPTED and subcase.awaiting_review
    return subcase_review(actor=world["officer-sd-review"], subcase=subcase, approve=True)


def test_a_high_risk_approval_waits_for_a_second_different_officer(world) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = _pension_subcase(app)
    first = world["officer-jn-si"]
    subcase = subcase_accept(actor=first, subcase=subcase)
    subcase = subcase_decide(
        actor=first,
        subcase=subcase,
        outcome=Outcome.APPROVED,
        results=[{"kind": "notice", "name": "遗属待遇核定通知", "number": "JN-1"}],
    )
    # The first approval does not take effect: 待复核, the application still in progress.
    assert (subcase.status, subcase.review_requested_by, subcase.decided_at) == (
        SubCaseStatus.ACCEPTED,
        first,
        None,
    )
    # The same officer cannot complete it, nor approve it again.
    with pytest.raises(ApiError) as same:
        subcase_review(actor=first, subcase=subcase, approve=True)
    assert (same.value.status, same.value.code) == (403, "same_officer")
    with pytest.raises(Conflict):
        subcase_decide(actor=first, subcase=subcase, outcome=Outcome.APPROVED)
    # An officer of another agency without a review post cannot either.
    with pytest.raises(ApiError) as other:
        subcase_review(actor=world["officer-jn-emp"], subcase=subcase, approve=True)
    assert other.value.status == 403
    # The province's 集中审核 officer, a different person, completes it.
    done = subcase_review(actor=world["officer-sd-review"], subcase=subcase, approve=True)
    assert done.status == SubCaseStatus.APPROVED
    assert (done.review_requested_by, done.reviewed_by) == (first, world["officer-sd-review"])
    assert done.results[0]["number"] == "JN-1"
    assert AuditEvent.objects.filter(
        action="subcase.review_request", object_id=str(done.pk)
    ).exists()


def test_a_review_post_of_the_same_agency_may_be_the_second_officer(world, make_user) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    first = world["officer-jn-si"]
    colleague = make_user(role="officer", agency=first.agency, region=first.region)
    Post.objects.create(user=colleague, category="社会保险", may_decide=True, may_review=True)
    subcase = subcase_accept(actor=first, subcase=_pension_subcase(app))
    subcase = subcase_decide(actor=first, subcase=subcase, outcome=Outcome.APPROVED)
    # Returned with a reason: back to the first officer, nothing approved.
    returned = subcase_review(actor=colleague, subcase=subcase, approve=False, note="核定金额有误")
    assert returned.review_requested_at is None and returned.status == SubCaseStatus.ACCEPTED
    again = subcase_decide(actor=first, subcase=returned, outcome=Outcome.APPROVED)
    assert subcase_review(actor=colleague, subcase=again, approve=True).status == "approved"


def test_a_post_limits_which_kind_of_item_an_officer_decides(world) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    officer = world["officer-jn-si"]
    Post.objects.create(user=officer, category="就业创业", may_decide=True)
    subcase = subcase_accept(actor=officer, subcase=_pension_subcase(app))
    with pytest.raises(ApiError) as refused:
        subcase_decide(actor=officer, subcase=subcase, outcome=Outcome.REJECTED, note="x")
    assert (refused.value.status, refused.value.code) == (403, "no_post")


def test_a_false_commitment_revokes_the_decision_flags_recovery_and_stops_the_next(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    person = world["zhangjianguo"]
    app = submitted(person, survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    subcase = _approved_by_two(world, _pension_subcase(app))
    officer = world["officer-jn-si"]
    check = check_outcome_record(
        actor=officer, check=check, confirmed=False, findings="入户核查：供养亲属有稳定工资收入"
    )
    assert check.status == CheckStatus.FALSE
    assert check.recovery == Recovery.FLAGGED  # 遗属待遇 pays money and was approved
    assert check.decision_review == DecisionReview.PENDING
    record = CreditRecord.objects.get(commitment_check=check)
    assert (record.id_number, record.recorded_by, record.active) == (
        "370102196503121234",
        officer,
        True,
    )
    told = OutboxMessage.objects.get(idempotency_key=f"commitment.false:{check.pk}")
    assert "供养亲属有稳定工资收入" in told.payload["text"]
    # The officer revokes the decision, with the reason; the applicant's status follows.
    check = check_decision_review(actor=officer, check=check, revoke=True, reason="承诺不实")
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.REVOKED and "承诺不实" in subcase.revoke_reason
    assert check.decision_review == DecisionReview.REVOKED
    assert SubCase.objects.filter(pk=subcase.pk).exists()  # nothing deleted
    # The next commitment of the same person on this item is refused, and says why.
    response = submit(person, survivor_body(dependant_proof="commitment"))
    assert response.status_code == 422
    why = response.json()["error"]["fields"]["materials.dependant_proof"][0]
    assert "告知承诺不实" in why and "供养亲属生活来源证明" in why
    # Handing the material in is still possible.
    from tests.applications.helpers import pdf

    files = {"death_certificate": pdf(), "dependant_proof": pdf()}
    assert submit(person, survivor_body(dependant_proof="upload"), files).status_code == 201


def test_the_applicant_objects_and_an_upheld_objection_lifts_the_record(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    person = world["zhangjianguo"]
    app = submitted(person, survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    officer = world["officer-jn-si"]
    check = check_outcome_record(actor=officer, check=check, confirmed=False, findings="未见其人")
    objection = objection_submit(actor=person, check=check, text="走访当日本人住院，附住院证明")
    with pytest.raises(Conflict):
        objection_submit(actor=person, check=check, text="再提一次")
    objection = objection_decide(actor=officer, objection=objection, upheld=True, note="复核属实")
    assert objection.status == ObjectionStatus.UPHELD
    check.refresh_from_db()
    assert check.status == CheckStatus.CONFIRMED
    record = CreditRecord.objects.get(commitment_check=check)
    assert not record.active and record.lifted_by == officer
    assert CheckObjection.objects.count() == 1
    # With the record lifted, commitments are accepted again.
    assert submit(person, survivor_body(dependant_proof="commitment")).status_code == 201


def test_a_window_clerk_sees_why_a_commitment_is_refused(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    check_outcome_record(
        actor=world["officer-jn-si"],
        check=check_of(app, "dependant_proof"),
        confirmed=False,
        findings="不实",
    )
    body = survivor_body(dependant_proof="commitment")
    body |= {
        "channel": "window",
        "applicant": {"name": "张建国", "id_number": "370102196503121234", "phone": "13905310001"},
    }
    response = submit(world["clerk-lixia"], body)
    assert response.status_code == 422
    assert "告知承诺不实" in response.json()["error"]["fields"]["materials.dependant_proof"][0]
