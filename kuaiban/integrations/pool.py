"""The delivery threads of a worker: messages are delivered concurrently, claimed and recorded
in batches by the worker's own thread (``worker.outbox_drain``).

A delivery mostly waits (for the receiver, the SMS gateway, the mail server), so threads overlap
those waits; the handlers are plain synchronous Django code. Each thread keeps its own database
connection (Django's connections are per thread) and closes it when the pool is closed.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

logger = logging.getLogger("kuaiban.outbox")


class DeliveryPool:
    """``size`` daemon threads running submitted work; ``close`` finishes the queue first.

    The work reports its own result (the drain passes each delivery a queue to put its outcome
    on); what it raises is logged and the thread goes on.
    """

    def __init__(self, *, size: int, name: str = "kuaiban-delivery") -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._tasks: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True) for n in range(size)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, work: Callable[[], object]) -> None:
        self._tasks.put(work)

    def close(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        try:
            while (work := self._tasks.get()) is not None:
                # A connection broken by a database restart, or past CONN_MAX_AGE, is dropped.
                close_old_connections()
                try:
                    work()
                except Exception:
                    logger.exception("投递线程中的任务出错")
        finally:
            connections.close_all()
