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

from kuaiban.cases.models import DeadlineState, SubCase, deadline_state_q
from kuaiban.integrations import conf
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue

_ALERTING = (DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


@dataclass
class SweepResult:
    changed: int = 0
    alerts: int = 0
    lost: int = 0  # changes another worker claimed first

    def __str__(self) -> str:
        return f"时限状态变化 {self.changed}，预警 {self.alerts}"


def deadline_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> SweepResult:
    """Move every running sub-case whose deadline state is stale to its current state.

    At most ``limit`` changes per call (the oldest deadlines first); the worker calls again.
    """
    now = now or timezone.now()
    horizon = now + conf.due_soon()
    stale = Q()
    for state in DeadlineState:
        stale |= deadline_state_q(state, now=now, due_soon_at=horizon) & ~Q(deadline_state=state)
    rows = (
        SubCase.objects.running()
        .filter(stale)
        .order_by("due_at", "pk")
        .values_list("pk", "deadline_state", "due_at")[:limit]
    )
    result = SweepResult()
    for pk, old, due_at in rows:
        assert due_at is not None  # filtered above
        new = DeadlineState.of(due_at=due_at, now=now, due_soon_at=horizon)
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
        won = (
            SubCase.objects.running()
            .filter(pk=pk, deadline_state=old, due_at=due_at)
            .update(deadline_state=new)
        )
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
