"""Secondary indexes set aside during a large first load, built again after it.

A load of millions of rows into empty tables writes faster without their secondary indexes
and unique constraints (an index whose keys arrive in random order — ID numbers, application
numbers, time stamps of many processes — no longer fits in memory and costs a random page
per row): they are dropped first and built again, each by one sort, after the load. Primary
keys stay, since other tables' foreign keys need them, and so do partial indexes: they hold
only the few rows their condition picks (the running sub-cases), which cost little to keep up,
and their condition would come back from ``pg_get_indexdef`` in another, equivalent form.

The statements that rebuild them are kept in one table's comment (the ``holder``), written in
the same transaction as the drop, so a load killed halfway leaves them on record, and the next
load (or `indexes_restore`) builds them before doing anything else. PostgreSQL only: used by
the people's generation (`shareddata/bulk.py`) and the supervision history's
(`supervision/services.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models, transaction

_MARK = "kuaiban:deferred-indexes:"


def indexes_defer(tables: Sequence[type[models.Model]], *, holder: type[models.Model]) -> int:
    """Drop the secondary indexes and unique constraints of ``tables``, keeping the
    statements that rebuild them in ``holder``'s table comment; the number set aside."""
    statements: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for model in tables:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                quoted = connection.ops.quote_name(name)
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
                statements.append(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND i.indpred IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                "ORDER BY c.relname",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                statements.append(definition)
        _save(cursor, holder, [*_read(cursor, holder), *statements])
    return len(statements)


def indexes_restore(*, holder: type[models.Model], bar: Callable[[int], Any] | None = None) -> int:
    """Build the indexes a load set aside on record in ``holder``'s comment, if any; the
    number built. Each is one sort of its table, with the memory and parallel workers
    PostgreSQL allows a session. ``bar(total)``: a progress bar for them (the caller's,
    with ``advance`` and ``finish``)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        statements = _read(cursor, holder)
    if not statements:
        return 0
    progress = bar(len(statements)) if bar is not None else None
    for number, statement in enumerate(statements):
        with transaction.atomic(), connection.cursor() as cursor:
            # Deferred foreign-key checks still queued (a caller's own transaction) first:
            # PostgreSQL alters no table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem TO '512MB'")
            cursor.execute("SET LOCAL max_parallel_maintenance_workers TO 2")
            cursor.execute(statement)
            _save(cursor, holder, statements[number + 1 :])
        if progress is not None:
            progress.advance(1)
    if progress is not None:
        progress.finish()
    return len(statements)


def _read(cursor: Any, holder: type[models.Model]) -> list[str]:
    cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [holder._meta.db_table])
    comment = cursor.fetchone()[0] or ""
    if not comment.startswith(_MARK):
        return []
    return list(json.loads(comment.removeprefix(_MARK)))


def _save(cursor: Any, holder: type[models.Model], statements: list[str]) -> None:
    table = connection.ops.quote_name(holder._meta.db_table)
    text = f"{_MARK}{json.dumps(statements, ensure_ascii=False)}" if statements else None
    cursor.execute(f"COMMENT ON TABLE {table} IS %s", [text])
