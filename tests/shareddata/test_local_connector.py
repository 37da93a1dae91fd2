"""LocalConnector: the latest record of each kind, in one query however long the history."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.shareddata.connectors import LocalConnector, RecordRef, local
from kuaiban.shareddata.models import (
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    UnemploymentRecord,
)
from tests.conftest import make_credit_code


@pytest.fixture
def worker(make_person):
    person = make_person(name="李四", insurance=True)
    person.household_address = "济南市市中区1号"
    person.save(update_fields=["household_address"])
    insurance = person.insurance
    insurance.region_name = "济南市"
    insurance.card_bank = "中国工商银行济南泉城路支行"
    insurance.card_bank_account = "6222021602001234567"
    insurance.save()
    return person


def _job(person, name, start, end=None):
    return EmploymentRecord.objects.create(
        person=person,
        unit_name=name,
        unit_credit_code=make_credit_code(f"91370100MA3C{len(name):04d}"),
        start_date=start,
        end_date=end,
    )


def _card(person, kind, number, issued):
    return ECertificate.objects.create(person=person, kind=kind, number=number, issued_on=issued)


def test_every_kind_of_record_latest_first(worker):
    # Inserted out of order: the newest by date wins, not the newest row.
    new_job = _job(worker, "新单位", dt.date(2015, 5, 1))
    _job(worker, "旧单位", dt.date(2001, 1, 1), dt.date(2015, 4, 1))
    UnemploymentRecord.objects.create(
        person=worker, registered_on=dt.date(2015, 4, 10), reason="合同到期", status="已就业"
    )
    old_spell = UnemploymentRecord.objects.create(
        person=worker, registered_on=dt.date(2010, 1, 1), reason="单位裁员", status="已就业"
    )
    new_card = _card(worker, "social_security_card", "SSC-NEW", dt.date(2021, 1, 1))
    _card(worker, "social_security_card", "SSC-OLD", dt.date(2012, 1, 1))
    grad = _card(worker, "graduation", "GRAD-1", dt.date(1984, 7, 1))

    profile = LocalConnector().person(worker.id_number)

    assert profile is not None
    assert profile.values["employment.unit_name"] == "新单位"
    assert "employment.end_date" not in profile.values  # still employed there
    assert profile.values["unemployment.registered_on"] == "2015-04-10"
    assert profile.values["e_certificate.social_security_card"] == "SSC-NEW"
    assert profile.values["e_certificate.graduation"] == "GRAD-1"
    assert "e_certificate.employment_card" not in profile.values
    assert profile.values["insurance.region"] == "济南市"
    assert profile.values["insurance.card_bank_account"] == "6222021602001234567"
    assert profile.values["person.household_address"] == "济南市市中区1号"
    spell = UnemploymentRecord.objects.exclude(pk=old_spell.pk).get()
    assert profile.records == [
        RecordRef("person", "local", f"person:{worker.pk}"),
        RecordRef("insurance", "local", f"insurance:{worker.insurance.pk}"),
        RecordRef("employment", "local", f"employment:{new_job.pk}"),
        RecordRef("unemployment", "local", f"unemployment:{spell.pk}"),
        RecordRef("e_certificate", "local", f"e_certificate:{new_card.pk}"),
        RecordRef("e_certificate", "local", f"e_certificate:{grad.pk}"),
    ]


def test_an_ended_job_gives_its_end_date(worker):
    _job(worker, "某单位", dt.date(2001, 1, 1), dt.date(2019, 12, 31))
    profile = LocalConnector().person(worker.id_number)
    assert profile.values["employment.end_date"] == "2019-12-31"


@pytest.mark.parametrize("history", [0, 40])
def test_one_query_however_long_the_history(worker, django_assert_num_queries, history):
    for n in range(history):
        _card(worker, "social_security_card", f"SSC-{n}", dt.date(2000, 1, 1) + dt.timedelta(n))
        _card(worker, "employment_card", f"EC-{n}", dt.date(2000, 1, 1) + dt.timedelta(n))
        _job(worker, f"单位{n}", dt.date(1990, 1, 1) + dt.timedelta(days=100 * n))
    with django_assert_num_queries(1):
        profile = LocalConnector().person(worker.id_number)
    assert len(profile.records) == (2 if history == 0 else 5)


def test_insurance_alone(make_person):
    person = make_person(insurance=True)
    profile = LocalConnector().person(person.id_number)
    assert profile.sources == {"person", "insurance"}
    assert InsuranceRecord.objects.count() == 1


def test_enterprise_in_one_query(db, django_assert_num_queries):
    unit = Enterprise.objects.create(
        credit_code=make_credit_code("91370100MA3C4X5K7"),
        name="济南齐鲁精工机械有限公司",
        legal_representative="陈立新",
        region_code="370102",
        established=dt.date(2015, 6, 1),
    )
    with django_assert_num_queries(1):
        profile = LocalConnector().enterprise(unit.credit_code.lower())
    assert profile.values["enterprise.established_date"] == "2015-06-01"
    assert profile.records == [RecordRef("enterprise", "local", f"enterprise:{unit.pk}")]


def test_not_found_in_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert LocalConnector().person("11010519491231002X") is None


def test_the_compiled_rows_are_the_orm_rows(worker):
    # Guards the column order the compiled lookups rely on (values() order, Django 5.2).
    _job(worker, "某单位", dt.date(2001, 1, 1), dt.date(2019, 12, 31))
    _card(worker, "graduation", "GRAD-1", dt.date(1984, 7, 1))
    unit = Enterprise.objects.create(
        credit_code=make_credit_code(), name="某单位", region_code="370102"
    )
    for query, key in [
        (local._PERSON_QUERY, worker.id_number),
        (local._ENTERPRISE_QUERY, unit.credit_code),
    ]:
        orm = query.build(key).get()
        assert list(orm) == query.columns
        compiled = query.row(key)
        assert compiled is not None
        assert {k: local._text(v) for k, v in compiled.items()} == {
            k: local._text(v) for k, v in orm.items()
        }
