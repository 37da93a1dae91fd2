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

On PostgreSQL several rows go as one JSON document, ``INSERT … SELECT … FROM
jsonb_to_recordset(%s)``: one parameter whatever the number of rows. psycopg parses anew
every statement of more than 50 parameters and quotes each value in Python; the seven
sub-cases of a submission (over 200 values) cost more client CPU that way than anything else
in the request (docs/ARCHITECTURE.md, "Intake"). The document carries each value as the
field prepared it: JSON columns as the text their own encoder gives (cast back to ``jsonb``),
dates and times in ISO 8601, decimals and UUIDs as text — what PostgreSQL reads from a
literal. A column of another type, or a value JSON cannot carry, keeps the ``VALUES`` form.

The values a field's preparation leaves as they are — ``None`` in a plain column (text,
number, date, decimal, foreign key) and any ``str`` in a text column, the bulk of a
submission's 300 values — are taken as they are, without the five calls per value that
``get_db_prep_save`` makes to find that out (0.7 ms of a submission's CPU went to preparing
values); every other value goes through its field as before.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models
from psycopg.types.json import Json, Jsonb

from kuaiban.core.kept_query import kept_cursor

M = TypeVar("M", bound=models.Model)

# SQLite's limit on host parameters was 999 before 3.32: bigger batches go to bulk_create.
MAX_PARAMETERS = 999

# Exact field classes whose preparation returns ``None`` as it is (``get_db_prep_save``; a
# subclass may prepare differently) and, of those, the ones that also return any ``str``
# (``CharField.to_python``). Not BooleanField (``None`` is refused when not nullable), not
# JSONField (``None`` is stored as JSON null or SQL NULL by the field's rules).
_NONE_AS_IS: frozenset[type[Any]] = frozenset(
    {
        models.BigIntegerField,
        models.CharField,
        models.DateField,
        models.DateTimeField,
        models.DecimalField,
        models.ForeignKey,
        models.IntegerField,
        models.PositiveBigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
    }
)
_STR_AS_IS: frozenset[type[Any]] = frozenset({models.CharField, models.TextField})
# How a field's value is prepared (`_preparation`).
_PREPARE, _NONE, _NONE_OR_STR = 0, 1, 2

# Field types whose prepared values a JSON document carries exactly (by ``get_internal_type``;
# a foreign key by its target's).
_JSON_CARRIED = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "FileField",  # the file's name
    "IntegerField",
    "JSONField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: list[Any]
    as_json: bool  # one parameter: the rows as a JSON document (PostgreSQL)
    preparations: list[tuple[Any, str, int]]  # per field: itself, its attname, `_preparation`


_statements: dict[tuple[type[models.Model], int, str], _Statement] = {}


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
    fields = statement.fields
    try:
        values = [_prepared(obj, statement.preparations, connection) for obj in rows]
    except _Expression:  # bulk_create knows how to write it
        return model._default_manager.using(using).bulk_create(rows)
    sql, params = statement.sql, None
    if statement.as_json:
        params = _document(fields, values)
        if params is None:  # a value JSON cannot carry as it is
            sql = _values_sql(model, fields, len(rows), connection)
    if params is None:
        params = [value for row in values for value in row]
    with kept_cursor(connection) as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(rows, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using
    return rows


def rows_insert_many(groups: Sequence[Sequence[models.Model]], *, using: str = "default") -> None:
    """The rows of several models (one model per group, unsaved) in one statement on
    PostgreSQL — each group's JSON INSERT a data-modifying CTE, their keys returned together —
    and their keys set: a round trip to the database per group saved. Elsewhere, or when a
    group cannot go as a JSON document, one `rows_insert` per group, in the order given."""
    batches = [list(group) for group in groups if group]
    connection = connections[using]
    documents = _documents(batches, connection) if len(batches) > 1 else None
    if documents is None:
        for rows in batches:
            rows_insert(rows, using=using)
        return
    models_ = tuple(type(rows[0]) for rows in batches)
    sql = _together.get((models_, using)) or _together_sql(models_, connection, using)
    with kept_cursor(connection) as cursor:
        cursor.execute(sql, documents)
        keys = cursor.fetchall()
    found: list[list[Any]] = [[] for _ in batches]
    for group, key in keys:
        found[group].append(key)
    for rows, group_keys in zip(batches, found, strict=True):
        for obj, key in zip(rows, group_keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = using


_together: dict[tuple[tuple[type[models.Model], ...], str], str] = {}


def _documents(batches: list[list[Any]], connection: Any) -> list[str] | None:
    """Each batch as the one JSON document of its INSERT, or None when one of them cannot go
    that way (not PostgreSQL, a key given, a value to be written by ``bulk_create``)."""
    documents = []
    for rows in batches:
        statement = _statement(type(rows[0]), max(len(rows), 2), connection)  # the JSON form
        if statement is None or not statement.as_json or any(o.pk is not None for o in rows):
            return None
        try:
            values = [_prepared(obj, statement.preparations, connection) for obj in rows]
        except _Expression:
            return None
        document = _document(statement.fields, values)
        if document is None:
            return None
        documents += document
    return documents


def _together_sql(models_: tuple[type[models.Model], ...], connection: Any, using: str) -> str:
    """``WITH t0 AS (INSERT …), t1 AS (INSERT …) SELECT 0, id FROM t0 UNION ALL …``: each
    group's keys, tagged with its place, in the order of its rows."""
    quote = connection.ops.quote_name
    inserts, keys = [], []
    for n, model in enumerate(models_):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        inserts.append(f"t{n} AS ({_json_sql(model, fields, connection)})")
        keys.append(f"SELECT {n}, {quote(model._meta.pk.column)} FROM t{n}")
    sql = f"WITH {', '.join(inserts)} {' UNION ALL '.join(keys)}"
    _together[(models_, using)] = sql
    return sql


def _prepared(
    obj: models.Model, preparations: list[tuple[Any, str, int]], connection: Any
) -> list[Any]:
    """The row's values as ``bulk_create`` prepares them: ``pre_save`` with ``add``, then
    ``get_db_prep_save``, unless the value is one the field would return as it is."""
    row = []
    for field, attname, how in preparations:
        if how:
            value = getattr(obj, attname)  # what Field.pre_save returns
            if value is None or (how == _NONE_OR_STR and isinstance(value, str)):
                row.append(value)
                continue
        else:
            value = field.pre_save(obj, True)
        value = field.get_db_prep_save(value, connection=connection)
        if hasattr(value, "as_sql"):
            raise _Expression
        row.append(value)
    return row


class _Expression(Exception):
    """A database default or an expression among a row's values (None and text never are)."""


def _preparation(field: models.Field[Any, Any]) -> int:
    """Which values ``field`` prepares into themselves: ``_NONE``, ``_NONE_OR_STR``, or none
    that this module assumes (``_PREPARE``: every value goes through the field)."""
    kind = type(field)
    if kind not in _NONE_AS_IS:
        return _PREPARE
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        return _PREPARE  # pre_save stamps the time
    return _NONE_OR_STR if kind in _STR_AS_IS else _NONE


def _statement(model: type[models.Model], count: int, connection: Any) -> _Statement | None:
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
    as_json = (
        count > 1
        and connection.vendor == "postgresql"
        and all(_stored_type(f) in _JSON_CARRIED for f in fields)
    )
    sql = (
        _json_sql(model, fields, connection)
        if as_json
        else _values_sql(model, fields, count, connection)
    )
    statement = _Statement(
        sql=sql,
        fields=fields,
        as_json=as_json,
        preparations=[(f, f.attname, _preparation(f)) for f in fields],
    )
    _statements[key] = statement
    return statement


def _stored_type(field: models.Field[Any, Any]) -> str:
    """The field's internal type; a foreign key's is its target's."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return target.get_internal_type()


def _values_sql(model: type[models.Model], fields: list[Any], count: int, connection: Any) -> str:
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)} RETURNING {quote(model._meta.pk.column)}"
    )


def _json_sql(model: type[models.Model], fields: list[Any], connection: Any) -> str:
    """The rows from one JSON document; JSON columns come as text and are cast back, so
    they hold exactly what their field's encoder wrote."""
    quote = connection.ops.quote_name
    is_json = [f.get_internal_type() == "JSONField" for f in fields]
    columns = ", ".join(
        # The type without its length (varchar, not varchar(200)): the INSERT's own
        # assignment checks the length, as it does for VALUES.
        f"{quote(f.column)} {'text' if j else f.db_type(connection).split('(')[0]}"
        for f, j in zip(fields, is_json, strict=True)
    )
    picked = ", ".join(
        f"r.{quote(f.column)}{'::jsonb' if j else ''}" for f, j in zip(fields, is_json, strict=True)
    )
    return (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {picked} FROM jsonb_to_recordset((%s)::jsonb) AS r({columns}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )


def _document(fields: list[Any], values: list[list[Any]]) -> list[str] | None:
    """The rows as one JSON array of objects keyed by column (the statement's parameter),
    or None when a value is of a type JSON does not carry here."""
    columns = [f.column for f in fields]
    try:
        text = json.dumps(
            [
                {
                    column: (value.dumps or json.dumps)(value.obj)
                    if isinstance(value, Json | Jsonb)
                    else value
                    for column, value in zip(columns, row, strict=True)
                }
                for row in values
            ],
            ensure_ascii=False,
            default=_json_default,
            allow_nan=False,
        )
    except (TypeError, ValueError):
        return None
    return [text]


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)
