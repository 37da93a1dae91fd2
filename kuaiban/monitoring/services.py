"""The workers' heartbeats: written by the worker loop (`kuaiban.deliveries.runner`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kuaiban.monitoring.models import WorkerHeartbeat

# Rows of workers gone this long are removed when another worker beats.
FORGET_AFTER = dt.timedelta(days=1)


def heartbeat_record(
    *,
    worker_id: str,
    started_at: dt.datetime,
    passes: int,
    delivered: int,
    swept_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> None:
    """One UPDATE (an INSERT the first time), in autocommit: cheap enough every few seconds."""
    now = now or timezone.now()
    changes: dict[str, object] = {"seen_at": now, "passes": passes, "delivered": delivered}
    if swept_at is not None:
        changes["swept_at"] = swept_at
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**changes):
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id, defaults=changes | {"started_at": started_at}
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
