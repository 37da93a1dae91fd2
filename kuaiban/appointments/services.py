"""Writes: book, move, cancel (web, API, a clerk for a phone caller), check in, take a ticket,
call the next one. Each is one transaction with its audit row; the slot's count moves only by
conditional UPDATEs, so concurrent bookings never overbook.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.appointments.models import (
    TICKET_PREFIX,
    TICKET_PRIORITY,
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    QueueTicket,
    Slot,
    TicketKind,
    TicketStatus,
    WindowType,
)
from kuaiban.appointments.rules import age_qualifies, check_in_open, green_reason
from kuaiban.appointments.selectors import booking_blocked_until, is_own
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Conflict, NotFound, Unprocessable
from kuaiban.core.identifiers import id_number_error
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.shareddata.audit import shared_data_read_audit
from kuaiban.shareddata.connectors.base import DISABILITY_CARD_PATH
from kuaiban.shareddata.selectors import lookup_person

_NUMBER_DIGITS = 8
_CALL_ATTEMPTS = 5


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _phone_error(phone: str) -> str | None:
    digits = phone.strip()
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit() or digits[0] != "1":
        return "手机号应为11位数字"
    return None


def slot_take(slot: Slot) -> None:
    """One place of ``slot``, or Conflict when it is full: a single conditional UPDATE, so of
    two bookings for the last place exactly one wins."""
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise Conflict("该时段已约满，请选择其他时段", code="slot_full")


def slot_release(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)


def _slot_check(*, slot: Slot, item: ServiceItem, now: dt.datetime) -> None:
    problems: dict[str, list[str]] = {}
    if slot.starts_at <= now:
        problems["slot"] = ["该时段已开始或已过去，请选择以后的时段"]
    if not slot.point.active:
        problems["point"] = ["该网点已停用"]
    elif not slot.point.accepts.filter(pk=item.pk).exists():
        problems["item"] = ["该网点不受理这个事项"]
    elif not WindowType.serves(slot.window_type, item.category):
        problems["slot"] = [
            f"{slot.get_window_type_display()}不办理这个事项，请选择综合受理窗口的时段"
        ]
    if problems:
        raise Unprocessable("预约信息不正确", fields=problems)


def _reminder(appointment: Appointment) -> None:
    """The SMS reminder, due ``KUAIBAN_APPOINTMENT_REMIND_HOURS`` before the slot (at once when
    that is past); a moved appointment gets a new one, and the old one finds nothing to send."""
    slot = appointment.slot
    due = slot.starts_at - dt.timedelta(hours=settings.KUAIBAN_APPOINTMENT_REMIND_HOURS)
    message = outbox_enqueue(
        kind=OutboxKind.APPOINTMENT_REMIND,
        key=f"appointment.remind:{appointment.pk}:{slot.pk}",
        payload={"appointment": appointment.pk, "slot": slot.pk},
    )
    if message.next_attempt_at < due:
        type(message).objects.filter(pk=message.pk, attempts=0).update(next_attempt_at=due)


def _new_number() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(_NUMBER_DIGITS))


def appointment_book(
    *,
    actor: User,
    slot: Slot,
    item: ServiceItem,
    id_number: str,
    name: str,
    phone: str,
    channel: AppointmentChannel,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a place: validated first (422 by field), then the slot taken (409 when full)."""
    now = _now(now)
    id_number = id_number.strip().upper()
    problems: dict[str, list[str]] = {}
    if error := id_number_error(id_number):
        problems["id_number"] = [error]
    if error := _phone_error(phone):
        problems["phone"] = [error]
    if not name.strip():
        problems["name"] = ["请填写姓名"]
    if problems:
        raise Unprocessable("预约信息不正确", fields=problems)
    _slot_check(slot=slot, item=item, now=now)
    if until := booking_blocked_until(id_number=id_number, now=now):
        local = timezone.localtime(until)
        raise ApiError(
            f"近期爽约次数过多，{local:%Y年%m月%d日}后才能再预约；可直接到大厅现场取号办理",
            code="booking_blocked",
            status=403,
        )
    phone_caller = channel == AppointmentChannel.PHONE
    with transaction.atomic():
        slot_take(slot)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    number=_new_number(),
                    slot=slot,
                    item=item,
                    applicant=None if phone_caller else actor,
                    id_number=id_number,
                    name=name.strip()[:40],
                    phone=phone.strip(),
                    channel=channel,
                    booked_by=actor if phone_caller else None,
                )
        except IntegrityError:
            raise Conflict("您已预约了这个时段", code="already_booked") from None
        _reminder(appointment)
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_BOOK,
            object_type="appointment",
            object_id=str(appointment.pk),
            changes={
                "slot": slot.pk,
                "item": item.code,
                "channel": channel,
                "id_number": mask_id_number(id_number),
                "phone": mask_phone(appointment.phone),
            },
        )
    return appointment


def _booked_or_conflict(appointment: Appointment) -> None:
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(f"预约{appointment.get_status_display()}，不能再改约或取消")


def appointment_read_audit(*, actor: User, appointment: Appointment) -> None:
    """A clerk reading someone's appointment (name, ID number, phone) leaves an audit row; the
    person reading their own does not."""
    if not is_own(actor, appointment):
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_READ,
            object_type="appointment",
            object_id=str(appointment.pk),
        )


def appointment_move(
    *, actor: User, appointment: Appointment, slot: Slot, now: dt.datetime | None = None
) -> Appointment:
    """Another slot of the same point: the new place is taken before the old one is freed."""
    now = _now(now)
    _booked_or_conflict(appointment)
    if slot.point_id != appointment.slot.point_id:
        raise Unprocessable("只能改约到同一网点的其他时段", fields={"slot": ["不是该网点的时段"]})
    if slot.pk == appointment.slot_id:
        raise Unprocessable("新时段与原时段相同", fields={"slot": ["请选择其他时段"]})
    _slot_check(slot=slot, item=appointment.item, now=now)
    old = appointment.slot
    with transaction.atomic():
        slot_take(slot)
        moved = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED, slot=old
        ).update(slot=slot, changed_at=now)
        if not moved:
            raise Conflict("预约已被改动，请刷新后重试")
        slot_release(old)
        appointment.slot, appointment.changed_at = slot, now
        _reminder(appointment)
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_MOVE,
            object_type="appointment",
            object_id=str(appointment.pk),
            changes={"from": old.pk, "to": slot.pk},
        )
    return appointment


def appointment_cancel(
    *, actor: User, appointment: Appointment, now: dt.datetime | None = None
) -> Appointment:
    now = _now(now)
    _booked_or_conflict(appointment)
    with transaction.atomic():
        cancelled = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED
        ).update(status=AppointmentStatus.CANCELLED, changed_at=now)
        if not cancelled:
            raise Conflict("预约已被改动，请刷新后重试")
        slot_release(appointment.slot)
        appointment.status, appointment.changed_at = AppointmentStatus.CANCELLED, now
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_CANCEL,
            object_type="appointment",
            object_id=str(appointment.pk),
        )
    return appointment


def _disabled(*, actor: User, id_number: str) -> bool:
    """A 残疾人证 on file, read through the shared-data connector (the province's platform in
    production, where 残联's certificates are shared). When the platform cannot answer the
    ticket is still issued, without this priority: a hall does not stop for a lookup."""
    result = lookup_person(id_number=id_number)
    if result.profile is None:
        return False
    shared_data_read_audit(
        actor=actor, profile=result.profile, id_number=id_number, purpose="绿色通道：残疾人证"
    )
    return bool(result.profile.values.get(DISABILITY_CARD_PATH))


def _green_check(*, actor: User, id_number: str, day: dt.date) -> str:
    """The ticket's 绿色通道 reason. Shared data is asked only when the age does not already
    give priority, and before any row is locked (the platform may take seconds)."""
    disabled = (
        bool(id_number)
        and not age_qualifies(id_number, on=day)
        and _disabled(actor=actor, id_number=id_number)
    )
    return green_reason(id_number, on=day, disabled=disabled)


def _ticket_issue(
    *,
    actor: User,
    point: ServicePoint,
    window_type: str,
    id_number: str,
    appointment: Appointment | None,
    reason: str,
    now: dt.datetime,
) -> QueueTicket:
    """The next number of the day at ``point`` (the point's row is locked while it is taken)."""
    day = timezone.localdate(now)
    kind = (
        TicketKind.GREEN
        if reason
        else (TicketKind.APPOINTMENT if appointment else TicketKind.WALK_IN)
    )
    ServicePoint.objects.select_for_update().filter(pk=point.pk).first()
    last = QueueTicket.objects.filter(point=point, day=day).aggregate(n=Max("sequence"))["n"]
    sequence = (last or 0) + 1
    ticket = QueueTicket.objects.create(
        point=point,
        day=day,
        sequence=sequence,
        label=f"{TICKET_PREFIX[kind]}{sequence:03d}",
        window_type=window_type,
        kind=kind,
        priority=TICKET_PRIORITY[kind],
        green_reason=reason,
        appointment=appointment,
        id_number=id_number,
        issued_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.QUEUE_TICKET_ISSUE,
        object_type="queue_ticket",
        object_id=str(ticket.pk),
        changes={"label": ticket.label, "kind": kind, "id_number": mask_id_number(id_number)},
    )
    return ticket


def appointment_check_in(
    *, actor: User, point: ServicePoint, code: str, now: dt.datetime | None = None
) -> QueueTicket:
    """Check in with the appointment number (typed, or read from its QR code) or the booked ID
    number: a queue ticket for the appointment's window."""
    now = _now(now)
    code = code.strip().upper()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    todays = Appointment.objects.select_related("slot", "item").filter(
        slot__point=point,
        status=AppointmentStatus.BOOKED,
        slot__starts_at__gte=day_start,
        slot__starts_at__lt=day_start + dt.timedelta(days=1),
    )
    appointment = (
        todays.filter(number=code).first() if len(code) == _NUMBER_DIGITS else None
    ) or todays.filter(id_number=code).order_by("slot__starts_at").first()
    if appointment is None:
        raise NotFound("没有找到该网点今天的这个预约；可以现场取号")
    if not check_in_open(
        starts_at=appointment.slot.starts_at, ends_at=appointment.slot.ends_at, now=now
    ):
        local = timezone.localtime(appointment.slot.starts_at)
        raise Conflict(f"预约时段 {local:%H:%M} 开始，提前一小时内才能签到")
    day = timezone.localdate(now)
    reason = _green_check(actor=actor, id_number=appointment.id_number, day=day)
    with transaction.atomic():
        done = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED
        ).update(status=AppointmentStatus.CHECKED_IN, changed_at=now)
        if not done:
            raise Conflict("该预约已签到")
        appointment.status = AppointmentStatus.CHECKED_IN
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_CHECK_IN,
            object_type="appointment",
            object_id=str(appointment.pk),
        )
        return _ticket_issue(
            actor=actor,
            point=point,
            window_type=appointment.slot.window_type,
            id_number=appointment.id_number,
            appointment=appointment,
            reason=reason,
            now=now,
        )


def ticket_take(
    *,
    actor: User,
    point: ServicePoint,
    window_type: str,
    id_number: str = "",
    now: dt.datetime | None = None,
) -> QueueTicket:
    """A walk-in's number; with an ID number the 绿色通道 is checked."""
    now = _now(now)
    id_number = id_number.strip().upper()
    if id_number and (error := id_number_error(id_number)):
        raise Unprocessable("身份证号不正确", fields={"id_number": [error]})
    if window_type not in WindowType.values:
        raise Unprocessable("窗口类型不正确", fields={"window_type": ["请选择窗口类型"]})
    reason = _green_check(actor=actor, id_number=id_number, day=timezone.localdate(now))
    with transaction.atomic():
        return _ticket_issue(
            actor=actor,
            point=point,
            window_type=window_type,
            id_number=id_number,
            appointment=None,
            reason=reason,
            now=now,
        )


def ticket_call_next(
    *,
    actor: User,
    point: ServicePoint,
    window_type: str,
    window_label: str,
    now: dt.datetime | None = None,
) -> QueueTicket | None:
    """“下一位”: the window's current ticket is done, and the first waiting ticket in the calling
    order is called here. Two windows pressing at once each get a different ticket (the claim
    is a conditional UPDATE; the loser takes the next one)."""
    now = _now(now)
    day = timezone.localdate(now)
    with transaction.atomic():
        QueueTicket.objects.filter(
            point=point, day=day, status=TicketStatus.CALLED, window_label=window_label
        ).update(status=TicketStatus.DONE)
        for _ in range(_CALL_ATTEMPTS):
            candidate = (
                QueueTicket.objects.filter(
                    point=point, day=day, window_type=window_type, status=TicketStatus.WAITING
                )
                .order_by(*QueueTicket.CALL_ORDER)
                .first()
            )
            if candidate is None:
                return None
            claimed = QueueTicket.objects.filter(
                pk=candidate.pk, status=TicketStatus.WAITING
            ).update(
                status=TicketStatus.CALLED,
                called_at=now,
                window_label=window_label,
                called_by=actor,
            )
            if claimed:
                candidate.refresh_from_db()
                audit_record(
                    actor=actor,
                    action=AuditAction.QUEUE_TICKET_CALL,
                    object_type="queue_ticket",
                    object_id=str(candidate.pk),
                    changes={"label": candidate.label, "window": window_label},
                )
                return candidate
    return None


def ticket_skip(
    *, actor: User, point: ServicePoint, window_label: str, now: dt.datetime | None = None
) -> int:
    """过号: the window's called ticket did not come forward."""
    day = timezone.localdate(_now(now))
    return QueueTicket.objects.filter(
        point=point, day=day, status=TicketStatus.CALLED, window_label=window_label
    ).update(status=TicketStatus.SKIPPED)


def appointments_sweep(*, now: dt.datetime | None = None) -> int:
    """Booked appointments whose slot has ended become 爽约 (one UPDATE); the no-show rule
    counts them the same either way (`AppointmentQuerySet.no_shows`)."""
    now = _now(now)
    ended = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, slot__ends_at__lte=now
    ).values("pk")
    return Appointment.objects.filter(pk__in=ended).update(
        status=AppointmentStatus.NO_SHOW, changed_at=now
    )


def slots_generate(
    *,
    point: ServicePoint,
    days: list[dt.date],
    window_type: str,
    times: list[tuple[dt.time, dt.time]],
    capacity: int,
) -> int:
    """Slots for these days and times (existing ones kept as they are): how many were added."""
    tz = timezone.get_default_timezone()
    added = 0
    for day in days:
        for start, end in times:
            _, created = Slot.objects.get_or_create(
                point=point,
                window_type=window_type,
                starts_at=dt.datetime.combine(day, start, tzinfo=tz),
                defaults={
                    "ends_at": dt.datetime.combine(day, end, tzinfo=tz),
                    "capacity": capacity,
                },
            )
            added += created
    return added


def slot_get(slot_id: int) -> Slot:
    slot = Slot.objects.select_related("point").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("时段不存在")
    return slot
