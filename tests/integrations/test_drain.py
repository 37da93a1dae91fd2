"""The claim: one winner per message, leases that expire, back-off, dead letters."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from kuaiban.integrations import worker
from kuaiban.integrations.errors import DeliveryFailed
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from kuaiban.integrations.pool import DeliveryPool
from kuaiban.integrations.registry import HANDLERS
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.integrations.worker import outbox_drain, retry_delay
from tests.integrations.conftest import APPLICANT_ID, APPLICANT_PHONE, build_world
from tests.integrations.helpers import drain, fresh, later


@pytest.mark.parametrize(
    ("attempts", "low", "high"),
    [(1, 5, 10), (2, 10, 20), (3, 20, 40), (7, 320, 640), (9, 1280, 2560), (12, 1800, 3600)],
)
def test_retry_delay_doubles_with_jitter_up_to_an_hour(attempts, low, high):
    assert retry_delay(attempts, rand=lambda: 0.0) == dt.timedelta(seconds=low)
    assert retry_delay(attempts, rand=lambda: 1.0) == dt.timedelta(seconds=high)
    assert retry_delay(attempts, rand=lambda: 0.5) == dt.timedelta(seconds=(low + high) / 2)


def test_retry_delay_is_capped_for_absurd_attempt_counts():
    assert retry_delay(10_000, rand=lambda: 1.0) == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_nothing_due_nothing_claimed():
    outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="later", payload={})
    OutboxMessage.objects.update(next_attempt_at=later(minutes=5))
    assert drain().claimed == 0


@pytest.mark.django_db
def test_a_kind_without_a_handler_is_a_dead_letter_with_a_clear_error():
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:1", payload={})
    OutboxMessage.objects.filter(pk=message.pk).update(kind="no.such.kind")

    assert drain().dead == 1
    message = fresh(message)
    assert message.state == OutboxState.DEAD
    assert "没有处理“no.such.kind”类消息的程序" in message.last_error


@pytest.mark.django_db
def test_errors_are_stored_masked(monkeypatch):
    def leaky(message):
        raise DeliveryFailed(f"接收方拒绝：身份证 {APPLICANT_ID}，手机 {APPLICANT_PHONE}")

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, leaky)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:2", payload={})

    drain()

    error = fresh(message).last_error
    assert APPLICANT_ID not in error and APPLICANT_PHONE not in error
    assert "370102********1234" in error and "138****5678" in error


@pytest.mark.django_db
def test_an_unexpected_exception_is_retried_with_its_type(monkeypatch):
    def buggy(message):
        raise KeyError("missing")

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, buggy)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:3", payload={})

    assert drain().retried == 1
    message = fresh(message)
    assert message.state == OutboxState.PENDING and message.last_error == "KeyError: 'missing'"


@pytest.mark.django_db
def test_a_killed_workers_claim_becomes_due_when_its_lease_ends(monkeypatch, settings):
    settings.KUAIBAN_OUTBOX_LEASE_SECONDS = 60
    delivered: list[int] = []

    def deliver(message: OutboxMessage) -> str:
        delivered.append(message.pk)
        return ""

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, deliver)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:4", payload={})
    start = timezone.now()

    # Worker A claims the message and dies before recording anything.
    [claimed] = worker.claim_batch(at=start, worker_id="A", lease=dt.timedelta(seconds=60), size=5)
    assert claimed.claimed_by == "A" and claimed.attempts == 1

    assert outbox_drain(limit=10, now=start + dt.timedelta(seconds=59), worker_id="B").claimed == 0
    result = outbox_drain(limit=10, now=start + dt.timedelta(seconds=61), worker_id="B")

    assert result.delivered == 1 and delivered == [message.pk]
    message = fresh(message)
    assert message.state == OutboxState.DELIVERED
    assert message.claimed_by == "B" and message.attempts == 2


@pytest.mark.django_db
def test_a_message_that_kills_every_worker_ends_as_a_dead_letter(monkeypatch, settings):
    settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS = 3
    lease = dt.timedelta(seconds=60)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:5", payload={})
    at = timezone.now()
    for _ in range(3):  # three workers each claim it and die
        assert worker.claim_batch(at=at, worker_id="doomed", lease=lease, size=1)
        at += lease + dt.timedelta(seconds=1)

    assert outbox_drain(limit=10, now=at, worker_id="B").dead == 1
    message = fresh(message)
    assert message.state == OutboxState.DEAD and "租期到期" in message.last_error


@pytest.mark.django_db
def test_a_late_failure_does_not_overwrite_the_next_claim(monkeypatch):
    """Worker A's lease ran out; B claimed again. A's failure then changes nothing."""
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:6", payload={})
    at = timezone.now()
    lease = dt.timedelta(seconds=1)
    [mine] = worker.claim_batch(at=at, worker_id="A", lease=lease, size=1)
    assert worker.claim_batch(at=at + dt.timedelta(seconds=2), worker_id="B", lease=lease, size=1)

    late = worker.Outcome(mine, OutboxState.DEAD, "late")
    worker.record_outcomes([late], now=at, worker_id="A")

    message = fresh(message)
    assert message.state == OutboxState.PENDING
    assert message.claimed_by == "B" and message.last_error == ""


@pytest.mark.django_db
def test_a_batch_claim_takes_only_due_pending_messages_oldest_first():
    lease = dt.timedelta(seconds=60)
    keys = [f"batch:{n}" for n in range(5)]
    for key in keys:
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=key, payload={})
    at = timezone.now()
    OutboxMessage.objects.filter(idempotency_key="batch:3").update(next_attempt_at=later(hours=1))
    OutboxMessage.objects.filter(idempotency_key="batch:4").update(state=OutboxState.DEAD)
    OutboxMessage.objects.filter(idempotency_key="batch:0").update(
        next_attempt_at=at - dt.timedelta(minutes=1)
    )

    first = worker.claim_batch(at=at, worker_id="A", lease=lease, size=2)
    second = worker.claim_batch(at=at, worker_id="B", lease=lease, size=10)

    assert {m.idempotency_key for m in first} == {"batch:0", "batch:1"}
    assert [m.idempotency_key for m in second] == ["batch:2"]
    assert all(m.attempts == 1 and m.next_attempt_at == at + lease for m in first + second)
    assert {m.claimed_by for m in first} == {"A"} and second[0].claimed_by == "B"
    assert worker.claim_batch(at=at, worker_id="C", lease=lease, size=10) == []
    assert fresh(second[0]).claimed_at == at  # what RETURNING gave is what was written


@pytest.mark.django_db
def test_outcomes_of_a_batch_are_written_together(monkeypatch, settings):
    settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS = 3
    for n in range(4):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"out:{n}", payload={})
    at = timezone.now()
    batch = worker.claim_batch(at=at, worker_id="A", lease=dt.timedelta(seconds=60), size=4)
    outcomes = [
        worker.Outcome(batch[0], OutboxState.DELIVERED, ""),
        worker.Outcome(batch[1], OutboxState.DELIVERED, "未发送：已转办"),
        worker.Outcome(batch[2], OutboxState.PENDING, "接收方返回 HTTP 503"),
        worker.Outcome(batch[3], OutboxState.DEAD, "机构不存在"),
    ]

    worker.record_outcomes(outcomes, now=at, worker_id="A")

    rows = [fresh(m) for m in batch]
    assert [r.state for r in rows] == ["delivered", "delivered", "pending", "dead"]
    assert rows[0].delivered_at == at and rows[1].last_error == "未发送：已转办"
    assert rows[2].last_error == "接收方返回 HTTP 503"
    assert at + dt.timedelta(seconds=5) <= rows[2].next_attempt_at <= at + dt.timedelta(seconds=10)


@pytest.mark.django_db(transaction=True)
def test_a_pool_delivers_a_batch_concurrently_and_records_every_outcome(monkeypatch):
    """Four deliveries that each wait for the others: only a concurrent drain gets through."""
    together = threading.Barrier(4, timeout=30)
    threads: set[str] = set()

    def deliver(message: OutboxMessage) -> str:
        threads.add(threading.current_thread().name)
        together.wait()  # all four are in flight at once, or this breaks
        if message.idempotency_key == "pool:3":
            raise DeliveryFailed("接收方返回 HTTP 502")
        return ""

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, deliver)
    for n in range(6):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"pool:{n}", payload={})
    OutboxMessage.objects.filter(idempotency_key__in=["pool:4", "pool:5"]).update(
        next_attempt_at=later(hours=1)
    )
    pool = DeliveryPool(size=4)
    try:
        result = outbox_drain(limit=100, worker_id="P", pool=pool)
    finally:
        pool.close()

    assert (result.claimed, result.delivered, result.retried, result.dead) == (4, 3, 1, 0)
    assert len(threads) == 4 and threading.current_thread().name not in threads
    states = dict(OutboxMessage.objects.values_list("idempotency_key", "state"))
    assert states == {
        "pool:0": "delivered",
        "pool:1": "delivered",
        "pool:2": "delivered",
        "pool:3": "pending",
        "pool:4": "pending",
        "pool:5": "pending",
    }


@pytest.mark.django_db(transaction=True)
def test_a_pool_told_to_stop_finishes_and_records_the_messages_in_hand(monkeypatch):
    stop = threading.Event()

    def deliver_then_signal(message: OutboxMessage) -> str:
        stop.set()  # SIGTERM arrives while the first batch is being delivered
        return ""

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, deliver_then_signal)
    for n in range(30):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"stop-pool:{n}", payload={})
    pool = DeliveryPool(size=4)
    try:
        result = outbox_drain(limit=100, worker_id="S", pool=pool, should_stop=stop.is_set)
    finally:
        pool.close()

    # In hand: four in flight and a batch of sixteen queued for the threads, claimed before
    # any handler ran; the next claim only after deliveries ended, and by then the stop had
    # been asked for.
    assert result.claimed == 20 and result.delivered == 20
    counts = dict(
        OutboxMessage.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    assert counts == {"delivered": 20, "pending": 10}
    assert not OutboxMessage.objects.filter(state="pending", attempts__gt=0).exists()


@pytest.mark.django_db
def test_should_stop_is_asked_between_messages(monkeypatch):
    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, lambda m: "")
    for n in range(3):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"stop:{n}", payload={})
    asked = []

    def stop_after_two() -> bool:
        asked.append(True)
        return len(asked) > 2  # e.g. SIGTERM arrived while the second message was in hand

    result = outbox_drain(limit=10, worker_id="w", should_stop=stop_after_two)

    assert result.delivered == 2
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_worker_threads_deliver_each_message_once(receiver):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent writer threads need PostgreSQL; SQLite's in-memory test database "
            "serialises them (the batch-claim tests above cover the claim there)"
        )
    world = build_world(receiver.url)
    messages = [world.dispatch(world.subcase()) for _ in range(30)]
    results = []
    barrier = threading.Barrier(2)

    def run(name: str) -> None:
        try:
            barrier.wait()
            results.append(outbox_drain(limit=100, worker_id=name))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("T1", "T2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sum(r.claimed for r in results) == 30
    assert sum(r.delivered for r in results) == 30
    keys = [m.idempotency_key for m in messages]
    assert all(receiver.arrivals_of(key) == 1 for key in keys)
    assert set(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "state", flat=True
        )
    ) == {OutboxState.DELIVERED}


@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_the_rows_another_worker_is_claiming():
    """PostgreSQL: B's claim neither waits for A's open claim nor takes A's rows."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite has one writer at a time")
    lease = dt.timedelta(seconds=60)
    for n in range(4):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"skip:{n}", payload={})
    at = timezone.now()
    theirs: list[OutboxMessage] = []
    holding, release = threading.Event(), threading.Event()

    def claim_and_hold() -> None:
        try:
            with transaction.atomic():  # A's claim, not yet committed: its rows stay locked
                theirs.extend(worker.claim_batch(at=at, worker_id="A", lease=lease, size=2))
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=claim_and_hold)
    thread.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:  # waiting on A's rows would fail, not hang
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            mine = worker.claim_batch(at=at, worker_id="B", lease=lease, size=10)
    finally:
        release.set()
        thread.join(30)

    assert len(theirs) == 2 and len(mine) == 2
    assert not {m.pk for m in theirs} & {m.pk for m in mine}


@pytest.mark.django_db
def test_a_known_kind_without_its_handler_yet_says_so(monkeypatch):
    monkeypatch.delitem(HANDLERS, OutboxKind.RATING_PUSH)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:9", payload={})
    assert drain().dead == 1
    assert "尚无处理“rating.push”类消息的程序" in fresh(message).last_error


@pytest.mark.django_db
def test_a_failed_claim_still_records_the_deliveries_in_hand(monkeypatch):
    """The database goes away at the second claim: the outcomes that were to be written with
    it and those still in flight are written once more before the error goes up."""
    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, lambda message: "")
    for n in range(20):
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=f"lost:{n}", payload={})
    original = worker._claim
    claims: list[int] = []

    def claim_then_fail(**kwargs):
        claims.append(kwargs["size"])
        if len(claims) > 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(**kwargs)

    monkeypatch.setattr(worker, "_claim", claim_then_fail)
    pool = DeliveryPool(size=2)
    try:
        with pytest.raises(OperationalError):
            outbox_drain(limit=100, worker_id="L", pool=pool)
    finally:
        pool.close()

    assert claims[0] == 18  # two in flight and a batch of sixteen queued
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    assert states == {"delivered": 18, "pending": 2}
