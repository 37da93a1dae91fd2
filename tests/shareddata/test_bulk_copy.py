"""PostgreSQL bulk load: COPY in several processes writes the same people and records as the
single-process path, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from kuaiban.shareddata.models import DeathRecord, InsuranceRecord, Person
from kuaiban.shareddata.services import synthetic_generate
from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES
from kuaiban.shareddata.synthetic.source import Synthesizer

AS_OF = dt.date(2026, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_copy_workers_write_every_person_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY and several processes: PostgreSQL only")
    result = synthetic_generate(people=900, seed=3, batch=200, as_of=AS_OF, workers=2)
    assert result.people.created == 900
    synth = Synthesizer(seed=3, region_codes=DEFAULT_REGION_CODES, as_of=AS_OF)
    expected = {synth.id_number(i) for i in range(900)}
    assert set(Person.objects.values_list("id_number", flat=True)) == expected
    drafts = [synth.person(i) for i in range(900)]
    assert InsuranceRecord.objects.count() == sum(d.insurance is not None for d in drafts)
    assert DeathRecord.objects.count() == sum(d.death is not None for d in drafts)
    assert all(DeathRecord.objects.values_list("recorded_at", flat=True))
    again = synthetic_generate(people=900, seed=3, batch=200, as_of=AS_OF, workers=2)
    assert again.people.created == 0 and again.people.skipped == 900


def test_several_workers_are_refused_inside_a_transaction(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(ValueError):
        synthetic_generate(people=10, seed=3, as_of=AS_OF, workers=2)


@pytest.mark.django_db
def test_copy_keeps_backslashes_tabs_and_newlines() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY: PostgreSQL only")
    from decimal import Decimal

    from kuaiban.shareddata.bulk import enterprises_write
    from kuaiban.shareddata.models import Enterprise
    from kuaiban.shareddata.synthetic.rows import EnterpriseRow

    name = "济南\\齐鲁\t精工\n机械\r有限公司"
    enterprises_write(
        [
            EnterpriseRow(
                credit_code="91370100MA3C4X5K7L",
                name=name,
                legal_representative="张三",
                address="",
                phone="",
                region_code="370102",
                established=dt.date(2001, 1, 1),
                size="小型",
                insured_since=None,
                employees=3,
                layoffs_last_year=0,
                arrears=Decimal("0"),
                ui_paid_last_year=Decimal("1234.50"),
                generated=True,
            )
        ]
    )
    unit = Enterprise.objects.get()
    assert (unit.name, unit.insured_since, unit.generated) == (name, None, True)
    assert unit.ui_paid_last_year == Decimal("1234.50")


@pytest.mark.django_db
def test_copy_writes_the_month_by_month_history_too() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY: PostgreSQL only")
    from kuaiban.shareddata.records import ContributionMonth

    synthetic_generate(people=60, seed=5, as_of=AS_OF, history=True)
    synth = Synthesizer(seed=5, region_codes=DEFAULT_REGION_CODES, as_of=AS_OF, history=True)
    drafts = [synth.person(i) for i in range(60)]
    months = sum(r.model is ContributionMonth for d in drafts for r in d.extra)
    assert months > 0 and ContributionMonth.objects.count() == months
    # The balance and months the history settles are the ones stored.
    stored = dict(InsuranceRecord.objects.values_list("person__id_number", "contribution_months"))
    assert stored == {
        d.person.id_number: d.insurance.contribution_months for d in drafts if d.insurance
    }


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'shareddata%%'"
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_a_load_without_indexes_builds_them_again_and_writes_the_same_people() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "indexes are set aside only for PostgreSQL's COPY loads; SQLite loads keep them (run in the PostgreSQL half)"
        )
    before = _indexes()
    result = synthetic_generate(people=300, seed=7, as_of=AS_OF, defer_indexes=True)
    assert result.people.created == 300 and result.index_seconds > 0
    assert _indexes() == before
    synth = Synthesizer(seed=7, region_codes=DEFAULT_REGION_CODES, as_of=AS_OF)
    assert set(Person.objects.values_list("id_number", flat=True)) == {
        synth.id_number(i) for i in range(300)
    }
    # The unique constraints hold again: a second person with a taken number is refused.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(id_number=synth.id_number(0), name="重号", birth_date=AS_OF)


@pytest.mark.django_db
def test_indexes_a_killed_load_left_aside_are_built_before_the_next_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "indexes are set aside only for PostgreSQL's COPY loads; SQLite loads keep them (run in the PostgreSQL half)"
        )
    from kuaiban.shareddata.bulk import indexes_defer, indexes_restore

    before = _indexes()
    assert indexes_defer() > 5
    assert _indexes() < before  # as a load killed halfway leaves them: on record, not built
    synthetic_generate(people=20, seed=7, as_of=AS_OF, defer_indexes=False)
    assert _indexes() == before
    assert indexes_restore() == 0  # nothing left on record
