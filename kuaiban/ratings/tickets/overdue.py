"""Overdue steps: each alerted once to the supervisors, claimed by a conditional UPDATE."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kuaiban.core.audit import audit_record
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.ratings.models import TicketStep
from kuaiban.ratings.selectors import ticket_steps_overdue


def ticket_overdue_alert(*, now: dt.datetime, limit: int = 500) -> int:
    """Alert the supervisors once per overdue step: claimed by a conditional UPDATE, so two
    sweeps running at once send one alert. A 台账 deadline set later may alert again."""
    sent = 0
    candidates = list(ticket_steps_overdue(now=now).filter(overdue_alerted=False)[:limit])
    for step in candidates:
        with transaction.atomic():
            claimed = TicketStep.objects.filter(
                pk=step.pk, overdue_alerted=False, done_at__isnull=True, due_at=step.due_at
            ).update(overdue_alerted=True)
            if claimed != 1:
                continue
            outbox_enqueue(
                kind=OutboxKind.DEADLINE_ALERT,
                key=f"ticket.overdue:{step.pk}:{step.due_at:%Y%m%d%H%M}",
                payload=_alert_payload(step),
            )
            audit_record(
                actor=None,
                action=AuditAction.TICKET_STEP_OVERDUE,
                object_type="ticket",
                object_id=str(step.ticket_id),
                changes={"step": step.pk, "kind": step.kind},
            )
        sent += 1
    return sent


def _alert_payload(step: TicketStep) -> dict[str, Any]:
    ticket = step.ticket
    rating = ticket.rating
    due = timezone.localtime(step.due_at)
    return {
        "ticket_step": step.pk,
        "ticket": ticket.pk,
        "kind": step.kind,
        "agency": ticket.agency.code,
        "region": rating.region_id,
        "due_at": due.isoformat(),
        "subject": "差评整改环节超期",
        "text": (
            f"{ticket.agency.name}的差评整改工单（编号 {ticket.pk}）“{step.get_kind_display()}”"
            f"环节已超过期限 {due:%Y-%m-%d %H:%M}，请督促办理。"
        ),
    }
