"""Delivering the ratings' own outbox messages that are not pushes: the overdue-step alert.

``ticket_overdue_alert`` writes a ``deadline.alert`` message whose payload carries
``ticket_step`` (a sub-case alert carries ``subcase``). ``ticket_alert_handle`` tells the
supervisors of the rating's region and above, and the step's owner, with the worker's
``Handler`` signature; the integrations handler routes ``deadline.alert`` messages with a
``ticket_step`` to it.
"""

from __future__ import annotations

from django.db.models import Q

from kuaiban.accounts.alerts import staff_alert
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import notify_send
from kuaiban.ratings.models import TicketStep


def ticket_alert_handle(message: OutboxMessage) -> str:
    step = (
        TicketStep.objects.select_related("ticket__rating__region", "owner")
        .filter(pk=message.payload.get("ticket_step"))
        .first()
    )
    if step is None:
        raise DeliveryRefused(f"整改环节 {message.payload.get('ticket_step')} 不存在")
    if step.done_at is not None:
        return f"未发送：“{step.get_kind_display()}”环节已完成"
    notify_send(
        staff_alert(
            message,
            default_subject="差评整改环节超期",
            staff=Q(pk=step.owner_id),
            region_id=step.ticket.rating.region_id,
        )
    )
    return ""
