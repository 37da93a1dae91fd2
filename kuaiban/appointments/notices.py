"""The SMS reminder of an appointment (outbox kind ``appointment.remind``)."""

from __future__ import annotations

from django.utils import timezone

from kuaiban.appointments.models import Appointment, AppointmentStatus
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient, notify_send


def reminder_text(appointment: Appointment) -> str:
    slot = appointment.slot
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return (
        f"您预约了{start:%m月%d日 %H:%M}—{end:%H:%M}在{slot.point.name}（{slot.point.address}）"
        f"办理“{appointment.item.name}”，预约号 {appointment.number}。请携带身份证件按时到达，"
        f"凭预约号或身份证签到取号；如不能前往请提前取消。"
    )


def appointment_remind(message: OutboxMessage) -> str:
    """Send the reminder unless the appointment was cancelled, moved (the new slot has its own
    message) or already checked in."""
    appointment = (
        Appointment.objects.select_related("slot__point", "item")
        .filter(pk=message.payload.get("appointment"))
        .first()
    )
    if appointment is None:
        raise DeliveryRefused("预约不存在")
    if appointment.status != AppointmentStatus.BOOKED:
        return f"无需提醒：预约{appointment.get_status_display()}"
    if appointment.slot_id != message.payload.get("slot"):
        return "无需提醒：预约已改到其他时段"
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject="预约提醒",
            text=reminder_text(appointment),
            recipients=(Recipient(name=appointment.name, phone=appointment.phone),),
        )
    )
    return "已发送"
