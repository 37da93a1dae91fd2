"""The deadline sweeper: keeps ``SubCase.deadline_state`` current and alerts once per change.

Each change is claimed like Healthchecks claims a check:
``SubCase.objects.filter(pk=…, deadline_state=old).update(deadline_state=new)``. Of several
workers sweeping at once only one UPDATE matches, and only the winner enqueues the alert — in
the same transaction, so a change is never recorded without its alert. The alert's key
``deadline:<sub-case>:<state>:<due_at>`` makes a second enqueue a no-op even so, and lets a
deadline that was extended (补正) alert again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
from kuaiban.integrations import conf
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue

# The clock runs only while the agency works on the sub-case; a correction request stops it.
_RUNNING = (SubCaseStatus.OPEN, SubCaseStatus.ACCEPTED)
_ALERTING = (DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


@dataclass
class SweepResult:
    changed: int = 0
    alerts: int = 0
    lost: int = 0  # changes another worker claimed first

    def __str__(self) -> str:
        return f"时限状态变化 {self.changed}，预警 {self.alerts}"


def deadline_state_at(
    *, due_at: dt.datetime, now: dt.datetime, soon: dt.timedelta
) -> DeadlineState:
    """Overdue once the deadline has passed; due soon within ``soon`` of it; else on time."""
    if due_at < now:
        return DeadlineState.OVERDUE
    if due_at <= now + soon:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def deadline_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> SweepResult:
    """Move every running sub-case whose deadline state is stale to its current state.

    At most ``limit`` changes per call (the oldest deadlines first); the worker calls again.
    """
    now = now or timezone.now()
    soon = conf.due_soon()
    horizon = now + soon
    stale = (
        Q(due_at__lt=now) & ~Q(deadline_state=DeadlineState.OVERDUE)
        | Q(due_at__gte=now, due_at__lte=horizon) & ~Q(deadline_state=DeadlineState.DUE_SOON)
        | Q(due_at__gt=horizon) & ~Q(deadline_state=DeadlineState.ON_TIME)
    )
    rows = (
        SubCase.objects.filter(status__in=_RUNNING, paused_since__isnull=True, due_at__isnull=False)
        .filter(stale)
        .order_by("due_at", "pk")
        .values_list("pk", "deadline_state", "due_at")[:limit]
    )
    result = SweepResult()
    for pk, old, due_at in rows:
        assert due_at is not None  # filtered above
        new = deadline_state_at(due_at=due_at, now=now, soon=soon)
        if _deadline_claim(pk=pk, old=DeadlineState(old), new=new, due_at=due_at):
            result.changed += 1
            result.alerts += new in _ALERTING
        else:
            result.lost += 1
    return result


def _deadline_claim(
    *, pk: int, old: DeadlineState, new: DeadlineState, due_at: dt.datetime
) -> bool:
    """Record one change and its alert, if this worker is the first to see it."""
    with transaction.atomic():
        won = SubCase.objects.filter(
            pk=pk, deadline_state=old, due_at=due_at, status__in=_RUNNING, paused_since=None
        ).update(deadline_state=new)
        if won and new in _ALERTING:
            subcase = SubCase.objects.select_related("application", "agency").get(pk=pk)
            stamp = due_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            outbox_enqueue(
                kind=OutboxKind.DEADLINE_ALERT,
                key=f"deadline:{pk}:{new.value}:{stamp}",
                payload={
                    "subcase": pk,
                    "state": str(new),
                    "due_at": timezone.localtime(due_at).isoformat(),
                    "number": subcase.application.number,
                    "agency": subcase.agency.code if subcase.agency else None,
                },
            )
    return won == 1
