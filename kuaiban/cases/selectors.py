"""Reads of sub-cases through one access helper: an officer sees their agency's, nothing else."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from kuaiban.accounts.models import Role, User
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import NotFound


def subcases_visible_to(
    user: AbstractBaseUser | AnonymousUser | None, *, agency: Agency | None = None
) -> QuerySet[SubCase]:
    """The sub-cases an officer (or a signed agency system) may work; the filter is in the query."""
    queryset = SubCase.objects.select_related(
        "application", "application__bundle", "application__region", "item", "agency"
    )
    if agency is not None:
        return queryset.filter(agency=agency)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.OFFICER and user.agency_id is not None:
        return queryset.filter(agency_id=user.agency_id)
    if user.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_subcase(
    *, user: AbstractBaseUser | AnonymousUser | None, subcase_id: int, agency: Agency | None = None
) -> SubCase:
    """The sub-case, if it is this officer's (or this agency's); the same 404 otherwise."""
    subcase = subcases_visible_to(user, agency=agency).filter(pk=subcase_id).first()
    if subcase is None:
        raise NotFound("子件不存在")
    return subcase
