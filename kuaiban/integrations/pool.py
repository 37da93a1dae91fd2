"""The delivery threads of a worker: messages are delivered concurrently, claimed and recorded
in batches by the worker's own thread (``worker.outbox_drain``).

A delivery mostly waits (for the receiver, the SMS gateway, the mail server), so threads overlap
those waits; the handlers are plain synchronous Django code. Each thread keeps its own database
connection (Django's connections are per thread) and closes it when the pool is closed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from django.db import close_old_connections, connections

T = TypeVar("T")

_Task = tuple[Future[object], Callable[[], object]]


class DeliveryPool:
    """``size`` daemon threads running submitted deliveries; ``close`` finishes the queue."""

    def __init__(self, *, size: int, name: str = "kuaiban-delivery") -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True) for n in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, work: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._tasks.put((future, work))  # type: ignore[arg-type]  # Future is invariant
        return future

    def close(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        try:
            while (task := self._tasks.get()) is not None:
                future, work = task
                if not future.set_running_or_notify_cancel():
                    continue
                # A connection broken by a database restart, or past CONN_MAX_AGE, is dropped.
                close_old_connections()
                try:
                    future.set_result(work())
                except BaseException as error:  # handed to the worker's thread, which decides
                    future.set_exception(error)
        finally:
            connections.close_all()


def completed(work: Callable[[], T]) -> Future[T]:
    """``work`` run on this thread, as a finished future: the drain without a pool."""
    future: Future[T] = Future()
    try:
        future.set_result(work())
    except Exception as error:
        future.set_exception(error)
    return future
