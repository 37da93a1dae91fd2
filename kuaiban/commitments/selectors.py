"""Reads of checks: who sees which (one access helper per object, 404 for missing or not yours)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.regions import region_and_below
from kuaiban.commitments.models import (
    CheckObjection,
    CommitmentCheck,
    CreditRecord,
    ItemPolicy,
    overdue_q,
)
from kuaiban.core.errors import NotFound


def checks_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[CommitmentCheck]:
    """Officers: their agency's checks; applicants: their own;
    supervisors: their region and below. Nobody else sees any."""
    rows = CommitmentCheck.objects.select_related(
        "application", "agency", "region", "owner", "subcase__item", "partner"
    )
    if not isinstance(user, User) or not user.is_authenticated:
        return rows.none()
    if user.role == Role.OFFICER:
        if user.agency_id is None:
            return rows.none()
        # The agency is the officer's; its checks are those of applications routed to it,
        # which lie in its region (a transferred sub-case's check stays with the first agency).
        return rows.filter(agency_id=user.agency_id)
    if user.role in (Role.PERSON, Role.UNIT):
        return rows.filter(application__applicant=user)
    if user.role == Role.SUPERVISOR:
        return rows.filter(region_and_below(user.region_id))
    return rows.none()


def access_commitment_check(
    *, user: AbstractBaseUser | AnonymousUser | None, check_id: int
) -> CommitmentCheck:
    check = checks_visible_to(user).filter(pk=check_id).first()
    if check is None:
        raise NotFound("核查不存在")
    return check


def access_objection(
    *, user: AbstractBaseUser | AnonymousUser | None, objection_id: int
) -> CheckObjection:
    """An objection, for the officers who see its check."""
    if not isinstance(user, User) or user.role != Role.OFFICER:
        raise NotFound("异议不存在")
    objection = (
        CheckObjection.objects.select_related("commitment_check__application")
        .filter(pk=objection_id, commitment_check__in=checks_visible_to(user))
        .first()
    )
    if objection is None:
        raise NotFound("异议不存在")
    return objection


def credit_record_of(check: CommitmentCheck) -> CreditRecord | None:
    return CreditRecord.objects.filter(commitment_check=check).first()


def open_check_counts(user: User) -> dict[str, int]:
    """The officer's open checks and how many are overdue (one query), for the workbench."""
    return checks_visible_to(user).aggregate(
        open=Count("pk", filter=Q(status__in=CommitmentCheck.OPEN)),
        overdue=Count("pk", filter=overdue_q(timezone.now())),
    )


def discredit_refused_item_names() -> list[str]:
    """The items on which a person or unit with an active 失信 record may no longer commit
    (the bureau's `ItemPolicy.refuse_when_discredited`), as the applicant's page names them."""
    return list(
        ItemPolicy.objects.filter(refuse_when_discredited=True)
        .order_by("item__code")
        .values_list("item__name", flat=True)
    )
