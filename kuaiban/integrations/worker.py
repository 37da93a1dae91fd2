"""Draining the outbox: claim due messages in batches, deliver them concurrently, record the
outcomes in batches.

The outbox table is the queue (README.md says why). A worker claims a batch with one statement,

    WITH due AS MATERIALIZED (SELECT id … WHERE state = 'pending' AND next_attempt_at <= now
                              ORDER BY next_attempt_at, id LIMIT n FOR UPDATE SKIP LOCKED)
    UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now + lease, claimed_by = …
    WHERE id IN (SELECT id FROM due) AND state = 'pending' AND next_attempt_at <= now
    RETURNING *

so of several workers each message goes to exactly one: on PostgreSQL each worker locks and
skips different rows, on SQLite (no row locks; ``FOR UPDATE SKIP LOCKED`` left out) one
statement writes at a time. The claim is a lease, not a lock: a worker killed mid-batch leaves
its messages pending with ``next_attempt_at`` at the end of the lease, and another worker claims
them then. Delivery is therefore at least once; receivers deduplicate by the ``Idempotency-Key``.

With a ``DeliveryPool`` the messages are delivered on its threads, up to its size at once, with
a batch more claimed and queued for them; when a batch's worth has finished, their outcomes and
the next claim are written in one transaction (whose commit does not wait for the disk). Without
a pool, one message at a time on the caller's thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from kuaiban.core.masking import mask_text
from kuaiban.core.request_id import request_id_bound
from kuaiban.integrations import conf
from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.models import OutboxMessage, OutboxState
from kuaiban.integrations.pool import DeliveryPool
from kuaiban.integrations.registry import handler_for

logger = logging.getLogger("kuaiban.outbox")

BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
_ERROR_CHARS = 2000
# Outcomes are written at the latest this long after the first of them arrived, so a slow
# receiver in the batch does not hold back what the others already know.
_RECORD_AFTER_SECONDS = 0.5
# The smallest batch a worker with a pool claims: few transactions per message however few
# the threads (each transaction costs a few round trips to the database).
_BATCH = 16


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


@dataclass(frozen=True)
class Outcome:
    """One attempt's result: delivered (``text`` is the note), retry or dead (the error)."""

    message: OutboxMessage
    state: OutboxState
    text: str


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
    pool: DeliveryPool | None = None,
) -> DrainResult:
    """Deliver up to ``limit`` due messages; on ``pool``'s threads when given.

    ``now`` fixes the clock (tests advance it instead of sleeping); ``should_stop`` is asked
    before each claim, so a worker told to stop finishes the messages in hand (and records
    them) but claims no more.
    """
    lease = lease or conf.lease()
    # Claims (and outcomes) come in batches of at least _BATCH; the messages in hand are those
    # in flight on the pool's threads and a batch queued for them, so a thread that finishes
    # takes the next message at once while the next batch is claimed. Without a pool, one at
    # a time.
    batch_size = max(pool.size, _BATCH) if pool else 1
    in_hand = pool.size + batch_size if pool else 1
    result = DrainResult()
    finished: queue.SimpleQueue[Outcome] = queue.SimpleQueue()  # the threads' outcomes
    in_flight = 0
    outcomes: list[Outcome] = []
    written: list[Outcome] = []  # taken from ``outcomes``, not yet committed
    first_outcome_at = 0.0
    exhausted = False
    try:
        while True:
            if not exhausted and (result.claimed >= limit or (should_stop and should_stop())):
                exhausted = True  # no more claims in this drain; finish what is in hand
            free = in_hand - in_flight
            wanted = 0 if exhausted or free < batch_size else min(free, limit - result.claimed)
            if outcomes and (
                wanted
                or len(outcomes) >= batch_size
                or not in_flight
                or time.monotonic() - first_outcome_at >= _RECORD_AFTER_SECONDS
            ):
                written, outcomes = outcomes, []
            batch: list[OutboxMessage] = []
            if written or wanted:
                # The outcomes so far and the next claim: one transaction, one commit.
                at = now or timezone.now()
                with _quick_commit():
                    _write_outcomes(written, at=at, worker_id=worker_id)
                    if wanted:
                        batch = _claim(at=at, worker_id=worker_id, lease=lease, size=wanted)
                _tally(result, written)
                written = []
                result.claimed += len(batch)
                # Fewer than wanted may only mean other workers hold the rest (SKIP LOCKED):
                # claim again when slots free up; nothing claimed means nothing is due.
                exhausted = exhausted or (wanted > 0 and not batch)
            for message in batch:
                work = partial(_deliver, message, finished)
                if pool:
                    pool.submit(work)
                else:
                    work()
            in_flight += len(batch)
            if not in_flight and not outcomes:
                break
            # While outcomes wait to be written, wake in time to write them.
            patience = _RECORD_AFTER_SECONDS if outcomes else None
            done = _finished(finished, wait=in_flight > 0, patience=patience)
            if done and not outcomes:
                first_outcome_at = time.monotonic()
            in_flight -= len(done)
            outcomes.extend(done)
    except BaseException:
        # A claim or a write failed (the database went away): let what is in hand finish and
        # try once to write it; whatever stays unwritten is claimed again after its lease.
        outcomes = written + outcomes
        while in_flight:
            done = _finished(finished, wait=True, patience=None)
            in_flight -= len(done)
            outcomes.extend(done)
        if outcomes:
            try:
                record_outcomes(outcomes, now=now, worker_id=worker_id)
            except Exception:
                logger.warning("%d 条投递结果未能写入，租期满后重新投递", len(outcomes))
        raise
    return result


def _finished(
    finished: queue.SimpleQueue[Outcome], *, wait: bool, patience: float | None
) -> list[Outcome]:
    """The outcomes that have arrived; when ``wait``, the first one waited for (at most
    ``patience`` seconds, or without end)."""
    done: list[Outcome] = []
    if wait:
        try:
            done.append(finished.get(timeout=patience))
        except queue.Empty:
            return done
    while True:
        try:
            done.append(finished.get_nowait())
        except queue.Empty:
            return done


def _deliver(message: OutboxMessage, finished: queue.SimpleQueue[Outcome]) -> None:
    """One delivery on a pool thread (or the caller's); its outcome goes to ``finished``, also
    when the handler ends the thread's work in a way ``attempt`` does not catch."""
    outcome = Outcome(message, OutboxState.PENDING, "投递中断：处理程序未正常结束")
    try:
        outcome = attempt(message)
    finally:
        finished.put(outcome)


def _tally(result: DrainResult, outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        _log(outcome)
        if outcome.state == OutboxState.DELIVERED:
            result.delivered += 1
        elif outcome.state == OutboxState.DEAD:
            result.dead += 1
        else:
            result.retried += 1


def claim_batch(
    *, at: dt.datetime, worker_id: str, lease: dt.timedelta, size: int
) -> list[OutboxMessage]:
    """Claim up to ``size`` due messages in one statement and commit; oldest due first."""
    with _quick_commit():
        return _claim(at=at, worker_id=worker_id, lease=lease, size=size)


def _claim(
    *, at: dt.datetime, worker_id: str, lease: dt.timedelta, size: int
) -> list[OutboxMessage]:
    ops = connection.ops
    table = ops.quote_name(OutboxMessage._meta.db_table)
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    due = "state = %s AND next_attempt_at <= %s"
    # The candidates are picked once (MATERIALIZED): as ``id IN (SELECT … LIMIT n)`` PostgreSQL
    # may run the subquery again for each row it updates, and a rerun that sees this very
    # statement's claims skips them and locks the next due rows — more than ``n`` claimed.
    sql = (
        f"WITH due AS MATERIALIZED (SELECT id FROM {table} WHERE {due} "
        f"ORDER BY next_attempt_at, id LIMIT %s{lock}) "
        f"UPDATE {table} SET attempts = attempts + 1, next_attempt_at = %s, "
        f"claimed_by = %s, claimed_at = %s "
        f"WHERE id IN (SELECT id FROM due) AND {due} "
        f"RETURNING *"
    )
    stamp = ops.adapt_datetimefield_value(at)
    pending = str(OutboxState.PENDING)
    params = [
        pending,
        stamp,
        size,
        ops.adapt_datetimefield_value(at + lease),
        worker_id,
        stamp,
        pending,
        stamp,
    ]
    claimed = list(OutboxMessage.objects.raw(sql, params))
    claimed.sort(key=lambda m: m.pk)
    return claimed


@contextmanager
def _quick_commit() -> Iterator[None]:
    """A transaction whose commit does not wait for the disk (PostgreSQL: ``synchronous_commit``
    off for this transaction only).

    Claims and outcomes may be lost in a crash of the database server itself — never the
    messages, which were written by the transactions that caused them. A lost claim or outcome
    means the message is delivered again, with the same Idempotency-Key: what at-least-once
    delivery already allows for. In exchange a worker does not wait for a disk flush per batch.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def delivery_request_id(message: OutboxMessage) -> str:
    """The request that wrote the message names its delivery: log lines and HTTP header."""
    return message.request_id or f"outbox-{message.pk}"


def attempt(message: OutboxMessage) -> Outcome:
    """Run the message's handler once and say what became of it (nothing is written here)."""
    with request_id_bound(delivery_request_id(message)):
        return _attempt(message)


def _attempt(message: OutboxMessage) -> Outcome:
    if message.attempts > conf.max_attempts():
        # Claimed that often without an outcome: the worker died on this message every time.
        error = "多次投递中途工作进程退出（租期到期），不再自动重试"
        return Outcome(message, OutboxState.DEAD, error)
    try:
        note = handler_for(message.kind)(message)
    except DeliveryRefused as error:
        return _failure(message, str(error), refused=True)
    except DeliveryFailed as error:
        return _failure(message, str(error), refused=False)
    except Exception as error:  # a bug or an outage we did not foresee: retry, and say what
        logger.exception("投递 %s 时出错", message)
        return _failure(message, f"{type(error).__name__}: {error}", refused=False)
    return Outcome(message, OutboxState.DELIVERED, note)


def _failure(message: OutboxMessage, error: str, *, refused: bool) -> Outcome:
    dead = refused or message.attempts >= conf.max_attempts()
    state = OutboxState.DEAD if dead else OutboxState.PENDING
    return Outcome(message, state, mask_text(error)[:_ERROR_CHARS])


def record_outcomes(
    outcomes: list[Outcome], *, now: dt.datetime | None, worker_id: str
) -> list[Outcome]:
    """Write a batch of outcomes in one transaction; the outcomes, for counting."""
    with _quick_commit():
        _write_outcomes(outcomes, at=now or timezone.now(), worker_id=worker_id)
    for outcome in outcomes:
        _log(outcome)
    return outcomes


def _write_outcomes(outcomes: list[Outcome], *, at: dt.datetime, worker_id: str) -> None:
    """Delivered is a fact, whoever holds the claim now: one UPDATE per distinct note (nearly
    always one). A failure is written only while the claim is still ours (same ``attempts``,
    same ``claimed_by``): if the lease ran out and another worker claimed the message, its
    attempt decides."""
    delivered: dict[str, list[int]] = defaultdict(list)
    for outcome in outcomes:
        message = outcome.message
        if outcome.state == OutboxState.DELIVERED:
            delivered[outcome.text].append(message.pk)
            continue
        changes: dict[str, object] = {"last_error": outcome.text}
        if outcome.state == OutboxState.DEAD:
            changes["state"] = OutboxState.DEAD
        else:
            changes["next_attempt_at"] = at + retry_delay(message.attempts)
        OutboxMessage.objects.filter(
            pk=message.pk,
            state=OutboxState.PENDING,
            attempts=message.attempts,
            claimed_by=worker_id,
        ).update(**changes)
    for note, ids in delivered.items():
        OutboxMessage.objects.filter(pk__in=ids, state=OutboxState.PENDING).update(
            state=OutboxState.DELIVERED, delivered_at=at, last_error=note
        )


def _log(outcome: Outcome) -> None:
    with request_id_bound(delivery_request_id(outcome.message)):
        _log_line(outcome)


def _log_line(outcome: Outcome) -> None:
    message, text = outcome.message, outcome.text
    if outcome.state == OutboxState.DELIVERED:
        logger.info("已送达 %s（第 %d 次尝试）%s", message, message.attempts, text)
    elif outcome.state == OutboxState.DEAD:
        logger.error("死信 %s（第 %d 次尝试）：%s", message, message.attempts, text)
    else:
        logger.warning("投递失败 %s（第 %d 次尝试），稍后重试：%s", message, message.attempts, text)
