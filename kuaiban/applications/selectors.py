"""Reads of applications, through one access helper: the wrong person gets 404, not 403."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from kuaiban.accounts.authorisations import Act, authorisation_for, authorisations_active
from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.catalogue.regions import region_and_below
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import NotFound
from kuaiban.core.models import AuditAction


def applications_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Application]:
    """Every application ``user`` may see; the filter is in the query, not after it."""
    queryset = Application.objects.select_related(
        "pack", "bundle", "scenario", "region", "received_region"
    )
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.PERSON:
        # Their own, and those of the people who authorised them to follow their cases
        # (亲情代办) — only while the authorisation is in force.
        grantors = authorisations_active(agent=user, act=Act.QUERY).values("grantor_id")
        return queryset.filter(Q(applicant=user) | Q(applicant_id__in=grantors))
    if user.role == Role.UNIT:
        return queryset.filter(applicant=user)
    if user.role == Role.CLERK and user.region_id is not None:
        # A window clerk sees what was accepted at a window of the clerk's own region.
        return queryset.filter(submitted_by__region_id=user.region_id, channel="window")
    if user.role == Role.OFFICER and user.agency_id is not None:
        return queryset.filter(subcases__agency_id=user.agency_id).distinct()
    if user.role == Role.SUPERVISOR:
        # Both sides of a 跨省通办 case: the handling region's and the receiving region's.
        return queryset.filter(
            region_and_below(user.region_id) | region_and_below(user.region_id, prefix="received_")
        )
    if user.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_application(*, user: AbstractBaseUser | AnonymousUser, number: str) -> Application:
    """The application, if ``user`` may see it; the same 404 for 'missing' and 'not yours'."""
    application = (
        applications_visible_to(user)
        .prefetch_related("subcases__agency", "materials", "commitments", "shared_data_uses")
        .filter(number=number)
        .first()
    )
    if application is None:
        raise NotFound("办件不存在")
    return application


def may_act(user: object, application: Application, act: Act) -> bool:
    """The applicant themselves, or a family member authorised for ``act`` today (亲情代办)."""
    if not isinstance(user, User) or application.applicant_id is None:
        return False
    if application.applicant_id == user.pk:
        return True
    return authorisation_for(agent=user, grantor_id=application.applicant_id, act=act) is not None


def acting_read_audit(user: object, application: Application) -> None:
    """A family member's read of another person's application is audited: X 代 Y 查询."""
    if isinstance(user, User) and user.role == Role.PERSON and application.applicant_id != user.pk:
        audit_record(
            actor=user,
            action=AuditAction.APPLICATION_READ,
            object_type="application",
            object_id=application.number,
            changes={
                "acted_for": f"{user.display_name or user.username} 代 {application.applicant_name} 查询"
            },
        )


def access_application_at_window(
    *, clerk: AbstractBaseUser | AnonymousUser, number: str, identifier: str
) -> Application:
    """一窗通办: any clerk, at any window, serves the applicant standing there. The clerk has
    checked the identity document, so the number with the applicant's full ID number or credit
    code opens the application; the same 404 for a missing number and another person's."""
    if not isinstance(clerk, User) or clerk.role != Role.CLERK or not clerk.is_active:
        raise NotFound("办件不存在")
    application = (
        Application.objects.select_related("bundle")
        .prefetch_related("materials")
        .filter(number=number.strip())
        .first()
    )
    given = identifier.strip().upper()
    own = (
        (application.applicant_id_number or application.applicant_credit_code).upper()
        if application
        else ""
    )
    if application is None or not given or given != own:
        raise NotFound("办件不存在或与申请人证件不符")
    return application
