"""The operational figures read from the database when the metrics are scraped.

Each is one indexed query: the pending messages (a partial index), the dead letters (another),
the heartbeats (a handful of rows), the roll-ups' one range row. None grows with the number of
applications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.utils import timezone

from kuaiban.integrations.models import OutboxMessage, OutboxState
from kuaiban.monitoring.models import WorkerHeartbeat
from kuaiban.supervision.models import RollupRange

# A worker that has not beaten for this long is counted as gone (it beats every few seconds).
ALIVE_WITHIN = dt.timedelta(seconds=60)
# Heartbeats older than this are not shown at all (a restarted worker has a new id).
SHOWN_WITHIN = dt.timedelta(hours=1)


@dataclass
class OutboxFigures:
    pending_by_kind: dict[str, int] = field(default_factory=dict)
    due: int = 0
    oldest_pending_age: float = 0.0  # seconds; 0 when nothing is pending
    dead_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class WorkerFigures:
    last_seen_age: dict[str, float] = field(default_factory=dict)  # worker id → seconds
    delivered: dict[str, int] = field(default_factory=dict)
    alive: int = 0
    sweep_age: float | None = None  # seconds since the last sweep of any worker; None: never


def outbox_figures(*, now: dt.datetime | None = None) -> OutboxFigures:
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(state=OutboxState.PENDING)
    figures = OutboxFigures(
        pending_by_kind=dict(
            pending.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
        ),
        due=pending.filter(next_attempt_at__lte=now).count(),
        dead_by_kind=dict(
            OutboxMessage.objects.filter(state=OutboxState.DEAD)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        ),
    )
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is not None:
        figures.oldest_pending_age = max(0.0, (now - oldest).total_seconds())
    return figures


def worker_figures(*, now: dt.datetime | None = None) -> WorkerFigures:
    now = now or timezone.now()
    figures = WorkerFigures()
    rows = WorkerHeartbeat.objects.filter(seen_at__gte=now - SHOWN_WITHIN).values_list(
        "worker_id", "seen_at", "delivered"
    )
    for worker_id, seen_at, delivered in rows:
        age = max(0.0, (now - seen_at).total_seconds())
        figures.last_seen_age[worker_id] = age
        figures.delivered[worker_id] = delivered
        figures.alive += age <= ALIVE_WITHIN.total_seconds()
    swept = WorkerHeartbeat.objects.aggregate(swept=Max("swept_at"))["swept"]
    if swept is not None:
        figures.sweep_age = max(0.0, (now - swept).total_seconds())
    return figures


@dataclass
class RollupFigures:
    age: float  # seconds since the worker last brought the roll-ups up to date
    days_behind: int  # whole days before today not rolled up yet (0: up to yesterday)


def rollup_figures(*, now: dt.datetime | None = None) -> RollupFigures | None:
    """The supervision roll-ups' freshness (``RollupRange``); None before the first roll-up."""
    now = now or timezone.now()
    state = RollupRange.objects.order_by("pk").values_list("refreshed_at", "until").first()
    if state is None:
        return None
    refreshed_at, until = state
    today = timezone.localdate(now)
    return RollupFigures(
        age=max(0.0, (now - refreshed_at).total_seconds()),
        days_behind=max(0, (today - until).days),
    )
