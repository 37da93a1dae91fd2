"""The built-in source: the tables of app ``shareddata`` in this platform's own database.

A person lookup is one query: the person row by its unique ID number, the insurance row
joined in, and the latest employment, the latest unemployment and the latest certificate of
each kind as correlated subqueries, each one step down an index on (person, date). So the
query count and the rows read do not grow with a person's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import OuterRef, QuerySet, Subquery

from kuaiban.core.kept_query import kept_cursor
from kuaiban.shareddata.connectors.base import CERTIFICATE_KINDS, RecordRef, SharedProfile
from kuaiban.shareddata.connectors.local_records import local_records
from kuaiban.shareddata.connectors.records import PersonRecords
from kuaiban.shareddata.models import (
    ECertificate,
    EmploymentRecord,
    Enterprise,
    Person,
    UnemploymentRecord,
)


@dataclass(frozen=True)
class _Source:
    """One kind of record in a lookup row: its primary-key column and value columns."""

    source: str
    pk: str
    columns: dict[str, str]  # value path → column of the row


_PERSON = _Source(
    "person",
    "id",
    {
        **{
            f"person.{k}": k
            for k in (
                "name",
                "id_number",
                "gender",
                "birth_date",
                "phone",
                "address",
                "household_address",
                "education",
            )
        },
        # A fact, not a prefill: the 毕业证书 commitment is checked against it.
        "person.graduated_on": "graduated_on",
    },
)
_INSURANCE = _Source(
    "insurance",
    "insurance__id",
    {
        **{
            f"insurance.{k}": f"insurance__{k}"
            for k in (
                "unit_name",
                "first_contribution_date",
                "contribution_months",
                "status",
                "card_bank",
                "card_bank_account",
            )
        },
        "insurance.region": "insurance__region_name",
    },
)
_EMPLOYMENT = _Source(
    "employment",
    "employment_id",
    {
        f"employment.{k}": f"employment_{k}"
        for k in ("unit_name", "unit_credit_code", "start_date", "end_date")
    },
)
_UNEMPLOYMENT = _Source(
    "unemployment",
    "unemployment_id",
    {f"unemployment.{k}": f"unemployment_{k}" for k in ("registered_on", "reason")},
)
_CERTIFICATES = [
    _Source("e_certificate", f"cert_{kind}_id", {f"e_certificate.{kind}": f"cert_{kind}_number"})
    for kind in CERTIFICATE_KINDS
]
_PERSON_SOURCES = [_PERSON, _INSURANCE, _EMPLOYMENT, _UNEMPLOYMENT, *_CERTIFICATES]

_ENTERPRISE = _Source(
    "enterprise",
    "id",
    {
        **{
            f"enterprise.{k}": k
            for k in ("name", "credit_code", "legal_representative", "address", "phone")
        },
        "enterprise.established_date": "established",
    },
)


def _latest(rows: QuerySet[Any], *, prefix: str, fields: tuple[str, ...]) -> dict[str, Subquery]:
    """Columns ``{prefix}_{field}`` of the first of ``rows`` (ordered newest first) per person."""
    first = rows.filter(person=OuterRef("pk"))
    return {f"{prefix}_{f}": Subquery(first.values(f)[:1]) for f in ("id", *fields)}


def _person_annotations() -> dict[str, Subquery]:
    annotations = {
        **_latest(
            EmploymentRecord.objects.order_by("-start_date", "-pk"),
            prefix="employment",
            fields=("unit_name", "unit_credit_code", "start_date", "end_date"),
        ),
        **_latest(
            UnemploymentRecord.objects.order_by("-registered_on", "-pk"),
            prefix="unemployment",
            fields=("registered_on", "reason"),
        ),
    }
    for kind in CERTIFICATE_KINDS:
        annotations |= _latest(
            ECertificate.objects.filter(kind=kind).order_by("-issued_on", "-pk"),
            prefix=f"cert_{kind}",
            fields=("number",),
        )
    return annotations


def _columns(sources: list[_Source]) -> list[str]:
    return [c for s in sources for c in (s.pk, *s.columns.values())]


def _text(value: object) -> str:
    """A column as text: dates come as ``date`` (PostgreSQL) or ISO text (SQLite) alike."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Compiled:
    """A lookup query compiled once per database, then run with the key bound.

    Building and compiling the person query (sixteen subqueries) costs Django several
    milliseconds; the database answers it in a fraction of one. So the SQL is made once,
    with a marker where the key goes, and each lookup only executes it. Django 5.2 selects
    the columns in the order given to ``values()``, which names the row's columns.
    """

    _MARKER = "\x00key\x00"

    def __init__(
        self,
        model: type[Person] | type[Enterprise],
        columns: list[str],
        build: Callable[[str], QuerySet[Any, dict[str, Any]]],
    ) -> None:
        self._model = model
        self.columns = columns
        self.build = build  # key → queryset of ``values(*columns)``
        self._by_alias: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def row(self, key: str) -> dict[str, Any] | None:
        alias = router.db_for_read(self._model) or DEFAULT_DB_ALIAS
        if alias not in self._by_alias:
            query = self.build(self._MARKER).using(alias).query
            self._by_alias[alias] = query.sql_with_params()
        sql, params = self._by_alias[alias]
        with kept_cursor(connections[alias]) as cursor:
            cursor.execute(sql, [key if p == self._MARKER else p for p in params])
            found = cursor.fetchone()
        return None if found is None else dict(zip(self.columns, found, strict=True))


_PERSON_QUERY = _Compiled(
    Person,
    _columns(_PERSON_SOURCES),
    lambda key: (
        Person.objects.filter(id_number=key)
        .annotate(**_person_annotations())
        .values(*_columns(_PERSON_SOURCES))[:1]
    ),
)
_ENTERPRISE_QUERY = _Compiled(
    Enterprise,
    _columns([_ENTERPRISE]),
    lambda key: Enterprise.objects.filter(credit_code=key).values(*_columns([_ENTERPRISE]))[:1],
)


class LocalConnector:
    """The built-in source: tables of this platform's own database (app `shareddata`)."""

    name = "local"

    def person(self, id_number: str) -> SharedProfile | None:
        row = _PERSON_QUERY.row(id_number.strip().upper())
        return None if row is None else self._profile(row, _PERSON_SOURCES)

    def enterprise(self, credit_code: str) -> SharedProfile | None:
        row = _ENTERPRISE_QUERY.row(credit_code.strip().upper())
        return None if row is None else self._profile(row, [_ENTERPRISE])

    def records(self, id_number: str) -> PersonRecords | None:
        return local_records(id_number)

    def _profile(self, row: dict[str, Any], sources: list[_Source]) -> SharedProfile:
        profile = SharedProfile()
        for source in sources:
            pk = row[source.pk]
            if pk is None:
                continue  # no record of this kind on file
            values = {path: _text(row[column]) for path, column in source.columns.items()}
            profile.values.update({k: v for k, v in values.items() if v})
            profile.records.append(
                RecordRef(source=source.source, connector=self.name, record=f"{source.source}:{pk}")
            )
        return profile
