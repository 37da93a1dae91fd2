"""One shape for every audited read of shared data, whoever reads it and why."""

from __future__ import annotations

import pytest

from kuaiban.core.masking import mask_credit_code, mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.shareddata.audit import shared_data_read_audit
from kuaiban.shareddata.connectors import RecordRef, SharedProfile
from tests.conftest import make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

PROFILE = SharedProfile(records=[RecordRef("person", "local", "person:7")])


def test_a_persons_read_names_the_person_masked() -> None:
    number = make_id_number(region="370102")
    event = shared_data_read_audit(
        actor=None, profile=PROFILE, id_number=number.lower(), purpose="intake"
    )
    assert (event.action, event.object_type) == (AuditAction.SHARED_DATA_READ, "person")
    assert event.object_id == mask_id_number(number) != number
    assert event.changes == {"purpose": "intake", "records": ["person:7"]}


def test_a_units_read_names_the_unit_by_its_masked_credit_code() -> None:
    code = make_credit_code("91370100MA3C0009")
    event = shared_data_read_audit(
        actor=None, profile=PROFILE, credit_code=code, purpose="application.submit", number="N1"
    )
    assert (event.object_type, event.object_id) == ("unit", mask_credit_code(code))
    assert event.changes == {
        "purpose": "application.submit",
        "number": "N1",
        "records": ["person:7"],
    }


def test_a_read_without_a_subject_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        shared_data_read_audit(actor=None, profile=PROFILE, purpose="intake")
