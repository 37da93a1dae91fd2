"""秒办 only where the system itself acts: one rule for the catalogue file, the admin and the database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kuaiban.catalogue.admin import ServiceItemForm
from kuaiban.catalogue.models import ItemTarget, ServiceItem, system_approval_problem


@pytest.mark.parametrize(
    ("system_performs", "pays_money", "allowed"),
    [(False, False, True), (True, False, True), (False, True, True), (True, True, False)],
)
def test_the_rule(system_performs: bool, pays_money: bool, allowed: bool) -> None:
    problem = system_approval_problem(system_performs=system_performs, pays_money=pays_money)
    assert (problem is None) is allowed


def _item(**extra: object) -> ServiceItem:
    values: dict[str, object] = {
        "code": "T-1",
        "name": "测试事项",
        "category": "社会保险",
        "agency_kind": "social_insurance",
        "target": ItemTarget.PERSON,
        "promised_limit_unit": "instant",
    }
    return ServiceItem.objects.create(**{**values, **extra})


@pytest.mark.django_db
def test_the_database_refuses_an_item_that_pays_money_done_by_the_system() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _item(system_performs=True, pays_money=True)
    assert _item(system_performs=True).system_performs


def _form(**extra: object) -> ServiceItemForm:
    data = {
        "code": "T-2",
        "name": "测试事项",
        "category": "社会保险",
        "agency_kind": "social_insurance",
        "target": "person",
        "promised_limit_unit": "instant",
        "status": "published",
        "valid_from": "2020-01-01",
        "aliases": "[]",
        "sources": "[]",
        "checks": "[]",
        "online": "on",
        **extra,
    }
    return ServiceItemForm(data=data)


@pytest.mark.django_db
def test_the_admin_form_names_the_rule_at_the_field() -> None:
    form = _form(system_performs="on", pays_money="on")
    assert not form.is_valid()
    assert form.errors["system_performs"] == [
        "涉及资金支付的事项不能由系统直接办理（秒办），须由经办人员审核"
    ]
    assert _form(system_performs="on").is_valid()


def test_public_code_hides_local_codes_and_fee_defaults_to_free() -> None:
    assert ServiceItem(code="L-retire-qualification").public_code == ""
    assert ServiceItem(code="1.6.1").public_code == "1.6.1"
    assert ServiceItem(code="1.6.1").fee_text == "不收费"
    assert ServiceItem(code="1.6.1", fee="工本费20元").fee_text == "工本费20元"
