"""Reads of the supervision pages go to the read replica, when one is configured.

``DATABASE_REPLICA_URL`` (kuaiban/settings.py) adds the ``replica`` database. The supervision
views run under ``replica_reads()`` (``reads_from_replica`` on every URL of the app), and this
router sends the reads made there to the replica; every write, every other read and every
migration go to the primary. A replica lags by a moment: the dashboards' figures may too,
nothing that a person just did is read back from it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"

_P = ParamSpec("_P")
_R = TypeVar("_R")
_on_replica: ContextVar[bool] = ContextVar("kuaiban_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view: Callable[_P, _R]) -> Callable[_P, _R]:
    @functools.wraps(view)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _on_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there may point at one read here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
