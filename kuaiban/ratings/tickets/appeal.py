"""申诉复核: the rater (against 误评 / 恶意评价) or the agency asks; a supervisor decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.ratings import conf
from kuaiban.ratings.models import (
    RectificationTicket,
    StepKind,
    TicketStatus,
    TicketStep,
    Verification,
)
from kuaiban.ratings.selectors import region_supervisor, ticket_last_step
from kuaiban.ratings.tickets.base import (
    EXCLUDING,
    Forbidden,
    audit,
    calendar_due,
    rating_counted,
    required_text,
    step_close,
    step_open,
    transition,
    working_due,
)

_APPEALABLE = {
    TicketStatus.RECTIFY,
    TicketStatus.FEEDBACK,
    TicketStatus.REPORT,
    TicketStatus.CLOSED,
}


def appeal_deadline(ticket: RectificationTicket) -> dt.datetime | None:
    """The last moment to appeal: ``KUAIBAN_APPEAL_DAYS`` after the verification."""
    verified = ticket_last_step(ticket, StepKind.VERIFY)
    if verified is None or verified.done_at is None:
        return None
    return calendar_due(verified.done_at, conf.appeal_days())


def appeal_refusal(
    *, actor: User | None, ticket: RectificationTicket, now: dt.datetime
) -> ApiError | None:
    """Why ``actor`` may not appeal now, or None if they may (pages use it to offer the form)."""
    rater = isinstance(actor, User) and ticket.rating.rated_by_id == actor.pk
    officer = (
        isinstance(actor, User)
        and actor.role == Role.OFFICER
        and actor.agency_id == ticket.agency_id
    )
    if not rater and not officer:
        return Forbidden("只有评价人或责任机构可以申请复核")
    if TicketStatus(ticket.status) not in _APPEALABLE or not ticket.verification:
        return Conflict("核实完成后才能申请复核", code="appeal_not_allowed")
    if rater and ticket.verification not in EXCLUDING:
        return Conflict("您的评价已被采纳，无需申请复核", code="appeal_not_allowed")
    if ticket.steps.filter(kind=StepKind.APPEAL).exists():
        return Conflict("每张工单只能申请一次复核", code="appeal_not_allowed")
    deadline = appeal_deadline(ticket)
    if deadline is None or now > deadline:
        return Conflict("已超过申请复核的期限", code="appeal_closed")
    return None


def ticket_appeal(
    *, actor: User, ticket: RectificationTicket, reason: str, version: int | None = None
) -> RectificationTicket:
    """申诉: the rater (against 误评 / 恶意评价) or the agency asks supervisors to review."""
    reason = required_text(reason, "reason", "请写明申请复核的理由")
    now = timezone.now()
    refusal = appeal_refusal(actor=actor, ticket=ticket, now=now)
    if refusal is not None:
        raise refusal
    reviewer = region_supervisor(ticket.rating.region) or (
        User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    )
    if reviewer is None:
        raise Unprocessable("本地区没有监督人员，无法复核，请联系行风办", code="no_reviewer")
    by_agency = ticket.rating.rated_by_id != actor.pk
    deadline = appeal_deadline(ticket)
    assert deadline is not None  # appeal_refusal checked it
    with transaction.atomic():
        ticket = transition(
            ticket, allowed=_APPEALABLE, version=version, status=TicketStatus.APPEAL, closed_at=None
        )
        # Work in hand waits for the review's outcome; it is opened afresh afterwards.
        ticket.steps.filter(done_at__isnull=True).update(done_at=now, outcome="suspended")
        TicketStep.objects.create(
            ticket=ticket,
            kind=StepKind.APPEAL,
            owner=actor,
            owner_agency=ticket.agency if by_agency else None,
            due_at=deadline,
            done_at=now,
            outcome="agency" if by_agency else "rater",
            note=reason,
        )
        step_open(
            ticket,
            StepKind.REVIEW,
            due=working_due(now, conf.review_working_days()),
            owner=reviewer,
            agency_owned=False,
        )
        audit(actor, ticket, AuditAction.TICKET_APPEAL, by="agency" if by_agency else "rater")
    return ticket


def ticket_review(
    *,
    actor: User,
    ticket: RectificationTicket,
    verdict: Verification,
    note: str,
    version: int | None = None,
) -> RectificationTicket:
    """复核 by a supervisor: the verdict stands or changes, and the loop goes on from there."""
    verdict = Verification(verdict)
    note = required_text(note, "note", "请写明复核意见")
    if not isinstance(actor, User) or actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("只有监督人员可以复核")
    now = timezone.now()
    true = verdict == Verification.TRUE
    rectify = true and ticket.rectified_at is None
    changes: dict[str, Any] = {
        "status": TicketStatus.RECTIFY if rectify else TicketStatus.FEEDBACK,
        "verification": verdict,
    }
    if rectify:
        changes["rectification_mode"] = ""  # a suspended 台账 is chosen again
    with transaction.atomic():
        ticket = transition(ticket, allowed={TicketStatus.APPEAL}, version=version, **changes)
        step_close(ticket, StepKind.REVIEW, actor=actor, outcome=verdict, note=note, now=now)
        rating_counted(ticket, excluded=not true, reason=f"复核认定{verdict.label}：{note}")
        if rectify:
            step_open(ticket, StepKind.RECTIFY, due=working_due(now, conf.rectify_working_days()))
        else:
            step_open(ticket, StepKind.FEEDBACK, due=working_due(now, conf.feedback_working_days()))
        audit(actor, ticket, AuditAction.TICKET_REVIEW, verdict=verdict)
    return ticket
