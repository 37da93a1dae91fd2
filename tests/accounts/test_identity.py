"""Matching a verified real-name identity to an applicant account (for SSO backends)."""

from __future__ import annotations

import pytest

from kuaiban.accounts.identity import IdentityError, applicant_for_verified_identity
from kuaiban.accounts.models import Role, User
from tests.accounts.conftest import ALICE_ID
from tests.conftest import make_credit_code

UNIT_CODE = make_credit_code("91370100MA3C0001")


def test_an_existing_person_is_matched_by_id_number(alice):
    assert applicant_for_verified_identity(id_number=ALICE_ID.lower()) == alice
    assert User.objects.count() == 1


def test_a_new_person_is_created_as_an_applicant(db):
    user = applicant_for_verified_identity(
        id_number="11010519491231002X", display_name="王芳", phone="13800000000"
    )
    assert user is not None
    assert (user.role, user.display_name, user.phone) == (Role.PERSON, "王芳", "13800000000")
    assert user.username.startswith("sso-")
    assert "11010519491231002X" not in user.username
    assert not user.has_usable_password()


def test_a_unit_is_matched_or_created_by_credit_code(make_user):
    unit = make_user(role=Role.UNIT, credit_code=UNIT_CODE)
    assert applicant_for_verified_identity(credit_code=UNIT_CODE) == unit
    other = applicant_for_verified_identity(credit_code=make_credit_code("91140100MA0K0002"))
    assert other is not None
    assert other.role == Role.UNIT


def test_staff_are_never_matched_through_the_public_sso(make_user):
    clerk = make_user(role=Role.CLERK, id_number="11010519491231002X")
    user = applicant_for_verified_identity(id_number="11010519491231002X")
    assert user is not None
    assert user != clerk
    assert user.role == Role.PERSON


def test_a_disabled_account_stays_disabled(make_user):
    make_user(id_number="11010519491231002X", is_active=False)
    assert applicant_for_verified_identity(id_number="11010519491231002X") is None
    assert User.objects.count() == 1


def test_no_account_is_created_when_creation_is_off(db):
    assert applicant_for_verified_identity(id_number="11010519491231002X", create=False) is None
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"id_number": "110105194912310021"},  # wrong check digit
        {"credit_code": "91370100MA3C4X5K70"},
        {},
        {"id_number": "11010519491231002X", "credit_code": "91370100MA3C4X5K7L"},
    ],
)
def test_bad_identities_are_refused(db, kwargs):
    with pytest.raises(IdentityError):
        applicant_for_verified_identity(**kwargs)
    assert User.objects.count() == 0


def test_two_accounts_with_one_id_number_are_refused(make_user):
    make_user(id_number="11010519491231002X")
    make_user(id_number="11010519491231002X")
    with pytest.raises(IdentityError, match="多个账号"):
        applicant_for_verified_identity(id_number="11010519491231002X")
