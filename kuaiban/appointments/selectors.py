"""Reads: slots of a point and day, one's own appointments (access helper), the queue."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.appointments.models import (
    Appointment,
    AppointmentStatus,
    QueueTicket,
    Slot,
    TicketStatus,
)
from kuaiban.appointments.rules import blocked_until
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.errors import NotFound
from kuaiban.servicepoints.models import ServicePoint


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def slots_for(*, point: ServicePoint, day: dt.date) -> QuerySet[Slot]:
    start, end = local_day_bounds(day)
    return Slot.objects.filter(point=point, starts_at__gte=start, starts_at__lt=end).order_by(
        "starts_at", "window_type"
    )


def appointments_of(user: User) -> QuerySet[Appointment]:
    """The person's own appointments: booked with the account, or by phone with its ID number."""
    if not user.id_number:
        return Appointment.objects.filter(applicant=user)
    return Appointment.objects.filter(Q(applicant=user) | Q(id_number=user.id_number))


def clerk_serves(user: AbstractBaseUser | AnonymousUser, point: ServicePoint) -> bool:
    """A clerk works at the points of their region and below (an administrator anywhere)."""
    if not user.is_authenticated or not isinstance(user, User):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role != Role.CLERK or user.region_id is None:
        return False
    return point.region_id in RegionTree.load().below(user.region_id)


def access_appointment(*, user: User, appointment_id: int) -> Appointment:
    """One's own appointment, or one at a point the clerk serves; NotFound otherwise (the same
    answer for missing and not yours)."""
    appointment = (
        Appointment.objects.select_related("slot__point__region", "item")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFound("预约不存在")
    if not is_own(user, appointment) and not clerk_serves(user, appointment.slot.point):
        raise NotFound("预约不存在")
    return appointment


def is_own(user: User, appointment: Appointment) -> bool:
    return appointment.applicant_id == user.pk or (
        bool(user.id_number) and appointment.id_number == user.id_number
    )


def booking_blocked_until(*, id_number: str, now: dt.datetime) -> dt.datetime | None:
    ends = list(
        Appointment.objects.filter(id_number=id_number)
        .no_shows(now=now)
        .values_list("slot__ends_at", flat=True)
    )
    return blocked_until(ends, now=now)


def queue_today(*, point: ServicePoint, day: dt.date) -> QuerySet[QueueTicket]:
    return QueueTicket.objects.filter(point=point, day=day)


def queue_called(*, point: ServicePoint, day: dt.date, limit: int = 8) -> list[QueueTicket]:
    """The latest calls, newest first (the screen)."""
    return list(
        queue_today(point=point, day=day)
        .filter(status=TicketStatus.CALLED)
        .order_by("-called_at", "-pk")[:limit]
    )


def queue_waiting(*, point: ServicePoint, day: dt.date) -> QuerySet[QueueTicket]:
    return (
        queue_today(point=point, day=day)
        .filter(status=TicketStatus.WAITING)
        .order_by(*QueueTicket.CALL_ORDER)
    )


def booked_count(*, slot: Slot) -> int:
    """Places taken in a slot, counted (what the ``booked`` counter must equal): every
    appointment not cancelled — one checked in or missed still used its place."""
    return slot.appointments.exclude(status=AppointmentStatus.CANCELLED).count()
