"""Who may see an applicant's shared data: the applicant, or a window clerk acting for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import ApiError, NotFound, Unprocessable
from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.shareddata.connectors import SharedProfile
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.selectors import LookupResult, lookup_enterprise, lookup_person

# Roles that act for walk-in applicants (一窗通办) and may look anyone up.
_ACTING_ROLES = {Role.CLERK, Role.ADMIN}


def access_shared_profile(
    *, user: AbstractBaseUser | AnonymousUser, id_number: str | None, credit_code: str | None
) -> SharedProfile | None:
    """The shared data of an applicant, if ``user`` may see it; one error for 'missing' and 'not yours'.

    None also when the source is unavailable: the caller then asks the applicant for everything.
    """
    result = access_shared_lookup(user=user, id_number=id_number, credit_code=credit_code)
    return None if result is None else result.profile


def access_shared_lookup(
    *, user: AbstractBaseUser | AnonymousUser, id_number: str | None, credit_code: str | None
) -> LookupResult | None:
    """As ``access_shared_profile``, with the notice to show when nothing could be looked up."""
    if not id_number and not credit_code:
        return None
    if not isinstance(user, User) or not user.is_authenticated:
        raise ApiError("查询申请人的共享数据需要登录", code="unauthenticated", status=401)
    if id_number:
        if error := id_number_error(id_number):
            raise Unprocessable(error, fields={"applicant.id_number": [error]})
        if user.role not in _ACTING_ROLES and user.id_number.upper() != id_number.upper():
            raise NotFound("未找到该申请人")
        return lookup_person(id_number=id_number)
    assert credit_code is not None
    if error := credit_code_error(credit_code):
        raise Unprocessable(error, fields={"applicant.credit_code": [error]})
    if user.role not in _ACTING_ROLES and user.credit_code.upper() != credit_code.upper():
        raise NotFound("未找到该申请人")
    return lookup_enterprise(credit_code=credit_code)


NOT_FOUND = "未查到本人的社会保险信息"


def access_own_person(*, user: AbstractBaseUser | AnonymousUser) -> Person:
    if not isinstance(user, User) or user.role != Role.PERSON or not user.id_number:
        raise NotFound(NOT_FOUND)
    return access_person_by_id_number(id_number=user.id_number)


def access_person_by_id_number(*, id_number: str) -> Person:
    person = Person.objects.select_related("insurance").filter(id_number=id_number.upper()).first()
    if person is None:
        raise NotFound(NOT_FOUND)
    return person
