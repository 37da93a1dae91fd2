"""The claim: one winner per message, leases that expire, back-off, dead letters."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from kuaiban.integrations import worker
from kuaiban.integrations.errors import DeliveryFailed
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
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
    claimed = worker._claim_next(at=start, worker_id="A", lease=dt.timedelta(seconds=60))
    assert claimed is not None and claimed.claimed_by == "A" and claimed.attempts == 1

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
        assert worker._claim_next(at=at, worker_id="doomed", lease=lease) is not None
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
    mine = worker._claim_next(at=at, worker_id="A", lease=lease)
    assert mine is not None
    theirs = worker._claim_next(at=at + dt.timedelta(seconds=2), worker_id="B", lease=lease)
    assert theirs is not None

    worker._failed(mine, error="late", refused=True, now=at, worker_id="A")

    message = fresh(message)
    assert message.state == OutboxState.PENDING
    assert message.claimed_by == "B" and message.last_error == ""


@pytest.mark.django_db
def test_interleaved_workers_claim_each_message_once(monkeypatch):
    """B claims between A's SELECT and A's UPDATE: A's UPDATE matches nothing, A moves on."""
    seen: list[int] = []

    def deliver(message: OutboxMessage) -> str:
        seen.append(message.pk)
        return ""

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, deliver)
    first = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:7", payload={})
    second = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:8", payload={})
    original = worker._claim
    interleaved: list[bool] = []

    def claim_after_b(**kwargs):
        if not interleaved:
            interleaved.append(True)
            assert drain(worker="B", limit=1).delivered == 1  # B takes the first message
        return original(**kwargs)

    monkeypatch.setattr(worker, "_claim", claim_after_b)
    result = drain(worker="A", limit=1)

    assert result.delivered == 1
    assert seen == [first.pk, second.pk]
    assert fresh(first).claimed_by == "B" and fresh(second).claimed_by == "A"
    assert fresh(first).attempts == fresh(second).attempts == 1


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
            "serialises them (the interleaving test above covers the claim there)"
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


@pytest.mark.django_db
def test_a_known_kind_without_its_handler_yet_says_so(monkeypatch):
    monkeypatch.delitem(HANDLERS, OutboxKind.RATING_PUSH)
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="rating:9", payload={})
    assert drain().dead == 1
    assert "尚无处理“rating.push”类消息的程序" in fresh(message).last_error
