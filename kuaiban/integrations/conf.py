"""The integration settings, each read when used (tests override them).

Their defaults and the environment variables they come from are in ``kuaiban/settings.py``;
``kuaiban/integrations/README.md`` lists them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def max_attempts() -> int:
    """After this many failed attempts a message becomes a dead letter."""
    return max(1, int(settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS))


def lease() -> dt.timedelta:
    """How long a claimed message stays invisible to other workers.

    It must be longer than the slowest delivery (the webhook timeout and then some): a message
    whose lease runs out while it is still being delivered is claimed again by another worker
    and arrives twice — harmless to an idempotent receiver, but wasted work.
    """
    seconds = float(settings.KUAIBAN_OUTBOX_LEASE_SECONDS)
    return dt.timedelta(seconds=max(seconds, 1.0))


def webhook_timeout() -> float:
    return float(settings.KUAIBAN_WEBHOOK_TIMEOUT)


def due_soon() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.KUAIBAN_DUE_SOON_HOURS))


def notify_channels() -> list[str]:
    """Channel names (or dotted paths of adapter classes), "console" by default."""
    value = settings.KUAIBAN_NOTIFY_CHANNELS
    names = value.split(",") if isinstance(value, str) else list(value)
    return [name.strip() for name in names if name.strip()] or ["console"]


def sms_url() -> str:
    return str(settings.KUAIBAN_SMS_URL)


def sms_token() -> str:
    return str(settings.KUAIBAN_SMS_TOKEN)


def public_url() -> str:
    """The platform's address as agencies' systems reach it, for callback URLs in webhooks."""
    return str(settings.KUAIBAN_PUBLIC_URL).rstrip("/")


def inprocess_worker() -> bool:
    return bool(settings.KUAIBAN_INPROCESS_WORKER)
