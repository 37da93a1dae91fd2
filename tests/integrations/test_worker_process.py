"""`kuaiban worker` as real processes: one is SIGKILLed mid-delivery (one message in hand, or a
whole batch in flight), a second one finishes.

The workers are subprocesses, so they must see the test database. On PostgreSQL they connect
to the test database itself. SQLite's test database is in memory, so the test copies it to a
file (SQLite's backup API), lets the workers run against the file and reads the outcome from
it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from kuaiban.integrations.models import OutboxMessage
from tests.integrations.conftest import Receiver, build_world

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE = Path(settings.BASE_DIR) / "manage.py"
# The killed worker's claims come back a second after it claimed them (it is killed before:
# with every delivery thread held it claims nothing more, so nothing of it runs out early);
# the worker that finishes holds its claims for longer than the test can last.
KILLED_LEASE_SECONDS = 1.0
FINISHING_LEASE_SECONDS = 120.0


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class SharedDatabase:
    """The test database as the worker subprocesses see it."""

    _QUERY = (
        "SELECT idempotency_key, state, attempts, claimed_by FROM integrations_outboxmessage "
        "ORDER BY id"
    )

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            s = connection.settings_dict
            self.url = (
                f"postgres://{quote(s['USER'] or '')}:{quote(s['PASSWORD'] or '')}"
                f"@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        elif self.vendor == "sqlite":
            self.path = tmp_path / "workers.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            pytest.skip(f"no way to share a {self.vendor} test database with a subprocess")

    def publish(self) -> None:
        """SQLite: copy the in-memory test database, as it is now, to the workers' file."""
        if self.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(self.path) as target:
                connection.connection.backup(target)

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(key, state, attempts, claimed_by) of every message, as the workers left them."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=20) as db:
                return list(db.execute(self._QUERY))
        return list(
            OutboxMessage.objects.order_by("pk").values_list(
                "idempotency_key", "state", "attempts", "claimed_by"
            )
        )


def _start_worker(
    url: str, name: str, log: Path, *, lease: float, concurrency: int = 1
) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "kuaiban.settings_test",
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "KUAIBAN_LOG_LEVEL": "INFO",
    }
    command = [sys.executable, str(MANAGE), "worker", "--worker-id", name]
    command += ["--lease", str(lease), "--sleep", "0.1"]
    command += ["--concurrency", str(concurrency)]
    return subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=MANAGE.parent
    )


@contextmanager
def _workers(receiver: Receiver) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The worker processes a test starts; none is left running, no receiver thread held."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        yield processes
    finally:
        receiver.release.set()
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def _second_worker_delivers_everything(
    database: SharedDatabase,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
    *,
    concurrency: int = 1,
) -> None:
    second = _start_worker(
        database.url,
        "B",
        tmp_path / "b.log",
        lease=FINISHING_LEASE_SECONDS,
        concurrency=concurrency,
    )
    processes.append(second)
    _wait_for(
        lambda: {state for _, state, _, _ in database.rows()} == {"delivered"},
        timeout=60,
        what="every message delivered by the second worker",
    )
    second.send_signal(signal.SIGTERM)
    assert second.wait(30) == 0  # a graceful stop


def test_a_killed_worker_loses_nothing_and_nothing_is_applied_twice(receiver, tmp_path):
    database = SharedDatabase(tmp_path)
    world = build_world(receiver.url)
    messages = [world.dispatch(world.subcase()) for _ in range(3)]
    keys = [m.idempotency_key for m in messages]
    receiver.plan("stall")  # the first delivery is applied, then the answer never comes
    database.publish()

    with _workers(receiver) as processes:
        first = _start_worker(database.url, "A", tmp_path / "a.log", lease=KILLED_LEASE_SECONDS)
        processes.append(first)
        assert receiver.stalled.wait(60), (tmp_path / "a.log").read_text()
        first.send_signal(signal.SIGKILL)  # mid-delivery: no chance to record anything
        first.wait(10)
        _second_worker_delivers_everything(database, tmp_path, processes)

    outcome = {key: (state, attempts, by) for key, state, attempts, by in database.rows()}
    assert outcome[keys[0]] == ("delivered", 2, "B")  # claimed again after A's lease ran out
    assert outcome[keys[1]] == outcome[keys[2]] == ("delivered", 1, "B")
    assert receiver.arrivals_of(keys[0]) == 2  # the killed delivery, then B's
    assert [receiver.arrivals_of(k) for k in keys[1:]] == [1, 1]
    assert all(receiver.effective[key] == 1 for key in keys)  # each applied exactly once
    assert all(a.signature_ok for a in receiver.arrivals)
    log = (tmp_path / "b.log").read_text()
    assert "收到停止信号（SIGTERM）" in log and "已停止" in log


def test_a_worker_killed_mid_batch_loses_nothing_its_claims_come_back_after_the_lease(
    receiver, tmp_path
):
    """A (four delivery threads) claims twenty — four in flight, held by the receiver, and a
    batch of sixteen queued for its threads — and is SIGKILLed: nothing of them is recorded.
    B delivers the four A never claimed at once, and A's twenty when their lease has run out;
    each key is applied once."""
    database = SharedDatabase(tmp_path)
    world = build_world(receiver.url)
    keys = [world.dispatch(world.subcase()).idempotency_key for _ in range(24)]
    receiver.plan(*["stall"] * 4)
    database.publish()

    with _workers(receiver) as processes:
        first = _start_worker(
            database.url, "A", tmp_path / "a.log", lease=KILLED_LEASE_SECONDS, concurrency=4
        )
        processes.append(first)
        _wait_for(
            lambda: len(receiver.arrivals) == 4,
            timeout=60,
            what=f"four deliveries in flight: {(tmp_path / 'a.log').read_text()}",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        in_flight = {arrival.key for arrival in receiver.arrivals}
        in_hand = [key for key, _, _, by in database.rows() if by == "A"]
        assert len(in_hand) == 20 and in_flight < set(in_hand)
        assert {(s, n) for k, s, n, _ in database.rows() if k in in_hand} == {("pending", 1)}
        _second_worker_delivers_everything(database, tmp_path, processes, concurrency=4)

    outcome = {key: (state, attempts, by) for key, state, attempts, by in database.rows()}
    assert all(outcome[key] == ("delivered", 2, "B") for key in in_hand)
    others = [key for key in keys if key not in in_hand]
    assert len(others) == 4 and all(outcome[key] == ("delivered", 1, "B") for key in others)
    assert all(receiver.arrivals_of(key) == (2 if key in in_flight else 1) for key in keys)
    assert all(receiver.effective[key] == 1 for key in keys)
    assert all(a.signature_ok for a in receiver.arrivals)
