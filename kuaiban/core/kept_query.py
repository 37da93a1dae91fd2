"""A queryset compiled once per process and database, then run again with other values.

Django compiles a queryset's SQL anew at every evaluation. For the query every API request
makes — the bearer token with its user and the user's region — that compilation was the
largest single CPU cost of a submission, more than the query itself (docs/ARCHITECTURE.md,
"Intake"). ``KeptQuery`` compiles the queryset once per database alias, built with marker
values in place of the arguments, and later runs the kept text with the caller's values,
turning the rows into model instances exactly as the queryset does: Django's own converters
(``results_iter``) and related-object populators, so ``select_related`` objects come filled in.

Only plain querysets qualify: no annotations, ``only``/``defer``, ``values`` or prefetching —
the constructor refuses anything else rather than answer differently from the ORM.

``kept_cursor`` is the cursor for such kept statements — this module's, the bulk INSERTs of
``kuaiban/core/bulk.py`` and the other fixed statements of a submission. On PostgreSQL it binds
the values on the server: they travel beside the statement's text instead of being quoted into
it in Python, and psycopg has PostgreSQL keep the statement prepared from its
``DATABASE_PREPARE_THRESHOLD``-th run on a connection, so the server no longer parses and plans
it each time (a third of the database's CPU per submission, docs/ARCHITECTURE.md, "Intake").
Django's other queries keep its client-side binding. The cursor is Django's, wrapped as usual:
the statements are logged, counted and pass through the connection's execute wrappers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import query as django_query
from django.db.models.query import ModelIterable, QuerySet

# Django's own builder of select_related objects, used as ModelIterable uses it (an internal,
# not in the type stubs).
get_related_populators: Callable[..., list[Any]] = django_query.get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=models.Model)


def kept_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of ``connection`` for statements whose text stays the same from run to run:
    bound on the server, and so prepared, on PostgreSQL; the usual cursor elsewhere."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    # What BaseDatabaseWrapper.cursor() does, with the server-binding cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where each argument goes among ``params``
    compiler: Any  # the SQLCompiler, set up once: select list, converters' fields
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


class KeptQuery(Generic[M]):
    """``build(*markers)`` gives the queryset; ``rows(*values)`` runs it with ``values``."""

    def __init__(self, build: Callable[..., QuerySet[M]], arguments: int) -> None:
        self.build = build
        self.markers = tuple(f"\x00kept-query-argument-{n}\x00" for n in range(arguments))
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[M] | None = None
        self._lock = threading.Lock()

    def rows(self, *values: Any) -> list[M]:
        """The queryset's objects for ``values`` (in the markers' order)."""
        if len(values) != len(self.markers):
            raise TypeError(f"expected {len(self.markers)} values, got {len(values)}")
        model = self._model or self.build(*self.markers).model
        self._model = model
        alias = router.db_for_read(model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        with kept_cursor(connections[alias]) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        found: list[M] = []
        for row in compiled.compiler.results_iter([fetched]):
            obj = model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, *values: Any) -> M | None:
        found = self.rows(*values)
        return found[0] if found else None

    def _compile(self, alias: str) -> _Compiled:
        queryset = self.build(*self.markers)
        query = queryset.query
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or query.annotation_select
            or query.deferred_loading != (frozenset(), True)
            or queryset._known_related_objects  # type: ignore[attr-defined]
        ):
            raise ValueError("KeptQuery takes plain querysets of model objects only")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = []
        for marker in self.markers:
            found = [n for n, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ValueError("each argument must appear once among the query's parameters")
            slots.append(found[0])
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, alias),
        )
        with self._lock:
            self._compiled[alias] = compiled
        return compiled
