"""Multi-row INSERTs for generated rows, without `bulk_create`'s per-value machinery.

`bulk_create` prepares every value through the field and expression API, which costs more
than the database itself once millions of rows are written. Generated rows are plain values,
so each column gets one adapter chosen once (the database backend's own date-time, date and
JSON adapters; everything else passes through), and a batch goes as one statement with
``RETURNING id`` (PostgreSQL, SQLite ≥ 3.35), whose ids are set on the objects so that their
children can point at them. On PostgreSQL the batch goes by ``COPY`` instead, with ids drawn
from the table's sequence beforehand (psycopg's parsing of a 30,000-parameter statement cost
more than the database). No signals are sent and no ``auto_now`` value is filled in: the
objects carry every value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, FileField, ForeignKey, Model

_MAX_PARAMETERS = 30_000  # under SQLite's limit of 32,766 variables per statement
_MAX_ROWS = 1_000

Adapter = Callable[[Any], Any]


def value_adapter(field: Field[Any, Any]) -> Adapter:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda value: ops.adapt_json_value(value, None)
    if isinstance(field, FileField):
        return lambda value: str(value.name or "") if value is not None else ""
    return lambda value: value


def _link_parents(objects: Sequence[Model], fields: list[Field[Any, Any]]) -> None:
    """Set ``<fk>_id`` from a parent object assigned before the parent had its id."""
    for field in fields:
        if not isinstance(field, ForeignKey):
            continue
        for obj in objects:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                parent = field.get_cached_value(obj)
                if parent is not None:
                    setattr(obj, field.attname, parent.pk)


def _copy(
    model: type[Model],
    objects: Sequence[Model],
    fields: list[Field[Any, Any]],
    adapters: list[tuple[str, Adapter]],
) -> None:
    """PostgreSQL: ids taken from the table's sequence in one query, then one ``COPY``."""
    meta = model._meta
    quote = connection.ops.quote_name
    pk_column = meta.pk.column
    columns = ", ".join(quote(c) for c in [pk_column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk_column, len(objects)],
        )
        pks = [pk for (pk,) in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objects, pks, strict=True):
                copy.write_row([pk, *(adapt(getattr(obj, name)) for name, adapt in adapters)])
    for obj, pk in zip(objects, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def fast_insert(model: type[Model], objects: Sequence[Model]) -> None:
    if not objects:
        return
    meta = model._meta
    fields: list[Field[Any, Any]] = [f for f in meta.concrete_fields if not f.primary_key]
    _link_parents(objects, fields)
    adapters = [(f.attname, value_adapter(f)) for f in fields]
    if connection.vendor == "postgresql":
        _copy(model, objects, fields, adapters)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_batch = max(1, min(_MAX_ROWS, _MAX_PARAMETERS // len(fields)))
    pk_column = quote(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_batch):
            batch = objects[start : start + per_batch]
            params: list[Any] = []
            for obj in batch:
                params.extend(adapt(getattr(obj, name)) for name, adapt in adapters)
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                f"{', '.join([row_marks] * len(batch))} RETURNING {pk_column}"
            )
            cursor.execute(sql, params)
            for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
