"""Generated rows are tuples of their table's columns: a column added to a model without its
place in `synthetic/rows.py` fails here, not in a ten-million-person load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models

from kuaiban.shareddata import models as shared
from kuaiban.shareddata.bulk import _line
from kuaiban.shareddata.synthetic import rows as generated
from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES
from kuaiban.shareddata.synthetic.source import Synthesizer

AS_OF = dt.date(2026, 1, 1)


def _columns(model: type[models.Model], *skip: str) -> tuple[str, ...]:
    return tuple(f.column for f in model._meta.concrete_fields if f.column not in skip)


@pytest.mark.parametrize(
    ("row", "model", "skip"),
    [
        (generated.PersonRow, shared.Person, ("id",)),
        (generated.EnterpriseRow, shared.Enterprise, ("id",)),
        (generated.InsuranceRow, shared.InsuranceRecord, ("id", "person_id")),
        (generated.EmploymentRow, shared.EmploymentRecord, ("id", "person_id")),
        (generated.UnemploymentRow, shared.UnemploymentRecord, ("id", "person_id")),
        (generated.CertificateRow, shared.ECertificate, ("id", "person_id")),
        (generated.DeathRow, shared.DeathRecord, ("id", "person_id")),
    ],
)
def test_a_row_holds_every_column_of_its_table(row, model, skip) -> None:  # type: ignore[no-untyped-def]
    assert row._fields == _columns(model, *skip)


def test_a_drafted_person_yields_rows_for_their_tables() -> None:
    synth = Synthesizer(seed=4, region_codes=DEFAULT_REGION_CODES, as_of=AS_OF)
    drafts = [synth.person(i) for i in range(400)]
    tables = {model for d in drafts for model, rows in d.tables() if rows}
    assert {shared.InsuranceRecord, shared.EmploymentRecord, shared.ECertificate} <= tables
    seen = set()
    for draft in drafts:
        for model, rows in draft.tables():
            for row in rows:  # core rows and the self-service records (history.py) alike
                assert row._fields == _columns(model, "id", "person_id")
                assert len(row) == len(row._fields)
                seen.add(model)
    from kuaiban.shareddata.records import SELF_SERVICE_MODELS

    assert seen & set(SELF_SERVICE_MODELS)  # pensions, skill certificates … drawn as instances


def test_a_copy_line_marks_nulls_and_separates_fields() -> None:
    line = _line(("张三", None, True, dt.date(2026, 1, 2)))
    assert line == "张三\x1e\x1d\x1eTrue\x1e2026-01-02\x1f"
