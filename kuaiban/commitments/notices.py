"""Delivering the overdue alert of a 告知承诺 check.

``checks_overdue_alert`` writes a ``deadline.alert`` whose payload carries ``commitment_check``:
``check_alert_handle`` tells the check's owner (or, when nobody owns it yet, its agency's
officers) and the supervisors of its region and above. A check that has reached its outcome
before the alert is delivered is not alerted.
"""

from __future__ import annotations

from django.db.models import Q

from kuaiban.accounts.alerts import staff_alert
from kuaiban.accounts.models import Role
from kuaiban.commitments.models import CommitmentCheck
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import notify_send


def check_alert_handle(message: OutboxMessage) -> str:
    check = CommitmentCheck.objects.filter(pk=message.payload.get("commitment_check")).first()
    if check is None:
        raise DeliveryRefused(f"告知承诺核查 {message.payload.get('commitment_check')} 不存在")
    if not check.is_open:
        return f"未发送：核查已有结论（{check.get_status_display()}）"
    staff = (
        Q(pk=check.owner_id) if check.owner_id else Q(role=Role.OFFICER, agency_id=check.agency_id)
    )
    notify_send(
        staff_alert(
            message, default_subject="告知承诺核查超期", staff=staff, region_id=check.region_id
        )
    )
    return ""
