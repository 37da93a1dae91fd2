"""The independent reads of a supervision page at once, on threads of their own.

A first look at the overview makes some twenty reads: the roll-ups' part and today's of each
figure. One after another they take the sum of their times; `together` runs them on a small
pool of threads (``KUAIBAN_SUPERVISION_READ_THREADS``), each thread with its own database
connection, so the database works on several at once while Python adds up what came back.

It does so only where that gives the same answer: on PostgreSQL (SQLite takes one connection
at a time) and outside a transaction — another connection cannot see what a transaction has
not committed yet (a test's data, for one). Otherwise, and with 0 threads, the reads run in
turn on the caller's connection.

On the threads' connections PostgreSQL's own parallel workers are turned off for the read
(`SET` … `RESET`): with the reads already side by side, more processes than cores made the
overview slower, not faster (docs/ARCHITECTURE.md, "Reads side by side").

The threads keep their connections as requests do (``CONN_MAX_AGE``), so a web process holds
up to one more connection per thread; with a pool of connections (``DATABASE_POOL_SIZE``) each
read hands its connection back, and fewer threads than the pool's size are used.

A read may itself call `together` (the applications' figure reads its roll-up and its live
part at once). A call never waits on a read that has not started: it takes that read back and
runs it itself, so a full pool cannot deadlock.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, router

from kuaiban.cases.models import SubCase

_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()
_SERIAL_READS = "max_parallel_workers_per_gather"


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Each call's result, in order; the calls run at once where that is safe (above)."""
    alias = router.db_for_read(SubCase)
    connection = connections[alias]
    threads = _threads(connection.settings_dict)
    if (
        threads < 1
        or len(calls) < 2
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        return [call() for call in calls]
    pool = _pool(threads)
    # Each read in a copy of the caller's context: reads from the replica (`core/db_router.py`)
    # stay there, and the request id stays on the log lines.
    futures = [
        pool.submit(contextvars.copy_context().run, _on_own_connection, alias, call)
        for call in calls[1:]
    ]
    try:
        results = [calls[0]()]
        for call, future in zip(calls[1:], futures, strict=True):
            # Not started yet (every thread busy): run here rather than wait for a thread.
            results.append(call() if future.cancel() else future.result())
    except BaseException:
        for future in futures:
            future.cancel()  # a failed page needs none of what has not started
        raise
    return results


def _threads(database: dict[str, Any]) -> int:
    """The threads to use: the setting, and with a pool of connections (DATABASE_POOL_SIZE)
    fewer than its size, so that the caller's connection and each thread's always fit."""
    threads: int = settings.KUAIBAN_SUPERVISION_READ_THREADS
    pool = database.get("OPTIONS", {}).get("pool")
    if not pool:
        return threads
    size = 4  # psycopg_pool's own size when Django's pool is simply turned on
    if isinstance(pool, dict):
        size = pool.get("max_size") or pool.get("min_size", size)
    return min(threads, size - 1)


def _pool(threads: int) -> ThreadPoolExecutor:
    with _POOLS_LOCK:
        if threads not in _POOLS:
            _POOLS[threads] = ThreadPoolExecutor(
                max_workers=threads, thread_name_prefix="supervision-read"
            )
        return _POOLS[threads]


def _on_own_connection(alias: str, call: Callable[[], Any]) -> Any:
    # As Django does around a request: a connection past its age or broken is replaced.
    close_old_connections()
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {_SERIAL_READS} = 0")
        return call()
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"RESET {_SERIAL_READS}")
        except DatabaseError:
            pass  # a broken connection: closed just below
        finally:
            close_old_connections()


def readers_close() -> None:
    """Close the threads' database connections and end the threads (before a test database
    is dropped: PostgreSQL refuses while a connection is open)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.items())
        _POOLS.clear()
    for threads, pool in pools:
        # One task a thread: each waits until every thread holds one, then closes its own.
        barrier = threading.Barrier(threads)

        def close(barrier: threading.Barrier = barrier) -> None:
            barrier.wait(timeout=30)
            connections.close_all()

        for _ in range(threads):
            pool.submit(close)
        pool.shutdown(wait=True)
