"""`together`: a page's independent reads at once on threads of their own (PostgreSQL, outside a
transaction), the same figures as read in turn; in turn inside a transaction and on SQLite."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import override_settings

from kuaiban.supervision import together as together_module
from kuaiban.supervision.dashboard import overview_load
from kuaiban.supervision.selectors.contact_points import contact_point_rows
from kuaiban.supervision.together import together
from tests.supervision.test_figures import context


def _read() -> tuple[str, int]:
    """The thread a read ran on and its connection's server process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1"
        )
        (pid,) = cursor.fetchone()
    return threading.current_thread().name, pid


def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("reads side by side are PostgreSQL's (run in the PostgreSQL half)")


@pytest.mark.django_db(transaction=True)
def test_reads_run_side_by_side_each_on_its_own_connection() -> None:
    _postgresql()
    barrier = threading.Barrier(3, timeout=10)

    def read(n: int) -> tuple[int, str, int]:
        barrier.wait()  # all three at once, or this times out
        return (n, *_read())

    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=2):
        found = together(lambda: read(0), lambda: read(1), lambda: read(2))
    assert [n for n, _, _ in found] == [0, 1, 2]  # in the order asked
    assert found[0][1] == threading.current_thread().name
    assert {name.startswith("supervision-read") for _, name, _ in found[1:]} == {True}
    assert len({pid for _, _, pid in found}) == 3


@pytest.mark.django_db(transaction=True)
def test_a_read_that_reads_side_by_side_never_waits_on_a_queued_one() -> None:
    """One thread, and each of three reads asks for three more: the calls not started are
    taken back and run by the caller, so nothing waits for a thread that is busy waiting."""
    _postgresql()

    def outer(n: int) -> list[tuple[int, int]]:
        return together(*(lambda m=m: (n, m, _read()[1])[:2] for m in range(3)))

    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=1):
        found = together(*(lambda n=n: outer(n) for n in range(3)))
    assert found == [[(n, m) for m in range(3)] for n in range(3)]


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_read_reaches_the_caller() -> None:
    _postgresql()

    def broken() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=2), pytest.raises(DatabaseError):
        together(_read, broken, _read)
    # The thread's connection is still good for the next read.
    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=2):
        assert len(together(_read, _read, _read)) == 3


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_run_in_turn_on_the_callers_connection() -> None:
    """A test's rows are not committed: another connection would not see them."""
    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=4):
        found = together(_read, _read, _read)
    assert {name for name, _ in found} == {threading.current_thread().name}
    assert len({pid for _, pid in found}) == 1


@pytest.mark.django_db(transaction=True)
def test_the_overview_read_side_by_side_equals_it_read_in_turn(world, ledger) -> None:
    """Every figure of the overview and of the contact points (the hand-counted ledger of
    tests/supervision), and the threads did read some of them."""
    _postgresql()
    ctx = context(world["supervisor-sd"])

    shanxi = context(world["supervisor-sx"])  # the contact points are Shanxi's

    def figures():  # type: ignore[no-untyped-def]
        points = contact_point_rows(shanxi.scope, shanxi.filters, tree=shanxi.tree)
        return overview_load(ctx), points

    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=0):
        in_turn, points_in_turn = figures()
    threads: list[str] = []
    real = together_module._on_own_connection

    def recorded(alias, call):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(alias, call)

    with (
        override_settings(KUAIBAN_SUPERVISION_READ_THREADS=4),
        mock.patch.object(together_module, "_on_own_connection", recorded),
    ):
        side_by_side, points_side_by_side = figures()
    assert side_by_side == in_turn
    assert points_side_by_side == points_in_turn
    assert any(row.applications for row in points_in_turn)
    assert in_turn.items.received == 6  # the ledger's figure (test_figures.py)
    assert any(name.startswith("supervision-read") for name in threads)


def test_with_a_pool_of_connections_fewer_threads_than_its_size() -> None:
    from kuaiban.supervision.together import _threads

    with override_settings(KUAIBAN_SUPERVISION_READ_THREADS=4):
        assert _threads({"OPTIONS": {}}) == 4
        assert _threads({"OPTIONS": {"pool": {"min_size": 1, "max_size": 3}}}) == 2
        assert _threads({"OPTIONS": {"pool": {"min_size": 1, "max_size": 20}}}) == 4
        assert _threads({"OPTIONS": {"pool": True}}) == 3  # psycopg_pool's default size, 4
        assert _threads({"OPTIONS": {"pool": {"min_size": 1, "max_size": 1}}}) == 0


@pytest.mark.django_db(transaction=True)
def test_the_threads_read_where_the_caller_reads() -> None:
    """The supervision views read from the replica (`core/db_router.replica_reads`, a context
    variable): the threads' reads are made in the caller's context, so they do too."""
    _postgresql()
    from kuaiban.core.db_router import _on_replica, replica_reads

    barrier = threading.Barrier(3, timeout=10)

    def where() -> tuple[str, bool]:
        barrier.wait()  # all three at once: none is taken back by the caller
        _read()
        return threading.current_thread().name, _on_replica.get()

    with replica_reads(), override_settings(KUAIBAN_SUPERVISION_READ_THREADS=2):
        found = together(where, where, where)
    assert all(on_replica for _, on_replica in found)
    assert sum(name.startswith("supervision-read") for name, _ in found) == 2
