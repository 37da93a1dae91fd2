"""The local shared-data connector and who may read an applicant's shared data."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.accounts.models import Role
from kuaiban.core.errors import ApiError, NotFound, Unprocessable
from kuaiban.shareddata.access import access_shared_profile
from kuaiban.shareddata.connectors import LocalConnector, RecordRef
from kuaiban.shareddata.models import (
    ECertificate,
    EmploymentRecord,
    Enterprise,
    UnemploymentRecord,
)
from tests.conftest import make_credit_code, make_id_number

X_ID = "11010519491231002X"  # ends in X


@pytest.fixture
def person(make_person):
    return make_person(id_number=X_ID, name="赵六", phone="13612345678", insurance=True)


@pytest.fixture
def enterprise(db):
    return Enterprise.objects.create(
        credit_code="91350100M000100Y43",
        name="福州某某科技有限公司",
        legal_representative="钱七",
        address="福州市鼓楼区",
        phone="",
        region_code="350100",
    )


# ---------------------------------------------------------------------------------------------
# LocalConnector


def test_person_profile(person):
    profile = LocalConnector().person(X_ID)
    assert profile is not None
    assert profile.values == {
        "person.name": "赵六",
        "person.id_number": X_ID,
        "person.gender": "男",
        "person.birth_date": "1965-03-15",
        "person.phone": "13612345678",
        "person.address": "济南市历下区泉城路1号",
        "insurance.unit_name": "济南某某机械有限公司",
        "insurance.first_contribution_date": "1988-07-01",
        "insurance.contribution_months": "420",
        "insurance.status": "正常参保",
    }
    assert profile.records == [
        RecordRef(source="person", connector="local", record=f"person:{person.pk}"),
        RecordRef(source="insurance", connector="local", record=f"insurance:{person.insurance.pk}"),
    ]
    assert profile.sources == {"person", "insurance"}


def test_person_lookup_ignores_the_case_of_x(person):
    profile = LocalConnector().person(X_ID.lower())
    assert profile is not None and profile.values["person.name"] == "赵六"


def test_person_with_every_kind_of_record(person):
    EmploymentRecord.objects.create(
        person=person,
        unit_name="旧单位",
        unit_credit_code=make_credit_code("91370100MA3C0001"),
        start_date=dt.date(2001, 1, 1),
    )
    EmploymentRecord.objects.create(
        person=person,
        unit_name="新单位",
        unit_credit_code=make_credit_code("91370100MA3C0002"),
        start_date=dt.date(2015, 5, 1),
    )
    UnemploymentRecord.objects.create(
        person=person, registered_on=dt.date(2014, 3, 1), reason="合同到期", status="已结束"
    )
    ECertificate.objects.create(
        person=person, kind="social_security_card", number="SSC001", issued_on=dt.date(2018, 1, 1)
    )
    profile = LocalConnector().person(X_ID)
    assert profile.sources == {"person", "insurance", "employment", "unemployment", "e_certificate"}
    # The latest employment is the one on file.
    assert profile.values["employment.unit_name"] == "新单位"
    assert profile.values["employment.start_date"] == "2015-05-01"
    assert profile.values["unemployment.reason"] == "合同到期"
    assert profile.values["e_certificate.social_security_card"] == "SSC001"


def test_blank_values_are_left_out(make_person):
    person = make_person(phone="", address="")
    profile = LocalConnector().person(person.id_number)
    assert "person.phone" not in profile.values
    assert "person.address" not in profile.values
    assert profile.sources == {"person"}


def test_unknown_person_and_enterprise(db):
    assert LocalConnector().person(make_id_number(seq="999")) is None
    assert LocalConnector().enterprise("91350100M000100Y43") is None


def test_enterprise_profile(enterprise):
    profile = LocalConnector().enterprise("91350100m000100y43")
    assert profile.values == {
        "enterprise.name": "福州某某科技有限公司",
        "enterprise.credit_code": "91350100M000100Y43",
        "enterprise.legal_representative": "钱七",
        "enterprise.address": "福州市鼓楼区",
    }
    assert profile.records == [
        RecordRef(source="enterprise", connector="local", record=f"enterprise:{enterprise.pk}")
    ]


# ---------------------------------------------------------------------------------------------
# access_shared_profile


def test_nothing_asked_nothing_needed(db):
    from django.contrib.auth.models import AnonymousUser

    assert access_shared_profile(user=AnonymousUser(), id_number=None, credit_code=None) is None
    assert access_shared_profile(user=AnonymousUser(), id_number="", credit_code="") is None


def test_anonymous_gets_401(person):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ApiError) as caught:
        access_shared_profile(user=AnonymousUser(), id_number=X_ID, credit_code=None)
    assert (caught.value.status, caught.value.code) == (401, "unauthenticated")


def test_invalid_id_number_is_422(make_user):
    with pytest.raises(Unprocessable) as caught:
        access_shared_profile(
            user=make_user(role=Role.CLERK), id_number="110105194912310021", credit_code=None
        )
    assert caught.value.status == 422
    assert caught.value.fields == {"applicant.id_number": ["居民身份证号校验位不正确"]}


def test_invalid_credit_code_is_422(make_user):
    with pytest.raises(Unprocessable) as caught:
        access_shared_profile(
            user=make_user(role=Role.CLERK), id_number=None, credit_code="91350100M000100Y44"
        )
    assert caught.value.fields == {"applicant.credit_code": ["统一社会信用代码校验位不正确"]}


def test_a_person_sees_their_own_data(make_user, person):
    user = make_user(role=Role.PERSON, id_number=X_ID.lower())
    profile = access_shared_profile(user=user, id_number=X_ID, credit_code=None)
    assert profile.values["person.name"] == "赵六"


def test_a_person_gets_the_same_404_for_someone_else_and_for_nobody(make_user, person):
    user = make_user(role=Role.PERSON, id_number=make_id_number(seq="888"))
    with pytest.raises(NotFound) as existing:
        access_shared_profile(user=user, id_number=X_ID, credit_code=None)
    with pytest.raises(NotFound) as missing:
        access_shared_profile(user=user, id_number=make_id_number(seq="999"), credit_code=None)
    assert existing.value.status == missing.value.status == 404
    assert existing.value.message == missing.value.message
    assert "赵六" not in existing.value.message


@pytest.mark.parametrize("role", [Role.CLERK, Role.ADMIN])
def test_acting_roles_see_anyone(make_user, person, role):
    profile = access_shared_profile(user=make_user(role=role), id_number=X_ID, credit_code=None)
    assert profile.values["person.name"] == "赵六"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.UNIT, Role.PERSON])
def test_other_roles_do_not(make_user, person, role):
    with pytest.raises(NotFound):
        access_shared_profile(user=make_user(role=role), id_number=X_ID, credit_code=None)


def test_a_unit_sees_its_own_registration_only(make_user, enterprise):
    unit = make_user(role=Role.UNIT, credit_code="91350100M000100Y43")
    profile = access_shared_profile(user=unit, id_number=None, credit_code="91350100m000100y43")
    assert profile.values["enterprise.name"] == "福州某某科技有限公司"
    other = make_user(role=Role.UNIT, credit_code=make_credit_code("91370100MA3C0001"))
    with pytest.raises(NotFound):
        access_shared_profile(user=other, id_number=None, credit_code="91350100M000100Y43")


def test_a_clerk_for_someone_not_on_file_gets_nothing(make_user, db):
    clerk = make_user(role=Role.CLERK)
    assert (
        access_shared_profile(user=clerk, id_number=make_id_number(seq="999"), credit_code=None)
        is None
    )


# ---------------------------------------------------------------------------------------------
# Prefill paths: what the catalogue may name is what the connector gives


def _filled(model, **given):
    """A row of ``model`` with every column filled (``given`` wins), so no value is blank."""
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in given:
            continue
        internal = field.get_internal_type()
        if internal == "CharField":
            given[field.name] = "测试值"[: field.max_length]
        elif internal == "DateField":
            given[field.name] = dt.date(2001, 2, 3)
        elif internal in {"PositiveIntegerField", "IntegerField", "DecimalField"}:
            given[field.name] = 7
    return model.objects.create(**given)


def test_every_prefill_path_is_given_by_the_connector(db):
    from kuaiban.shareddata.connectors import PREFILL_PATHS
    from kuaiban.shareddata.connectors.base import CERTIFICATE_KINDS
    from kuaiban.shareddata.models import InsuranceRecord, Person

    person = _filled(Person, id_number=X_ID)
    _filled(InsuranceRecord, person=person)
    _filled(EmploymentRecord, person=person)
    _filled(UnemploymentRecord, person=person)
    for kind in CERTIFICATE_KINDS:
        _filled(ECertificate, person=person, kind=kind, number=f"N-{kind}")
    _filled(Enterprise, credit_code="91350100M000100Y43")

    given = set(LocalConnector().person(X_ID).values)
    given |= set(LocalConnector().enterprise("91350100M000100Y43").values)

    from kuaiban.commitments.facts import ONLINE_FACTS

    assert sorted(PREFILL_PATHS - given) == []  # declared, but never filled in
    # Filled in beyond the prefills: only the facts an online commitment check compares.
    compared = {path for path, fact in ONLINE_FACTS.items() if not fact.from_records}
    assert given - PREFILL_PATHS == compared - PREFILL_PATHS == {"person.graduated_on"}
