"""The agency's steps: 回访, 核实, 整改 (立行立改 / 台账限期整改 / 解释说明), 反馈, 报告单."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.calendar.arithmetic import end_of_day, local_date
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.ratings import conf
from kuaiban.ratings.models import (
    RectificationMode,
    RectificationTicket,
    StepKind,
    TicketStatus,
    TicketStep,
    Verification,
)
from kuaiban.ratings.tickets.base import (
    audit,
    calendar_due,
    officer_of,
    rating_counted,
    required_text,
    step_close,
    step_open,
    transition,
    working_due,
)

# A 台账 deadline further out than this is taken for a typing mistake.
LEDGER_MAX_DAYS = 366


def ticket_callback(
    *,
    actor: User,
    ticket: RectificationTicket,
    reached: bool,
    note: str,
    version: int | None = None,
) -> RectificationTicket:
    """回访: reached → verify next; not reached → the attempt is recorded, the callback stays due."""
    note = required_text(note, "note", "请记录回访情况：时间、方式、服务对象反映的问题")
    officer_of(actor, ticket)
    now = timezone.now()
    with transaction.atomic():
        if reached:
            ticket = transition(
                ticket, allowed={TicketStatus.CALLBACK}, version=version, status=TicketStatus.VERIFY
            )
            step_close(
                ticket, StepKind.CALLBACK, actor=actor, outcome="reached", note=note, now=now
            )
            step_open(ticket, StepKind.VERIFY, due=working_due(now, conf.verify_working_days()))
        else:
            ticket = transition(ticket, allowed={TicketStatus.CALLBACK}, version=version)
            step = ticket.steps.get(kind=StepKind.CALLBACK, done_at__isnull=True)
            stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
            attempt = f"{stamp} 未联系上：{note}"
            TicketStep.objects.filter(pk=step.pk).update(
                note=f"{step.note}\n{attempt}".strip(), outcome="unreached"
            )
        audit(actor, ticket, AuditAction.TICKET_CALLBACK, reached=reached)
    return ticket


def ticket_verify(
    *,
    actor: User,
    ticket: RectificationTicket,
    verdict: Verification,
    note: str,
    version: int | None = None,
) -> RectificationTicket:
    """核实: 属实 → rectify; 误评 / 恶意评价 → not counted, tell the rater, then close."""
    verdict = Verification(verdict)
    note = required_text(note, "note", "请写明核实经过和依据")
    officer_of(actor, ticket)
    now = timezone.now()
    true = verdict == Verification.TRUE
    with transaction.atomic():
        ticket = transition(
            ticket,
            allowed={TicketStatus.VERIFY},
            version=version,
            status=TicketStatus.RECTIFY if true else TicketStatus.FEEDBACK,
            verification=verdict,
        )
        step_close(ticket, StepKind.VERIFY, actor=actor, outcome=verdict, note=note, now=now)
        if true:
            step_open(ticket, StepKind.RECTIFY, due=working_due(now, conf.rectify_working_days()))
        else:
            rating_counted(ticket, excluded=True, reason=f"{verdict.label}：{note}")
            step_open(ticket, StepKind.FEEDBACK, due=working_due(now, conf.feedback_working_days()))
        audit(actor, ticket, AuditAction.TICKET_VERIFY, verdict=verdict)
    return ticket


def ticket_rectify(
    *,
    actor: User,
    ticket: RectificationTicket,
    mode: RectificationMode,
    note: str,
    deadline: dt.date | None = None,
    version: int | None = None,
) -> RectificationTicket:
    """整改: 立行立改 and 解释说明 are done now; 台账限期整改 is due by ``deadline``."""
    mode = RectificationMode(mode)
    note = required_text(note, "note", _RECTIFY_NOTE[mode])
    officer_of(actor, ticket)
    now = timezone.now()
    if mode == RectificationMode.LEDGER:
        return _ledger_open(actor, ticket, note=note, deadline=deadline, version=version, now=now)
    with transaction.atomic():
        ticket = transition(
            ticket,
            allowed={TicketStatus.RECTIFY},
            version=version,
            where={"rectification_mode": ""},
            status=TicketStatus.FEEDBACK,
            rectification_mode=mode,
            rectified_at=now,
        )
        step_close(ticket, StepKind.RECTIFY, actor=actor, outcome=mode, note=note, now=now)
        step_open(ticket, StepKind.FEEDBACK, due=working_due(now, conf.feedback_working_days()))
        audit(actor, ticket, AuditAction.TICKET_RECTIFY, mode=mode)
    return ticket


_RECTIFY_NOTE = {
    RectificationMode.IMMEDIATE: "请写明已采取的整改措施",
    RectificationMode.LEDGER: "请说明情况复杂、一时难以解决的理由和整改计划",
    RectificationMode.EXPLANATION: "请写明缺乏法定依据的理由和向服务对象所作的解释",
}


def _ledger_open(
    actor: User,
    ticket: RectificationTicket,
    *,
    note: str,
    deadline: dt.date | None,
    version: int | None,
    now: dt.datetime,
) -> RectificationTicket:
    today = local_date(now)
    if deadline is None:
        raise Unprocessable("台账限期整改须写明整改期限", fields={"deadline": ["请填写整改期限"]})
    if deadline <= today:
        raise Unprocessable("整改期限应在今天之后", fields={"deadline": ["应在今天之后"]})
    if deadline > today + dt.timedelta(days=LEDGER_MAX_DAYS):
        raise Unprocessable("整改期限不应超过一年", fields={"deadline": ["不应超过一年"]})
    with transaction.atomic():
        ticket = transition(
            ticket,
            allowed={TicketStatus.RECTIFY},
            version=version,
            where={"rectification_mode": ""},
            rectification_mode=RectificationMode.LEDGER,
        )
        # The 台账 deadline replaces the step's due time; a new deadline may alert again.
        ticket.steps.filter(kind=StepKind.RECTIFY, done_at__isnull=True).update(
            due_at=end_of_day(deadline),
            outcome=RectificationMode.LEDGER,
            note=note,
            overdue_alerted=False,
        )
        audit(actor, ticket, AuditAction.TICKET_LEDGER, deadline=deadline.isoformat())
    return ticket


def ticket_rectify_complete(
    *, actor: User, ticket: RectificationTicket, note: str, version: int | None = None
) -> RectificationTicket:
    """台账整改完成: the ledger entry is done; feedback to the rater next."""
    note = required_text(note, "note", "请写明整改完成情况")
    officer_of(actor, ticket)
    now = timezone.now()
    with transaction.atomic():
        ticket = transition(
            ticket,
            allowed={TicketStatus.RECTIFY},
            version=version,
            where={"rectification_mode": RectificationMode.LEDGER},
            status=TicketStatus.FEEDBACK,
            rectified_at=now,
        )
        step = ticket.steps.get(kind=StepKind.RECTIFY, done_at__isnull=True)
        step_close(
            ticket,
            StepKind.RECTIFY,
            actor=actor,
            outcome=RectificationMode.LEDGER,
            note=f"{step.note}\n完成情况：{note}",
            now=now,
        )
        step_open(ticket, StepKind.FEEDBACK, due=working_due(now, conf.feedback_working_days()))
        audit(actor, ticket, AuditAction.TICKET_RECTIFY_COMPLETE)
    return ticket


def ticket_feedback(
    *, actor: User, ticket: RectificationTicket, note: str, version: int | None = None
) -> RectificationTicket:
    """反馈: the rater is told; a 属实 rating's report is due next, any other ticket closes."""
    note = required_text(note, "note", "请记录向评价人反馈的方式和内容")
    officer_of(actor, ticket)
    now = timezone.now()
    report_due = _report_pending(ticket)
    with transaction.atomic():
        if report_due:
            ticket = transition(
                ticket,
                allowed={TicketStatus.FEEDBACK},
                version=version,
                status=TicketStatus.REPORT,
            )
        else:
            ticket = transition(
                ticket,
                allowed={TicketStatus.FEEDBACK},
                version=version,
                status=TicketStatus.CLOSED,
                closed_at=now,
            )
        step_close(ticket, StepKind.FEEDBACK, actor=actor, outcome="done", note=note, now=now)
        if report_due:
            rectified = ticket.rectified_at or now
            step_open(ticket, StepKind.REPORT, due=calendar_due(rectified, conf.report_days()))
        audit(actor, ticket, AuditAction.TICKET_FEEDBACK)
    return ticket


def _report_pending(ticket: RectificationTicket) -> bool:
    if ticket.verification != Verification.TRUE:
        return False
    return not ticket.steps.filter(kind=StepKind.REPORT, outcome="submitted").exists()


def ticket_report(
    *, actor: User, ticket: RectificationTicket, note: str = "", version: int | None = None
) -> RectificationTicket:
    """报告单报送行风办: the loop is closed."""
    officer_of(actor, ticket)
    note = (note or "").strip()[:2000]
    now = timezone.now()
    with transaction.atomic():
        ticket = transition(
            ticket,
            allowed={TicketStatus.REPORT},
            version=version,
            status=TicketStatus.CLOSED,
            closed_at=now,
        )
        step_close(ticket, StepKind.REPORT, actor=actor, outcome="submitted", note=note, now=now)
        audit(actor, ticket, AuditAction.TICKET_REPORT)
    return ticket


def ticket_contact_read_record(*, actor: User, ticket: RectificationTicket) -> None:
    """The officer's ticket page shows the rater's phone in full (for the callback): audited."""
    audit_record(
        actor=actor,
        action=AuditAction.TICKET_CONTACT_READ,
        object_type="ticket",
        object_id=str(ticket.pk),
        changes={"rating": ticket.rating_id},
    )
