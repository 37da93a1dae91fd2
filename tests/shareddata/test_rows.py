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

    assert seen & set(SELF_SERVICE_MODELS)  # pensions, skill certificates … drawn as rows too


def test_a_copy_line_marks_nulls_and_separates_fields() -> None:
    line = _line(("张三", None, True, dt.date(2026, 1, 2)))
    assert line == "张三\x1e\x1d\x1eTrue\x1e2026-01-02\x1f"


def _digests(*, history: bool, people: int) -> dict[str, str]:
    import hashlib

    synth = Synthesizer(seed=1, region_codes=DEFAULT_REGION_CODES, as_of=AS_OF, history=history)
    synth.loaded_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    lines: dict[str, list[str]] = {}
    for index in range(people):
        draft = synth.person(index)
        lines.setdefault("Person", []).append(_line(draft.person))
        for model, rows in draft.tables():
            lines.setdefault(model.__name__, []).extend(f"{index}|{_line(r)}" for r in rows)
    lines["Enterprise"] = [_line(synth.enterprise(i)) for i in range(50)]
    return {
        table: hashlib.sha256("".join(text).encode()).hexdigest()[:16]
        for table, text in sorted(lines.items())
    }


# The rows of seed 1 as the generator drew them when the self-service records were still
# model instances and names went through random.choices: drawing them as tuples, with the
# quicker pickers, left every value of a seed as it was. A deliberate change of the generated
# data changes these digests; print `_digests(...)` and update them with the change. The last
# one: the self-service records (skill certificates, 职业年金, months, and so the balance of a
# history run's insurance) continue the person's own generator instead of a second one.
SEED_1 = {
    False: {
        "Benefit": "68f1c68b316a825c",
        "DeathRecord": "b828491fc3f776e2",
        "ECertificate": "1f2952b00938f784",
        "EmploymentRecord": "d8f5b664b8a81ad6",
        "Enterprise": "f5941285e69c63d4",
        "InsuranceRecord": "6bcb6fd69381316b",
        "OccupationalAnnuity": "78b1b6157b475b3b",
        "Person": "9e88ab54750df12f",
        "SkillCertificate": "6e486dc996601d88",
        "UnemploymentRecord": "8e8735a80b82e1be",
    },
    True: {
        "Benefit": "2aeee2d2029a18e2",
        "ContributionMonth": "e17ae331f6727315",
        "ECertificate": "f434940b1ce0d91e",
        "EmploymentRecord": "14a284304e7d6482",
        "Enterprise": "f5941285e69c63d4",
        "InsuranceRecord": "1cb9389df589b272",
        "OccupationalAnnuity": "28c165d6f9780a1d",
        "Person": "1f1a77b5f9196576",
        "SkillCertificate": "f1c57d19fac51c99",
        "UnemploymentRecord": "b4539965c0139741",
    },
}


@pytest.mark.parametrize(("history", "people"), [(False, 600), (True, 60)])
def test_a_seed_draws_the_same_rows_as_before(history: bool, people: int) -> None:
    assert _digests(history=history, people=people) == SEED_1[history]


@pytest.mark.django_db
def test_the_demo_redraw_writes_the_drawn_rows_as_records() -> None:
    """`history_rebuild` draws a stored person's history as rows and stores them as records."""
    from kuaiban.shareddata.history import history_rebuild
    from kuaiban.shareddata.records import Benefit, ContributionMonth, OccupationalAnnuity
    from kuaiban.shareddata.services import synthetic_generate

    synthetic_generate(people=60, seed=4, as_of=AS_OF)
    people = list(shared.Person.objects.filter(insurance__isnull=False)[:30])
    written = history_rebuild(people, as_of=AS_OF)
    months = ContributionMonth.objects.filter(person__in=people)
    stored = (
        months.count()
        + Benefit.objects.filter(person__in=people).count()
        + OccupationalAnnuity.objects.filter(person__in=people).count()
    )
    assert written == stored and months.count() > 100
    insurance = shared.InsuranceRecord.objects.get(person=people[0])
    assert insurance.contribution_months == months.filter(person=people[0]).count()
    assert history_rebuild(people, as_of=AS_OF) == written  # redrawn, not added
