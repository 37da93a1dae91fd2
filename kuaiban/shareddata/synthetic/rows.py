"""Generated rows as plain tuples: one `NamedTuple` per table, its fields the table's columns.

Making a Django model instance costs more than drawing the person it holds, so the generator
makes tuples and `shareddata.bulk` streams them to the database (COPY on PostgreSQL). A row of
a person's record leaves out `person_id`: the writer puts the person's primary key in front.
`tests/shareddata/test_rows.py` holds each tuple to its model's columns, so a column added to
a model without its place here fails a test instead of a load.

A new per-person table joins through `PERSON_PRODUCERS` (`synthetic/producers.py`): a function
of the drafted person that returns its rows for one model.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models


class PersonRow(NamedTuple):
    id_number: str
    name: str
    gender: str
    birth_date: dt.date
    phone: str
    address: str
    household_address: str
    education: str
    region_code: str
    graduated_on: dt.date | None
    generated: bool


class InsuranceRow(NamedTuple):
    unit_name: str
    first_contribution_date: dt.date
    contribution_months: int
    status: str
    region_name: str
    card_bank: str
    card_bank_account: str
    pension_account_balance: Decimal
    monthly_wage: Decimal
    injury_grade: int | None
    last_activity_on: dt.date | None


class EmploymentRow(NamedTuple):
    unit_name: str
    unit_credit_code: str
    start_date: dt.date
    end_date: dt.date | None


class UnemploymentRow(NamedTuple):
    registered_on: dt.date
    reason: str
    status: str


class CertificateRow(NamedTuple):
    kind: str
    number: str
    issued_on: dt.date


class DeathRow(NamedTuple):
    died_on: dt.date
    next_of_kin_id_number: str
    next_of_kin_name: str
    next_of_kin_relation: str
    dependants: int
    recorded_at: dt.datetime


class EnterpriseRow(NamedTuple):
    credit_code: str
    name: str
    legal_representative: str
    address: str
    phone: str
    region_code: str
    established: dt.date
    size: str
    insured_since: dt.date | None
    employees: int
    layoffs_last_year: int
    arrears: Decimal
    ui_paid_last_year: Decimal
    generated: bool


class _InstanceRow(tuple[Any, ...]):
    """A model instance's column values as a row (its `_fields` the column names)."""

    _fields: tuple[str, ...]

    def _asdict(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


def instances_rows(
    instances: Iterable[models.Model],
) -> Iterator[tuple[type[models.Model], list[_InstanceRow]]]:
    """Records drawn as model instances (``history.py``), as rows of their tables: every
    concrete column but the primary key and `person_id`, grouped by model."""
    grouped: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for instance in instances:
        grouped[type(instance)].append(instance)
    for model, group in grouped.items():
        fields = [f for f in model._meta.concrete_fields if f.column not in ("id", "person_id")]
        columns = tuple(f.column for f in fields)
        names = [f.attname for f in fields]
        rows = []
        for instance in group:
            row = _InstanceRow(getattr(instance, name) for name in names)
            row._fields = columns
            rows.append(row)
        yield model, rows
