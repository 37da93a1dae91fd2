"""The overdue alerts (``deadline.alert``) of 办不成事 reports, 整改 steps and 告知承诺 checks: one
notification, with the text the sweeper wrote, to the staff responsible and to the supervisors
of the region and above."""

from __future__ import annotations

from django.db.models import Q

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.regions import region_and_above
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient


def staff_alert(
    message: OutboxMessage, *, default_subject: str, staff: Q, region_id: int
) -> Notification:
    """``staff`` picks the responsible users; the region's supervisors and above are added."""
    users = User.objects.filter(is_active=True).filter(
        staff | Q(role=Role.SUPERVISOR, region_id__in=region_and_above(region_id))
    )
    return Notification(
        key=message.idempotency_key,
        subject=str(message.payload.get("subject", default_subject)),
        text=str(message.payload.get("text", "")),
        recipients=tuple(
            Recipient(name=u.display_name or u.username, phone=u.phone, email=u.email)
            for u in users.order_by("pk")
        ),
    )
