"""Building blocks of the loop: the conditional transition, steps opened and closed, the
rating excluded or restored, and opening a ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kuaiban.accounts.models import Role, User
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import due_at
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.ratings import conf
from kuaiban.ratings.models import (
    Rating,
    RectificationTicket,
    StepKind,
    TicketStatus,
    TicketStep,
    Verification,
)
from kuaiban.ratings.pushes import rating_push_enqueue
from kuaiban.ratings.selectors import agency_officer

EXCLUDING = (Verification.MISTAKEN, Verification.MALICIOUS)


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------


def working_due(start: dt.datetime, days: int) -> dt.datetime:
    return due_at(start=start, limit=TimeLimit(LimitUnit.WORKING_DAYS, days))


def calendar_due(start: dt.datetime, days: int) -> dt.datetime:
    return due_at(start=start, limit=TimeLimit(LimitUnit.CALENDAR_DAYS, days))


def required_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Unprocessable(message, fields={field: [message]})
    if len(text) > 2000:
        raise Unprocessable("内容过长", fields={field: ["不超过 2000 字"]})
    return text


def officer_of(actor: User | None, ticket: RectificationTicket) -> User:
    if (
        not isinstance(actor, User)
        or actor.role != Role.OFFICER
        or actor.agency_id != ticket.agency_id
    ):
        raise Forbidden("只有责任机构的经办人员可以办理此环节")
    return actor


def transition(
    ticket: RectificationTicket,
    *,
    allowed: set[TicketStatus],
    version: int | None,
    where: dict[str, Any] | None = None,
    **changes: Any,
) -> RectificationTicket:
    """Apply ``changes`` only if nobody acted since the caller looked: one winner, no lost update."""
    if TicketStatus(ticket.status) not in allowed:
        raise Conflict(
            f"工单当前状态为“{ticket.get_status_display()}”，不能执行此操作", code="invalid_state"
        )
    seen = ticket.version if version is None else version
    updated = RectificationTicket.objects.filter(
        pk=ticket.pk, version=seen, status__in=allowed, **(where or {})
    ).update(version=seen + 1, **changes)
    if updated != 1:
        raise Conflict("该工单刚刚已被他人处理，请刷新后查看最新状态", code="concurrent_update")
    ticket.refresh_from_db()
    return ticket


def step_open(
    ticket: RectificationTicket,
    kind: StepKind,
    *,
    due: dt.datetime,
    owner: User | None = None,
    agency_owned: bool = True,
) -> TicketStep:
    """A step of the agency (its first officer named as owner) or of a named user."""
    return TicketStep.objects.create(
        ticket=ticket,
        kind=kind,
        owner=owner if owner is not None or not agency_owned else agency_officer(ticket.agency),
        owner_agency=ticket.agency if agency_owned else None,
        due_at=due,
    )


def step_close(
    ticket: RectificationTicket,
    kind: StepKind,
    *,
    actor: User | None,
    outcome: str,
    note: str,
    now: dt.datetime,
) -> TicketStep:
    step = ticket.steps.filter(kind=kind, done_at__isnull=True).first()
    if step is None:  # the ticket's status and its open step always agree
        raise Conflict("工单环节状态不一致，请刷新后重试", code="invalid_state")
    changes: dict[str, Any] = {"done_at": now, "outcome": outcome, "note": note}
    if actor is not None:
        changes["owner"] = actor  # once done, the owner is who did it
    TicketStep.objects.filter(pk=step.pk, done_at__isnull=True).update(**changes)
    step.refresh_from_db()
    return step


def audit(
    actor: User | None, ticket: RectificationTicket, action: AuditAction, **detail: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="ticket",
        object_id=str(ticket.pk),
        changes={"status": ticket.status, "version": ticket.version, **detail},
    )


def rating_counted(ticket: RectificationTicket, *, excluded: bool, reason: str) -> None:
    """误评 / 恶意评价 are not counted (不予采纳); the province is told of every change."""
    rating = ticket.rating
    reason = reason if excluded else ""
    if rating.excluded == excluded and rating.exclusion_reason == reason:
        return
    Rating.objects.filter(pk=rating.pk).update(excluded=excluded, exclusion_reason=reason)
    rating.refresh_from_db()
    rating_push_enqueue(
        rating=rating, action="excluded" if excluded else "restored", change=ticket.version
    )


# ---------------------------------------------------------------------------------------------
# Opening a ticket (inside the rating's transaction)
# ---------------------------------------------------------------------------------------------


def ticket_open(*, rating: Rating, now: dt.datetime) -> RectificationTicket:
    """A bad rating opens a ticket for the responsible agency, the callback due at once."""
    if rating.agency is None:
        raise Unprocessable("无法确定差评的责任机构", code="no_agency")
    ticket = RectificationTicket.of_rating(rating, agency=rating.agency, opened_at=now)
    ticket.save()
    step_open(ticket, StepKind.CALLBACK, due=working_due(now, conf.callback_working_days()))
    audit(None, ticket, AuditAction.TICKET_OPEN, rating=rating.pk, level=rating.level)
    return ticket
