"""Generated rows as plain objects, written as ``COPY`` text (PostgreSQL) or one multi-row
``INSERT`` per batch (SQLite), without Django model instances.

A model instance costs more to build than the database takes to store it once millions are
drawn (its ``__init__`` walks every field and sends signals' bookkeeping), and `fast_insert`
then adapts each value again. A `Row` is just its attributes: what the drawer sets, read back
through the model's defaults (``rows_of(SubCase)().status`` is ``waiting``, as on the model).
A foreign key is set either by its id (``agency_id=…``) or by its parent (``application=…``, a
row or a model instance), whose id is known once the parent is written: `rows_write` takes a
table's ids first (one query), so children written after it point at them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Field, FileField, ForeignKey, Model

from kuaiban.supervision.synthetic.inserts import value_adapter

Format = Callable[[Any], Any]
_NULL = "\\N"


class Row:
    """One generated row of a model (see `rows_of`)."""

    id: int | None = None

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @property
    def pk(self) -> int | None:
        return self.id

    if TYPE_CHECKING:  # every column of the model, typed loosely

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


@functools.cache
def rows_of(model: type[Model]) -> type[Row]:
    """The row class of ``model``: every column's attribute defaults to the model's default."""
    defaults: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        defaults[f.attname] = f.get_default()
        if isinstance(f, ForeignKey):
            defaults[f.name] = None
    return type(f"{model.__name__}Row", (Row,), defaults)


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_format(field: Field[Any, Any]) -> Format:
    """The value as ``COPY`` text (``\\N`` for NULL)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return lambda v: _escape(json.dumps(v, ensure_ascii=False)) if v is not None else _NULL
    if kind == "BooleanField":
        return lambda v: _NULL if v is None else ("t" if v else "f")
    if kind in ("DateTimeField", "DateField"):
        return lambda v: _NULL if v is None else v.isoformat()
    if isinstance(field, FileField):
        return lambda v: _escape(str(getattr(v, "name", v) or ""))
    if field.get_internal_type() in ("CharField", "TextField"):
        return lambda v: _NULL if v is None else _escape(str(v))
    return lambda v: _NULL if v is None else str(int(v))


def _sql_format(field: Field[Any, Any]) -> Format:
    """The value as the database backend takes it as a parameter (SQLite)."""
    if isinstance(field, FileField):
        return lambda v: str(getattr(v, "name", v) or "")
    return value_adapter(field)


# (attname, parent attribute or "", format, the default already formatted)
_Column = tuple[str, str, Format, Any]


def _columns(model: type[Model], *, copy: bool) -> list[_Column]:
    out: list[_Column] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        fmt = _copy_format(f) if copy else _sql_format(f)
        parent = f.name if isinstance(f, ForeignKey) else ""
        out.append((f.attname, parent, fmt, fmt(f.get_default())))
    return out


def _values(row: Row, columns: list[_Column], memo: dict[int, Any]) -> list[Any]:
    values = row.__dict__
    out: list[Any] = [row.id]
    for attname, parent, fmt, default in columns:
        if attname in values and values[attname] is not None:
            value = values[attname]
        elif parent and values.get(parent) is not None:
            value = values[parent].pk
        elif attname in values or parent in values:
            value = None
        else:
            out.append(default)
            continue
        if isinstance(value, dict | list):  # plans' JSON is shared: formatted once a batch
            key = id(value)
            if key not in memo:
                memo[key] = fmt(value)
            out.append(memo[key])
        else:
            out.append(fmt(value))
    return out


def _ids(model: type[Model], count: int) -> list[int]:
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # One writer at a time (SQLite): the next ids after the largest.
        table = connection.ops.quote_name(meta.db_table)
        cursor.execute(f"SELECT COALESCE(MAX({meta.pk.column}), 0) FROM {table}")
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def rows_write(model: type[Model], rows: Sequence[Row]) -> None:
    """Write ``rows`` of ``model``; each gets its id first."""
    if not rows:
        return
    for row, pk in zip(rows, _ids(model, len(rows)), strict=True):
        row.id = pk
    meta = model._meta
    quote = connection.ops.quote_name
    copy = connection.vendor == "postgresql"
    columns = _columns_cached(model, copy, connection.vendor)
    names = ", ".join(quote(c) for c in [meta.pk.column, *(_column_names(model))])
    memo: dict[int, Any] = {}
    with connection.cursor() as cursor:
        if copy:
            text = "".join("\t".join(_text(_values(row, columns, memo))) + "\n" for row in rows)
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as out:
                out.write(text)
            return
        marks = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
        per_batch = max(1, 30_000 // (len(columns) + 1))
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            params = [v for row in batch for v in _values(row, columns, memo)]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "
                + ", ".join([marks] * len(batch)),
                params,
            )


def _text(values: list[Any]) -> list[str]:
    values[0] = str(values[0])
    return values


@functools.cache
def _columns_cached(model: type[Model], copy: bool, vendor: str) -> list[_Column]:
    return _columns(model, copy=copy)


def _column_names(model: type[Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]
