"""The people's facts (`shareddata/facts.py`): one row per person with every column a person
rule may read, kept by the database's triggers from every write to the people and their
insurance and death records, and written in ranges after a bulk load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models, transaction

from kuaiban.proactive.language.fields import FACT_FIELDS, PERSON_FIELDS
from kuaiban.shareddata.facts import SOURCE_VIEW, facts_deferred, facts_refresh, people_key_span
from kuaiban.shareddata.models import DeathRecord, InsuranceRecord, Person, PersonFacts
from kuaiban.shareddata.services import synthetic_generate

COLUMNS = [field.column for field in PersonFacts._meta.fields]


def _rows(table: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {table} ORDER BY id")
        return [tuple(row) for row in cursor.fetchall()]


def _facts() -> list[tuple[Any, ...]]:
    return _rows(PersonFacts._meta.db_table)


def _source() -> list[tuple[Any, ...]]:
    """The rows as the view defines them."""
    return _rows(SOURCE_VIEW)


def _person(number: str, **extra: Any) -> Person:
    values = {
        "id_number": number,
        "name": "王秀英",
        "gender": "女",
        "birth_date": dt.date(1970, 3, 12),
        "region_code": "370102",
        **extra,
    }
    return Person.objects.create(**values)


def test_the_facts_hold_every_column_a_person_rule_may_read_with_its_type() -> None:
    assert set(COLUMNS) == {"id"} | {field.lookup for field in FACT_FIELDS.values()}
    for path, field in PERSON_FIELDS.items():
        model, name = Person, field.lookup
        if "__" in name:
            relation, name = name.split("__", 1)
            model = Person._meta.get_field(relation).related_model  # type: ignore[assignment]
        source = model._meta.get_field(name)
        assert isinstance(source, models.Field)
        fact = PersonFacts._meta.get_field(FACT_FIELDS[path].lookup)
        assert isinstance(fact, models.Field)
        assert fact.db_type(connection) == source.db_type(connection), path


@pytest.mark.django_db
def test_every_write_to_a_person_or_their_records_is_in_their_facts_row() -> None:
    person = _person("370102197003121225")
    other = _person("370102196511301234", gender="男", name="李建国")
    assert _facts() == _source()
    assert PersonFacts.objects.get(pk=person.pk).insurance_status is None

    insurance = InsuranceRecord.objects.create(
        person=person,
        first_contribution_date=dt.date(1992, 7, 1),
        contribution_months=380,
        status="正常参保",
        monthly_wage=Decimal("6120.50"),
    )
    row = PersonFacts.objects.get(pk=person.pk)
    assert (row.insurance_status, row.insurance_contribution_months) == ("正常参保", 380)
    assert row.insurance_monthly_wage == Decimal("6120.50")

    InsuranceRecord.objects.filter(pk=insurance.pk).update(
        status="已退休", last_activity_on=dt.date(2026, 11, 2)
    )
    row = PersonFacts.objects.get(pk=person.pk)
    assert (row.insurance_status, row.insurance_last_activity_on) == (
        "已退休",
        dt.date(2026, 11, 2),
    )

    Person.objects.filter(pk=person.pk).update(graduated_on=dt.date(1991, 7, 1), education="大专")
    assert PersonFacts.objects.get(pk=person.pk).graduated_on == dt.date(1991, 7, 1)

    death = DeathRecord.objects.create(
        person=person,
        died_on=dt.date(2026, 11, 20),
        next_of_kin_id_number="370102196511301234",
        next_of_kin_relation="配偶",
        dependants=1,
    )
    row = PersonFacts.objects.get(pk=person.pk)
    assert (row.death_died_on, row.death_next_of_kin_relation) == (dt.date(2026, 11, 20), "配偶")
    assert _facts() == _source()

    # A record moved to another person: both rows follow.
    InsuranceRecord.objects.filter(pk=insurance.pk).update(person=other)
    assert PersonFacts.objects.get(pk=person.pk).insurance_status is None
    assert PersonFacts.objects.get(pk=other.pk).insurance_status == "已退休"

    death.delete()
    assert PersonFacts.objects.get(pk=person.pk).death_died_on is None
    other.delete()  # with their insurance record
    assert not PersonFacts.objects.filter(pk=other.pk).exists()
    assert _facts() == _source()
    assert len(_facts()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_transaction_with_the_facts_deferred_leaves_them_to_a_refresh() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "only PostgreSQL sets the triggers aside for a load (SQLite's fire row by row, tested above)"
        )
    with transaction.atomic():
        facts_deferred()
        person = _person("370102197003121225")
    assert not PersonFacts.objects.filter(pk=person.pk).exists()
    with transaction.atomic():  # the setting ended with its transaction
        later = _person("370102196511301234", gender="男")
    assert PersonFacts.objects.filter(pk=later.pk).exists()
    assert facts_refresh(span=people_key_span(after=person.pk - 1), step=1) == 2
    assert _facts() == _source()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_writes_the_facts_of_everyone_it_loaded() -> None:
    workers = 2 if connection.vendor == "postgresql" else 1
    synthetic_generate(people=600, seed=5, batch=150, as_of=dt.date(2026, 12, 1), workers=workers)
    facts = _facts()
    assert len(facts) == Person.objects.count() == 600
    assert facts == _source()
    assert PersonFacts.objects.exclude(insurance_status=None).count() == (
        InsuranceRecord.objects.count()
    )


@pytest.mark.django_db
def test_the_refresh_command_writes_missing_and_stale_rows_again() -> None:
    from io import StringIO

    from django.core.management import call_command

    kept = _person("370102197003121225")
    lost = _person("370102196511301234", gender="男")
    with connection.cursor() as cursor:  # as a load killed before writing its people's rows
        cursor.execute(f"DELETE FROM {PersonFacts._meta.db_table} WHERE id = %s", [lost.pk])
        cursor.execute(
            f"UPDATE {PersonFacts._meta.db_table} SET name = 'stale' WHERE id = %s", [kept.pk]
        )
    assert _facts() != _source()
    out = StringIO()
    call_command("shareddata_facts_refresh", stdout=out, stderr=StringIO())
    assert "已重写人员规则事实 2 行" in out.getvalue()
    assert _facts() == _source()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_one_persons_records_at_once_both_land_in_the_facts() -> None:
    """The second writer waits for the first and then reads what it committed (without the lock
    on the person, it failed on the row the first had written, or left that change out)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    import threading
    import time

    from django.db import connections

    person = _person("370102197003121225")
    InsuranceRecord.objects.create(
        person=person,
        first_contribution_date=dt.date(1992, 7, 1),
        contribution_months=380,
        status="正常参保",
    )
    failures: list[BaseException] = []

    def rename() -> None:
        try:
            with transaction.atomic():
                Person.objects.filter(pk=person.pk).update(name="王秀兰")
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        InsuranceRecord.objects.filter(person=person).update(status="已退休")
        other = threading.Thread(target=rename)
        other.start()
        time.sleep(0.5)  # the other writer is now waiting for this one
    other.join(timeout=30)
    assert not other.is_alive()
    assert failures == []
    row = PersonFacts.objects.get(pk=person.pk)
    assert (row.name, row.insurance_status) == ("王秀兰", "已退休")
    assert _facts() == _source()
