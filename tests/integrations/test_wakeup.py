"""An idle worker waits for PostgreSQL's NOTIFY instead of polling.

What is tested here is the mechanism — a notification is sent when an enqueue commits (not
before, not on rollback) and the worker's wait returns because of it. How fast a worker wakes
is measured in ``bench/outbox_bench.py``, not asserted here.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from kuaiban.deliveries.runner import WorkerLoop
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from kuaiban.integrations.registry import HANDLERS
from kuaiban.integrations.services import outbox_enqueue, outbox_resend
from kuaiban.integrations.wakeup import CHANNEL, OutboxWakeup

pytestmark = pytest.mark.django_db(transaction=True)

# Only a bound for a broken test run: a wait that is not woken fails instead of hanging.
NEVER = 60.0


@pytest.fixture
def wakeup():
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; other databases poll")
    waiter = OutboxWakeup()
    assert waiter.listening() is not None
    yield waiter
    waiter.close()


def _pending(waiter: OutboxWakeup) -> list[str]:
    """The notifications that have arrived, without waiting."""
    return [n.channel for n in waiter.listening().notifies(timeout=0)]


def test_an_enqueue_notifies_at_commit_and_not_before(wakeup):
    with transaction.atomic():
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:1", payload={})
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:2", payload={})
        assert _pending(wakeup) == []  # not visible to workers yet: no wake-up either

    assert wakeup.wait(NEVER) is True
    assert _pending(wakeup) == []  # two enqueues in one transaction: one wake-up


def test_a_rolled_back_enqueue_notifies_nobody(wakeup):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:3", payload={})
        raise RuntimeError("the submission failed")

    assert wakeup.wait(0) is False
    assert not OutboxMessage.objects.exists()


def test_a_bulk_insert_notifies_once(wakeup):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(kind=OutboxKind.RATING_PUSH, idempotency_key=f"bulk:{n}", payload={})
        for n in range(5)
    )
    assert [n.channel for n in wakeup.listening().notifies(timeout=NEVER, stop_after=1)] == [
        CHANNEL
    ]
    assert _pending(wakeup) == []


def test_a_resent_dead_letter_wakes_the_workers_but_recording_outcomes_does_not(wakeup):
    message = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:4", payload={})
    assert wakeup.wait(NEVER) is True
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.DEAD, attempts=8)
    OutboxMessage.objects.filter(pk=message.pk).update(last_error="接收方返回 HTTP 500")
    assert wakeup.wait(0) is False  # outcomes and claims are no news for idle workers

    outbox_resend(actor=None, message_ids=[message.pk])

    assert wakeup.wait(NEVER) is True


def test_the_workers_wait_returns_on_the_notification_of_a_commit_in_another_thread(wakeup):
    woken: list[bool] = []
    waiting = threading.Thread(target=lambda: woken.append(wakeup.wait(NEVER)))
    waiting.start()
    try:
        with transaction.atomic():
            outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:5", payload={})
    finally:
        waiting.join(NEVER + 5)
    assert woken == [True]  # woken by the commit, not by the end of its wait


def test_a_stop_ends_the_wait_without_a_notification(wakeup):
    wakeup.stop.set()
    assert wakeup.wait(NEVER) is False


def test_without_listen_the_wait_is_a_plain_sleep():
    waiter = OutboxWakeup()
    waiter.listens = False  # as on SQLite
    assert waiter.listening() is None
    outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:6", payload={})
    assert waiter.wait(0.01) is False


def test_an_idle_worker_loop_is_woken_by_an_enqueue_not_by_the_end_of_its_sleep(
    wakeup, monkeypatch
):
    """The loop sleeps up to ten minutes when idle; a message enqueued meanwhile is delivered
    long before that (the bound below only keeps a broken run from hanging)."""
    delivered = threading.Event()
    waiting = threading.Event()
    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, lambda message: delivered.set() or "")
    original_wait = OutboxWakeup.wait

    def spied_wait(self: OutboxWakeup, timeout: float) -> bool:
        waiting.set()
        return original_wait(self, timeout)

    monkeypatch.setattr(OutboxWakeup, "wait", spied_wait)
    loop = WorkerLoop(worker_id="idle", idle_sleep=600, sweep_every=600)

    def run() -> None:
        try:
            loop.run_forever()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert waiting.wait(NEVER)  # the first pass found nothing: the loop waits
        outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="wake:7", payload={})
        assert delivered.wait(NEVER)
    finally:
        loop.stop.set()
        thread.join(NEVER)
    assert not thread.is_alive()
    assert OutboxMessage.objects.get(idempotency_key="wake:7").state == OutboxState.DELIVERED
