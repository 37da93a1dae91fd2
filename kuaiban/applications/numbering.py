"""办件编号: region code, date and the day's sequence — unique, readable, sortable."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models

from kuaiban.applications.models import Application, NumberSequence
from kuaiban.core.kept_query import kept_cursor

# One statement creates the day's row or counts it on, and returns the count: the row is
# locked from this statement to the commit only (SQLite ≥ 3.35 and PostgreSQL alike).
_NEXT = (
    "INSERT INTO {table} (region_code, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (region_code, day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)


def application_number_next(*, region_code: str, day: dt.date) -> str:
    """The next number for a region and day, e.g. ``370102-20261123-00017``.

    Runs inside the submission's transaction, as its last statement before the commit: two
    submissions of one region at once wait for each other only from here to the commit,
    never take the same number, and a rolled-back submission gives its number back.
    """
    last = sequence_next(model=NumberSequence, region_code=region_code, day=day)
    return f"{region_code}-{day:%Y%m%d}-{last:05d}"


# PostgreSQL: the same upsert and the number written on the application in one statement (a
# data-modifying CTE), one round trip fewer per submission. ``lpad`` to at least five digits is
# Python's ``{last:05d}``.
_TAKE = (
    "WITH taken AS ({next}) "
    "UPDATE {application} SET {number} = %s || lpad(taken.last::text, "
    "greatest(5, length(taken.last::text)), '0') FROM taken WHERE {application}.{pk} = %s "
    "RETURNING {application}.{number}"
)


def application_number_take(*, pk: int, region_code: str, day: dt.date) -> str:
    """The next number for a region and day (`application_number_next`), put on the
    application stored under a placeholder (`application_number_write`): one statement on
    PostgreSQL, two elsewhere."""
    if connection.vendor != "postgresql":
        number = application_number_next(region_code=region_code, day=day)
        application_number_write(pk=pk, number=number)
        return number
    quote = connection.ops.quote_name
    meta = Application._meta
    sql = _TAKE.format(
        next=_NEXT.format(table=quote(NumberSequence._meta.db_table)),
        application=quote(meta.db_table),
        number=quote(meta.get_field("number").column),
        pk=quote(meta.pk.column),
    )
    with kept_cursor(connection) as cursor:
        cursor.execute(sql, [region_code, day, f"{region_code}-{day:%Y%m%d}-", pk])
        (number,) = cursor.fetchone()
    return str(number)


def application_number_write(*, pk: int, number: str) -> None:
    """Put the day's number on the application stored under a placeholder: one UPDATE, its
    text kept (the ORM would compile it anew for every submission)."""
    meta = Application._meta
    quote = connection.ops.quote_name
    with kept_cursor(connection) as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {quote(meta.get_field('number').column)} = %s "
            f"WHERE {quote(meta.pk.column)} = %s",
            [number, pk],
        )


def sequence_next(*, model: type[models.Model], region_code: str, day: dt.date) -> int:
    """The day's next sequence number of a region in ``model`` (a table with ``region_code``,
    ``day`` unique together and ``last``): one statement, the row locked until the commit."""
    table = connection.ops.quote_name(model._meta.db_table)
    with kept_cursor(connection) as cursor:
        cursor.execute(_NEXT.format(table=table), [region_code, day])
        (last,) = cursor.fetchone()
    return int(last)
