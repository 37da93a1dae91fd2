"""Rows of one model in one ``INSERT … RETURNING``, the statement's text kept per process.

A submission writes seven small INSERTs (the application, its commitments, shared-data uses,
sub-cases and materials, the outbox message, the audit rows). ``bulk_create`` compiles each
one anew — the compiler, the field list, the quoting of every column — and on the shared
2-core machine that was 0.65 ms of CPU for seven audit rows against 0.27 ms for the same
rows written with the statement kept (``docs/ARCHITECTURE.md``, "Intake"). The values go
through each field exactly as ``bulk_create`` sends them (``pre_save`` with ``add``, which
stamps ``auto_now_add``; ``get_db_prep_save``), and the new primary keys are set on the
objects, so callers use them as they used ``bulk_create``'s. Anything this does not cover (a
primary key given, a database default, a generated column, a batch too large for one
statement, a database without ``RETURNING`` from a multi-row INSERT) goes to ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.expressions import DatabaseDefault

M = TypeVar("M", bound=models.Model)

# SQLite's limit on host parameters was 999 before 3.32: bigger batches go to bulk_create.
MAX_PARAMETERS = 999

_statements: dict[tuple[type[models.Model], int, str], tuple[str, list[Any]]] = {}


def rows_insert(objs: Sequence[M], *, using: str = "default") -> list[M]:
    """Insert ``objs`` (all of one model, unsaved) in one statement; their keys set."""
    rows = list(objs)
    if not rows:
        return rows
    model = type(rows[0])
    connection = connections[using]
    statement = _statement(model, len(rows), connection)
    if statement is None or any(obj.pk is not None for obj in rows):
        return model._default_manager.using(using).bulk_create(rows)
    sql, fields = statement
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
        for obj in rows
        for field in fields
    ]
    if any(isinstance(value, DatabaseDefault) for value in params):
        return model._default_manager.using(using).bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(rows, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using
    return rows


def _statement(
    model: type[models.Model], count: int, connection: Any
) -> tuple[str, list[Any]] | None:
    """The INSERT for ``count`` rows of ``model`` and the fields of its parameters, in order;
    None when it must be ``bulk_create``'s."""
    key = (model, count, connection.alias)
    found = _statements.get(key)
    if found is not None:
        return found
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or not isinstance(meta.pk, models.AutoField)
        or meta.parents
        or any(f.generated or f.has_db_default() for f in fields)  # type: ignore[attr-defined]
        or count * len(fields) > MAX_PARAMETERS
    ):
        return None
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)} RETURNING {quote(meta.pk.column)}"
    )
    _statements[key] = (sql, fields)
    return sql, fields
