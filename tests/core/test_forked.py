"""A forked child never runs a statement on a connection its parent left open
(`kuaiban/core/forked.py`)."""

from __future__ import annotations

import multiprocessing

import pytest
from django.db import connection, connections

from kuaiban.core.forked import connections_set_aside


def _child(results, set_aside: bool) -> None:  # type: ignore[no-untyped-def]
    try:
        if set_aside:
            connections_set_aside()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            results.put(cursor.fetchone()[0])
    except Exception as exc:
        results.put(repr(exc))
    finally:
        connections.close_all()


def _backend_in_child(set_aside: bool) -> object:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_child, args=(results, set_aside))
    child.start()
    found = results.get(timeout=60)
    child.join(timeout=60)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL session per connection: the PostgreSQL half of the suite")
    # The parent's connection is open at the fork, as one of another thread or context was.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (parent,) = cursor.fetchone()
    child = _backend_in_child(set_aside=True)
    assert isinstance(child, int) and child != parent
    # The parent's session is whole: the same backend, answering.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == parent


@pytest.mark.django_db(transaction=True)
def test_without_setting_them_aside_the_child_would_use_the_parents_socket() -> None:
    """What the helper prevents, shown: the inherited object talks to the parent's backend."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL session per connection: the PostgreSQL half of the suite")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (parent,) = cursor.fetchone()
    assert _backend_in_child(set_aside=False) == parent
    connection.close()  # the socket was shared: start the parent afresh
