from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Model
from django.utils import timezone

from kuaiban.integrations.worker import DrainResult, outbox_drain


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def drain(*, at: dt.datetime | None = None, worker: str = "w1", limit: int = 100) -> DrainResult:
    return outbox_drain(limit=limit, now=at or timezone.now(), worker_id=worker)


M = TypeVar("M", bound=Model)


def fresh(row: M) -> M:
    row.refresh_from_db()
    return row
