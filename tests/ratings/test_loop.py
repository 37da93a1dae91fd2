"""The bad-rating loop: 回访 → 核实 → 整改 → 反馈 → 报告单, 误评 / 恶意评价, 申诉复核."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.core.models import AuditEvent
from kuaiban.documents.render import render_pdf
from kuaiban.integrations.models import OutboxMessage
from kuaiban.ratings.models import (
    Rating,
    RectificationMode,
    RectificationTicket,
    StepKind,
    TicketStatus,
    Verification,
    WindowVisit,
)
from kuaiban.ratings.report import report_document, ticket_report_content
from kuaiban.ratings.services import (
    ticket_appeal,
    ticket_callback,
    ticket_feedback,
    ticket_rectify,
    ticket_rectify_complete,
    ticket_report,
    ticket_review,
    ticket_verify,
)
from kuaiban.ratings.tickets import Forbidden
from tests.ratings.helpers import as_user, first_agency, officer_of, rate

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=SHANGHAI)


def _bad(world, app, level: int = 1) -> RectificationTicket:
    response = rate(as_user(world["zhangjianguo"]), app.number, level=level, comment="窗口推诿")
    assert response.status_code == 201, response.content
    return RectificationTicket.objects.get(pk=response.json()["ticket"]["id"])


def _steps_are_owned_and_timed(ticket: RectificationTicket) -> None:
    steps = list(ticket.steps.all())
    assert steps
    for step in steps:
        assert step.owner_id is not None or step.owner_agency_id is not None, step
        assert step.due_at is not None, step
    assert sum(1 for s in steps if s.done_at is None) <= 1


def _at(moment: dt.datetime):
    return mock.patch.object(timezone, "now", return_value=moment)


@pytest.mark.parametrize("level", [1, 2])
def test_a_bad_rating_opens_a_ticket_with_an_owned_timed_callback(world, done_app, level) -> None:
    ticket = _bad(world, done_app, level)
    agency = first_agency(done_app)
    assert ticket.agency == agency and ticket.status == TicketStatus.CALLBACK
    step = ticket.steps.get()
    assert step.kind == StepKind.CALLBACK and step.owner_agency == agency
    assert step.owner == officer_of(agency)
    # Rated on Monday 2025-03-03: one working day → end of Tuesday, Beijing time.
    assert step.due_at == _end_of("2025-03-04")
    _steps_are_owned_and_timed(ticket)


def test_the_ticket_carries_what_the_rating_is_about(world, done_app) -> None:
    ticket = _bad(world, done_app)
    rating = ticket.rating
    assert (ticket.region_id, ticket.application_id) == (rating.region_id, done_app.pk)
    assert (ticket.pack_id, ticket.bundle_id) == (done_app.pack_id, done_app.bundle_id)
    # A window visit's rating: the application the visit was for, none without one.
    visit = WindowVisit(application=done_app, region_id=rating.region_id)
    of_visit = RectificationTicket.of_rating(Rating(visit=visit, region_id=rating.region_id))
    assert (of_visit.application_id, of_visit.bundle_id) == (done_app.pk, done_app.bundle_id)
    alone = RectificationTicket.of_rating(Rating(visit=WindowVisit(), region_id=1))
    assert (alone.region_id, alone.application_id, alone.pack_id) == (1, None, None)


def test_good_and_neutral_ratings_open_no_ticket(world, done_app) -> None:
    assert rate(as_user(world["zhangjianguo"]), done_app.number, level=3).status_code == 201
    assert not RectificationTicket.objects.exists()


def test_the_callback_time_is_a_setting_counted_in_working_days(world, done_app, settings) -> None:
    settings.KUAIBAN_CALLBACK_WORKING_DAYS = 5
    ticket = _bad(world, done_app)
    # Mon 03-03 + 5 working days = Mon 03-10 (the weekend does not count).
    assert ticket.steps.get().due_at == _end_of("2025-03-10")


def test_true_rating_fixed_at_once_then_feedback_then_the_report_within_5_days(
    world, done_app, frozen_now
) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    # Not reached: the attempt is recorded, the callback stays due.
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=False, note="电话无人接听")
    assert ticket.status == TicketStatus.CALLBACK
    callback = ticket.steps.get(kind=StepKind.CALLBACK)
    assert callback.done_at is None and "未联系上" in callback.note
    with pytest.raises(Unprocessable):
        ticket_callback(actor=officer, ticket=ticket, reached=True, note=" ")
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已电话联系本人")
    assert ticket.status == TicketStatus.VERIFY
    verify = ticket.steps.get(kind=StepKind.VERIFY)
    assert verify.due_at == _end_of("2025-03-06")  # 3 working days
    ticket = ticket_verify(
        actor=officer, ticket=ticket, verdict=Verification.TRUE, note="调取监控，情况属实"
    )
    assert ticket.status == TicketStatus.RECTIFY and ticket.verification == "true"
    a_day_later = frozen_now + dt.timedelta(days=1)
    with _at(a_day_later):
        ticket = ticket_rectify(
            actor=officer, ticket=ticket, mode=RectificationMode.IMMEDIATE, note="已约谈窗口人员"
        )
    assert ticket.status == TicketStatus.FEEDBACK and ticket.rectified_at == a_day_later
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="电话告知整改情况，本人表示认可")
    assert ticket.status == TicketStatus.REPORT
    report = ticket.steps.get(kind=StepKind.REPORT)
    # 整改完成后5日内: rectified Tue 03-04 → report due end of Sun 03-09 (calendar days).
    assert report.due_at == _end_of("2025-03-09") and report.owner_agency == ticket.agency
    _steps_are_owned_and_timed(ticket)
    ticket = ticket_report(actor=officer, ticket=ticket)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None
    assert not ticket.rating.excluded
    assert [s.kind for s in ticket.steps.order_by("pk")] == [
        "callback",
        "verify",
        "rectify",
        "feedback",
        "report",
    ]
    assert all(s.done_at for s in ticket.steps.all())
    actions = set(
        AuditEvent.objects.filter(object_type="ticket", object_id=str(ticket.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions >= {
        "ticket.open",
        "ticket.callback",
        "ticket.verify",
        "ticket.rectify",
        "ticket.feedback",
        "ticket.report",
    }
    # The 报告单 renders as a PDF with its Chinese text extractable.
    content = report_document(ticket_report_content(ticket))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(content))).pages)
    for words in ("政务服务差评事项核查整改情况报告单", "立行立改", "已约谈窗口人员", "属实"):
        assert words in text.replace("\n", ""), words


def test_ledger_rectification_is_due_by_its_deadline(world, done_app) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=Verification.TRUE, note="属实")
    for deadline in (None, dt.date(2025, 3, 3), dt.date(2027, 1, 1)):
        with pytest.raises(Unprocessable) as info:
            ticket_rectify(
                actor=officer,
                ticket=ticket,
                mode=RectificationMode.LEDGER,
                note="需改造系统",
                deadline=deadline,
            )
        assert "deadline" in (info.value.fields or {})
    ticket = ticket_rectify(
        actor=officer,
        ticket=ticket,
        mode=RectificationMode.LEDGER,
        note="需改造系统，已列入台账",
        deadline=dt.date(2025, 3, 20),
    )
    assert ticket.status == TicketStatus.RECTIFY and ticket.rectification_mode == "ledger"
    step = ticket.steps.get(kind=StepKind.RECTIFY)
    assert step.done_at is None and step.due_at == _end_of("2025-03-20")
    with pytest.raises(Conflict):  # the mode is chosen once
        ticket_rectify(actor=officer, ticket=ticket, mode=RectificationMode.IMMEDIATE, note="x")
    ticket = ticket_rectify_complete(actor=officer, ticket=ticket, note="系统已改造上线")
    assert ticket.status == TicketStatus.FEEDBACK and ticket.rectified_at is not None
    assert "系统已改造上线" in ticket.steps.get(kind=StepKind.RECTIFY).note
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已告知")
    ticket = ticket_report(actor=officer, ticket=ticket)
    assert ticket.status == TicketStatus.CLOSED
    _steps_are_owned_and_timed(ticket)


def test_explanation_where_the_request_has_no_legal_basis(world, done_app) -> None:
    ticket = _bad(world, done_app, level=2)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=Verification.TRUE, note="属实")
    ticket = ticket_rectify(
        actor=officer,
        ticket=ticket,
        mode=RectificationMode.EXPLANATION,
        note="提前退休须符合法定条件，已解释政策",
    )
    assert ticket.rectification_mode == "explanation" and ticket.status == TicketStatus.FEEDBACK
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已当面解释")
    assert ticket.status == TicketStatus.REPORT


@pytest.mark.parametrize("verdict", [Verification.MISTAKEN, Verification.MALICIOUS])
def test_mistaken_or_malicious_ratings_are_not_counted_and_the_rater_is_told(
    world, done_app, verdict
) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=verdict, note="本人承认点错")
    rating = ticket.rating
    assert rating.excluded and str(verdict.label) in rating.exclusion_reason
    assert ticket.status == TicketStatus.FEEDBACK
    update = OutboxMessage.objects.get(idempotency_key=f"rating.push:{rating.pk}:{ticket.version}")
    assert update.payload["action"] == "excluded" and update.payload["accepted"] is False
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已告知不予采纳的理由")
    # No rectification, no report: the loop closes after the feedback.
    assert ticket.status == TicketStatus.CLOSED
    assert not ticket.steps.filter(kind__in=[StepKind.RECTIFY, StepKind.REPORT]).exists()
    _steps_are_owned_and_timed(ticket)


def test_the_rater_appeals_an_exclusion_and_the_supervisor_restores_the_rating(
    world, done_app, frozen_now
) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    rater = world["zhangjianguo"]
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    with pytest.raises(Conflict):  # nothing to review before the verification
        ticket_appeal(actor=rater, ticket=ticket, reason="不服")
    ticket = ticket_verify(
        actor=officer, ticket=ticket, verdict=Verification.MALICIOUS, note="多次无理差评"
    )
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已告知")
    assert ticket.status == TicketStatus.CLOSED
    with pytest.raises(Forbidden):  # a stranger may not appeal
        ticket_appeal(actor=world["unit-qilu"], ticket=ticket, reason="x")
    ticket = ticket_appeal(actor=rater, ticket=ticket, reason="我没有恶意，窗口确实推诿")
    assert ticket.status == TicketStatus.APPEAL and ticket.closed_at is None
    appeal = ticket.steps.get(kind=StepKind.APPEAL)
    assert appeal.owner == rater and appeal.done_at is not None and appeal.outcome == "rater"
    review = ticket.steps.get(kind=StepKind.REVIEW)
    # The nearest supervisor: none in 历下区 or 济南市, so the province's.
    assert review.owner == world["supervisor-sd"] and review.done_at is None
    assert review.due_at == _end_of("2025-03-10")  # 5 working days
    _steps_are_owned_and_timed(ticket)
    with pytest.raises(Conflict):  # one appeal per ticket
        ticket_appeal(actor=officer, ticket=ticket, reason="再议")
    with pytest.raises(Forbidden):
        ticket_review(actor=officer, ticket=ticket, verdict=Verification.TRUE, note="x")
    ticket = ticket_review(
        actor=world["supervisor-sd"], ticket=ticket, verdict=Verification.TRUE, note="差评属实"
    )
    rating = ticket.rating
    assert not rating.excluded and rating.exclusion_reason == ""
    restored = OutboxMessage.objects.get(
        idempotency_key=f"rating.push:{rating.pk}:{ticket.version}"
    )
    assert restored.payload["action"] == "restored" and restored.payload["accepted"] is True
    # Never rectified: rectification is due now, then feedback and the report.
    assert ticket.status == TicketStatus.RECTIFY
    ticket = ticket_rectify(
        actor=officer, ticket=ticket, mode=RectificationMode.IMMEDIATE, note="已整改"
    )
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已告知复核结果和整改情况")
    ticket = ticket_report(actor=officer, ticket=ticket)
    assert ticket.status == TicketStatus.CLOSED
    _steps_are_owned_and_timed(ticket)
    sections = [s.heading for s in ticket_report_content(ticket).sections]
    assert "六、申诉复核" in sections


def test_the_agency_appeals_and_the_review_upholds_the_exclusion(world, done_app) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=Verification.TRUE, note="属实")
    assert ticket.status == TicketStatus.RECTIFY
    with pytest.raises(Conflict):  # the rater's rating counts: nothing for them to appeal
        ticket_appeal(actor=world["zhangjianguo"], ticket=ticket, reason="x")
    ticket = ticket_appeal(actor=officer, ticket=ticket, reason="新查明：评价人误操作")
    # The rectification in hand waits for the review.
    rectify = ticket.steps.get(kind=StepKind.RECTIFY)
    assert rectify.outcome == "suspended" and rectify.done_at is not None
    appeal = ticket.steps.get(kind=StepKind.APPEAL)
    assert appeal.outcome == "agency" and appeal.owner_agency == ticket.agency
    ticket = ticket_review(
        actor=world["supervisor-sd"], ticket=ticket, verdict=Verification.MISTAKEN, note="误评"
    )
    assert ticket.rating.excluded and ticket.status == TicketStatus.FEEDBACK
    ticket = ticket_feedback(actor=officer, ticket=ticket, note="已告知复核结论")
    assert ticket.status == TicketStatus.CLOSED
    _steps_are_owned_and_timed(ticket)


def test_no_appeal_after_the_appeal_period(world, done_app, frozen_now, settings) -> None:
    settings.KUAIBAN_APPEAL_DAYS = 3
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=Verification.MISTAKEN, note="误")
    with _at(frozen_now + dt.timedelta(days=4)), pytest.raises(Conflict) as info:
        ticket_appeal(actor=world["zhangjianguo"], ticket=ticket, reason="不服")
    assert info.value.code == "appeal_closed"
    with _at(frozen_now + dt.timedelta(days=3)):
        assert ticket_appeal(actor=world["zhangjianguo"], ticket=ticket, reason="不服").status == (
            TicketStatus.APPEAL
        )


def test_two_officers_at_once_one_wins(world, done_app) -> None:
    ticket = _bad(world, done_app)
    officer = officer_of(ticket.agency)
    colleague = type(officer).objects.create(
        username="colleague", role="officer", agency=ticket.agency
    )
    seen = RectificationTicket.objects.get(pk=ticket.pk)
    stale = RectificationTicket.objects.get(pk=ticket.pk)
    ticket_callback(actor=officer, ticket=seen, reached=True, note="已联系", version=seen.version)
    with pytest.raises(Conflict) as info:
        ticket_callback(
            actor=colleague, ticket=stale, reached=True, note="我也联系了", version=stale.version
        )
    assert info.value.code == "concurrent_update"
    assert RectificationTicket.objects.get(pk=ticket.pk).steps.filter(kind="verify").count() == 1


def test_only_the_agency_officers_work_the_ticket(world, done_app) -> None:
    ticket = _bad(world, done_app)
    for user in (world["officer-jn-emp"], world["supervisor-sd"], world["zhangjianguo"]):
        assert user.agency_id != ticket.agency_id
        with pytest.raises(Forbidden):
            ticket_callback(actor=user, ticket=ticket, reached=True, note="x")
    assert RectificationTicket.objects.get(pk=ticket.pk).status == TicketStatus.CALLBACK
