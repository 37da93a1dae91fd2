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

import collections
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


def model_row(model: type[models.Model]) -> Any:
    """A `NamedTuple` type of ``model``'s columns but the primary key and `person_id`, each
    defaulting to the field's default (what a new model instance would hold), with ``model``
    as its attribute: the self-service records (``history.py``) are drawn as these rows,
    never as model instances, and written with the core rows."""
    cached = _MODEL_ROWS.get(model)
    if cached is not None:
        return cached
    fields = [f for f in model._meta.concrete_fields if f.column not in ("id", "person_id")]
    if any(f.attname != f.column for f in fields):
        raise ValueError(f"{model.__name__}: 列名与属性名不同，生成的行无法按列写入")
    make: Any = collections.namedtuple
    row = make(
        f"{model.__name__}Row",
        [f.attname for f in fields],
        defaults=[f.get_default() for f in fields],
    )
    row.model = model
    _MODEL_ROWS[model] = row
    return row


_MODEL_ROWS: dict[type[models.Model], type[Any]] = {}


def rows_by_model(
    rows: Iterable[Any],
) -> Iterator[tuple[type[models.Model], list[Any]]]:
    """Rows of `model_row` types grouped by their model, in the order the models first occur."""
    grouped: dict[type[models.Model], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.model].append(row)
    yield from grouped.items()
