"""The rules of the hall, as pure functions: 绿色通道, the no-show block, check-in times.

Each is called by every entry point (web, API, phone booking, the kiosk) through the services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from kuaiban.appointments.models import GreenReason
from kuaiban.core.identifiers import birth_date, id_number_error

# Check-in opens this long before the slot and stays open until the slot ends.
CHECK_IN_EARLY = dt.timedelta(minutes=60)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years (周岁) on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_qualifies(id_number: str, *, on: dt.date) -> bool:
    """The bureau's 绿色通道 age (``KUAIBAN_GREEN_CHANNEL_AGE``) reached on ``on``, from the
    ID number's birth date."""
    valid = bool(id_number) and id_number_error(id_number) is None
    return valid and age_on(birth_date(id_number), on) >= settings.KUAIBAN_GREEN_CHANNEL_AGE


def green_reason(id_number: str, *, on: dt.date, disabled: bool) -> str:
    """绿色通道: the bureau's age (``age_qualifies``) or a registered disability (残疾人证 in
    shared data); "" when neither."""
    if age_qualifies(id_number, on=on):
        return GreenReason.AGE
    if disabled:
        return GreenReason.DISABILITY
    return ""


def blocked_until(no_show_ends: list[dt.datetime], *, now: dt.datetime) -> dt.datetime | None:
    """When booking opens again for someone whose missed slots ended at ``no_show_ends``:
    ``KUAIBAN_NO_SHOW_LIMIT`` of them within the last ``KUAIBAN_NO_SHOW_WINDOW_DAYS`` block
    booking for ``KUAIBAN_NO_SHOW_BLOCK_DAYS`` after the last one. None: not blocked."""
    limit = settings.KUAIBAN_NO_SHOW_LIMIT
    if limit <= 0:
        return None
    since = now - dt.timedelta(days=settings.KUAIBAN_NO_SHOW_WINDOW_DAYS)
    recent = sorted(end for end in no_show_ends if since <= end <= now)
    if len(recent) < limit:
        return None
    until = recent[-1] + dt.timedelta(days=settings.KUAIBAN_NO_SHOW_BLOCK_DAYS)
    return until if until > now else None


def check_in_open(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    return starts_at - CHECK_IN_EARLY <= now <= ends_at
