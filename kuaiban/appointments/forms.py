"""Reading the booking forms of the pages (the services validate everything again)."""

from __future__ import annotations

import datetime as dt

import segno
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kuaiban.appointments.models import Slot, WindowType
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.text import is_ascii_digits
from kuaiban.servicepoints.models import ServicePoint

BOOKING_DAYS = 14


def int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    if not is_ascii_digits(value) or len(value) > 12:
        return None
    return int(value)


def day_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def posted_slot(
    point: ServicePoint, post: QueryDict, item: ServiceItem | None, *, item_needed: bool = True
) -> tuple[Slot | None, dict[str, list[str]]]:
    """The slot chosen on a booking or moving form (one of ``point``'s), and what is missing."""
    slot = (
        Slot.objects.select_related("point")
        .filter(pk=int_or_none(post.get("slot")) or 0, point=point)
        .first()
    )
    errors: dict[str, list[str]] = {}
    if item_needed and item is None:
        errors["item"] = ["请选择要办理的事项"]
    if slot is None:
        errors["slot"] = ["请选择一个时段"]
    return slot, errors


def booking_days(*, slots: list[Slot]) -> list[dt.date]:
    """The days of the next two weeks that have slots."""
    return sorted({timezone.localdate(s.starts_at) for s in slots})


def number_qr(number: str) -> SafeString:
    """The appointment number as an inline SVG QR code, read by the hall's scanner at check-in.

    Safe as it is: segno writes only paths and our fixed title; the number is not written as text.
    """
    svg = segno.make_qr(number, error="m").svg_inline(
        scale=1, border=4, dark="#000", light="#fff", title="预约签到二维码", omitsize=True
    )
    return mark_safe(svg)


def _upcoming_slots(point: ServicePoint, now: dt.datetime) -> list[Slot]:
    return list(
        Slot.objects.filter(
            point=point, starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=BOOKING_DAYS)
        ).order_by("starts_at")
    )


def slot_choices(
    point: ServicePoint, day: dt.date | None, item: ServiceItem | None, now: dt.datetime
) -> tuple[list[dt.date], dt.date | None, list[Slot]]:
    """The days with slots for ``item`` in the booking window, the day shown (the one asked for
    when it has slots, else the first), and that day's slots."""
    upcoming = _upcoming_slots(point, now)
    if item is not None:
        upcoming = [s for s in upcoming if WindowType.serves(s.window_type, item.category)]
    days = booking_days(slots=upcoming)
    chosen = day if day in days else (days[0] if days else None)
    slots = [s for s in upcoming if chosen and timezone.localdate(s.starts_at) == chosen]
    return days, chosen, slots
