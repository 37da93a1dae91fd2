"""Draining the outbox: claim a due message, deliver it through its kind's handler, record.

The outbox table is the queue (README.md says why). A worker claims one message at a time
with a conditional UPDATE — ``filter(pk=…, state=pending, attempts=seen).update(attempts=seen + 1,
next_attempt_at=now + lease, …)`` — so of several workers that saw the same message exactly
one wins, on SQLite and PostgreSQL alike. The claim is a lease, not a lock: a worker that is
killed mid-delivery leaves the message pending with ``next_attempt_at`` at the end of its lease,
and another worker claims it then. Delivery is therefore at least once; receivers deduplicate
by the ``Idempotency-Key``.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from kuaiban.core.masking import mask_text
from kuaiban.core.request_id import request_id_bound
from kuaiban.integrations import conf
from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.models import OutboxMessage, OutboxState
from kuaiban.integrations.registry import handler_for

logger = logging.getLogger("kuaiban.outbox")

BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
_CANDIDATES = 20  # due messages looked at per claim round (without SKIP LOCKED)
_CLAIM_ROUNDS = 3  # rounds in which every candidate went to another worker before giving up
_ERROR_CHARS = 2000


@dataclass
class DrainResult:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def __str__(self) -> str:
        return (
            f"领取 {self.claimed}，送达 {self.delivered}，待重试 {self.retried}，死信 {self.dead}"
        )


def retry_delay(attempts: int, *, rand: Callable[[], float] = random.random) -> dt.timedelta:
    """10 s · 2^(attempts − 1), at most an hour, with jitter: between half and all of it.

    The jitter spreads the retries of messages that failed together (a receiver that was down
    for a minute) so they do not all come back in the same second.
    """
    exponent = min(max(attempts - 1, 0), 20)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**exponent)
    return dt.timedelta(seconds=ceiling / 2 + rand() * ceiling / 2)


def outbox_drain(
    *,
    limit: int,
    now: dt.datetime | None = None,
    worker_id: str,
    lease: dt.timedelta | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DrainResult:
    """Deliver up to ``limit`` due messages, one claim at a time.

    ``now`` fixes the clock (tests advance it instead of sleeping); ``should_stop`` is asked
    between messages, so a worker told to stop finishes the message in hand first.
    """
    result = DrainResult()
    lease = lease or conf.lease()
    while result.claimed < limit and not (should_stop and should_stop()):
        message = _claim_next(at=now or timezone.now(), worker_id=worker_id, lease=lease)
        if message is None:
            break
        result.claimed += 1
        # The request that wrote the message names its delivery: log lines and HTTP header.
        with request_id_bound(message.request_id or f"outbox-{message.pk}"):
            state = _deliver(message, now=now, worker_id=worker_id)
        if state == OutboxState.DELIVERED:
            result.delivered += 1
        elif state == OutboxState.DEAD:
            result.dead += 1
        else:
            result.retried += 1
    return result


def _claim_next(*, at: dt.datetime, worker_id: str, lease: dt.timedelta) -> OutboxMessage | None:
    for _ in range(_CLAIM_ROUNDS):
        with _candidates_locked() as skip_locked:
            due = OutboxMessage.objects.filter(
                state=OutboxState.PENDING, next_attempt_at__lte=at
            ).order_by("next_attempt_at", "pk")
            if skip_locked:
                # PostgreSQL: each worker locks a different row while it claims it, so workers
                # do not line up behind one row. The conditional UPDATE stays the guard.
                due = due.select_for_update(skip_locked=True)
            candidates = list(
                due.values_list("pk", "attempts")[: 1 if skip_locked else _CANDIDATES]
            )
            if not candidates:
                return None
            for pk, attempts in candidates:
                if _claim(pk=pk, attempts=attempts, at=at, worker_id=worker_id, lease=lease):
                    return OutboxMessage.objects.get(pk=pk)
    return None


@contextmanager
def _candidates_locked() -> Iterator[bool]:
    """A transaction for SELECT … FOR UPDATE SKIP LOCKED where the database has it.

    On SQLite there is no row locking: the SELECT and the UPDATE run in autocommit, so the
    write lock is taken by the UPDATE alone and waits (``timeout``) instead of failing.
    """
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            yield True
    else:
        yield False


def _claim(*, pk: int, attempts: int, at: dt.datetime, worker_id: str, lease: dt.timedelta) -> bool:
    """Healthchecks' claim: the UPDATE wins only if nobody claimed the message since we looked."""
    won = OutboxMessage.objects.filter(
        pk=pk, state=OutboxState.PENDING, attempts=attempts, next_attempt_at__lte=at
    ).update(attempts=attempts + 1, next_attempt_at=at + lease, claimed_by=worker_id, claimed_at=at)
    return won == 1


def _deliver(message: OutboxMessage, *, now: dt.datetime | None, worker_id: str) -> OutboxState:
    if message.attempts > conf.max_attempts():
        # Claimed that often without an outcome: the worker died on this message every time.
        return _failed(
            message,
            error="多次投递中途工作进程退出（租期到期），不再自动重试",
            refused=True,
            now=now,
            worker_id=worker_id,
        )
    try:
        note = handler_for(message.kind)(message)
    except DeliveryRefused as error:
        return _failed(message, error=str(error), refused=True, now=now, worker_id=worker_id)
    except DeliveryFailed as error:
        return _failed(message, error=str(error), refused=False, now=now, worker_id=worker_id)
    except Exception as error:  # a bug or an outage we did not foresee: retry, and say what
        logger.exception("投递 %s 时出错", message)
        text = f"{type(error).__name__}: {error}"
        return _failed(message, error=text, refused=False, now=now, worker_id=worker_id)
    # Delivered is a fact, whoever holds the claim now: the message is done.
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.PENDING).update(
        state=OutboxState.DELIVERED, delivered_at=now or timezone.now(), last_error=note
    )
    logger.info("已送达 %s（第 %d 次尝试）%s", message, message.attempts, note)
    return OutboxState.DELIVERED


def _failed(
    message: OutboxMessage,
    *,
    error: str,
    refused: bool,
    now: dt.datetime | None,
    worker_id: str,
) -> OutboxState:
    error = mask_text(error)[:_ERROR_CHARS]
    dead = refused or message.attempts >= conf.max_attempts()
    changes: dict[str, object] = {"last_error": error}
    if dead:
        changes["state"] = OutboxState.DEAD
    else:
        changes["next_attempt_at"] = (now or timezone.now()) + retry_delay(message.attempts)
    # Only while the claim is still ours: if the lease ran out and another worker claimed the
    # message, its attempt decides.
    OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxState.PENDING, attempts=message.attempts, claimed_by=worker_id
    ).update(**changes)
    if dead:
        logger.error("死信 %s（第 %d 次尝试）：%s", message, message.attempts, error)
        return OutboxState.DEAD
    logger.warning("投递失败 %s（第 %d 次尝试），稍后重试：%s", message, message.attempts, error)
    return OutboxState.PENDING
