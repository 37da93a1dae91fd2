"""Whose records a caller may read: one helper per way in, the same 404 for 'missing' and
'not yours'.

- a person reads their own (the account's 居民身份证号);
- a unit reads the 参保 months of people it employs, and only the months it paid;
- a kiosk session reads the person who identified at the kiosk (``kiosk.py``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import NotFound
from kuaiban.shareddata.models import EmploymentRecord, Person

# A person's own records: ``kuaiban.shareddata.access.access_own_person``.


def access_employee(*, user: AbstractBaseUser | AnonymousUser, person_id: int) -> Person:
    """A person the unit ``user`` employs now (an open employment record at its credit code)."""
    if not isinstance(user, User) or user.role != Role.UNIT or not user.credit_code:
        raise NotFound("未找到该职工")
    employed = EmploymentRecord.objects.filter(
        person_id=person_id, unit_credit_code=user.credit_code.upper(), end_date__isnull=True
    ).exists()
    person = Person.objects.filter(pk=person_id).first() if employed else None
    if person is None:
        raise NotFound("未找到该职工")
    return person


def unit_employees(*, user: User) -> list[int]:
    """The ids of the people the unit employs now (for its list; paginated by the caller)."""
    return list(
        EmploymentRecord.objects.filter(
            unit_credit_code=user.credit_code.upper(), end_date__isnull=True
        )
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
