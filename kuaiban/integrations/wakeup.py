"""An idle worker's wait: woken by PostgreSQL's NOTIFY when a message is enqueued, not polling.

On PostgreSQL the outbox table has triggers (migration 0003) that run
``pg_notify('kuaiban_outbox', '')`` when messages are inserted (one per statement, so a bulk
insert is one notification) and when a dead letter is put back to pending. PostgreSQL delivers
a notification when — and only if — the transaction commits, so a worker never wakes for a
message it cannot see yet. Each worker LISTENs on its own connection (not Django's, which is
closed and reopened between passes) and ``wait`` returns as soon as a notification arrives.

Elsewhere (SQLite, the demo's in-process worker) ``wait`` sleeps until its timeout, as does a
worker whose listening connection is lost (it reconnects at the next wait). LISTEN needs a
session of its own: behind PgBouncer in transaction mode no notification arrives, and workers
wake every ``--sleep`` seconds as before.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import connection

logger = logging.getLogger("kuaiban.worker")

CHANNEL = "kuaiban_outbox"
# How often a wait looks at the stop flag (a SIGTERM sets it from the main thread).
_STOP_CHECK_SECONDS = 0.25
# Connection options of Django's that are not libpq's.
_DJANGO_ONLY_OPTIONS = {"pool", "isolation_level", "assume_role", "server_side_binding"}


class OutboxWakeup:
    """``wait(timeout)``: True when woken by a committed enqueue, False after the timeout."""

    def __init__(self, *, stop: threading.Event | None = None) -> None:
        self.stop = stop or threading.Event()
        self.listens = connection.vendor == "postgresql"
        self._listener: Any = None  # a psycopg.Connection when listening

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        listener = self.listening()
        if listener is None:
            self.stop.wait(timeout)
            return False
        try:
            while not self.stop.is_set():
                remaining = deadline - time.monotonic()
                slice_ = max(0.0, min(remaining, _STOP_CHECK_SECONDS))
                if any(True for _ in listener.notifies(timeout=slice_, stop_after=1)):
                    # Several commits since the last pass are one wake-up: drop the rest.
                    for _ in listener.notifies(timeout=0):
                        pass
                    return True
                if remaining <= 0:
                    return False
        except Exception:  # the database went away: sleep instead, reconnect next time
            logger.warning("监听发件箱通知的连接已断开，改为定时轮询，稍后重连", exc_info=True)
            self.close()
            self.stop.wait(max(0.0, deadline - time.monotonic()))
        return False

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None

    def listening(self) -> Any:
        """The listening connection (opened on first use), or None: poll instead."""
        if not self.listens:
            return None
        if self._listener is not None and not self._listener.closed:
            return self._listener
        try:
            self._listener = _connect()
            self._listener.execute(f"LISTEN {CHANNEL}")
        except Exception:
            logger.warning("无法监听发件箱通知，改为定时轮询", exc_info=True)
            self.close()
            return None
        return self._listener


def _connect() -> Any:
    """A psycopg connection of its own, in autocommit, to the database Django uses."""
    import psycopg

    settings = connection.settings_dict
    params: dict[str, Any] = {
        key: value
        for key, value in (settings.get("OPTIONS") or {}).items()
        if key not in _DJANGO_ONLY_OPTIONS
    }
    for key, name in [("NAME", "dbname"), ("USER", "user"), ("PASSWORD", "password")]:
        if settings.get(key):
            params[name] = settings[key]
    for key, name in [("HOST", "host"), ("PORT", "port")]:
        if settings.get(key):
            params[name] = str(settings[key])
    return psycopg.connect(autocommit=True, **params)
