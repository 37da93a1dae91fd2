"""Reads of ratings and tickets, through one access helper per object type.

The filter is in the query: an officer sees the tickets of their own agency, a supervisor
those of their region and below (read; they review appeals), the rater their own rating.
Everyone else gets the same 404 as for a missing object.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SUBCASE_UNFINISHED
from kuaiban.catalogue.models import Agency, Region, service_hall_name
from kuaiban.catalogue.regions import region_and_above, region_and_below
from kuaiban.core.errors import NotFound
from kuaiban.ratings.links import (
    VisitLink,
    VisitOffer,
    visit_link_expires,
    visit_link_phone,
    visit_link_url,
)
from kuaiban.ratings.models import Rating, RectificationTicket, StepKind, TicketStep, WindowVisit


def is_completed(application: Application) -> bool:
    """At its end: a finished status and no sub-case left open. 部分办结 is also the status
    while some sub-cases are done and others still run: the case is rated only once none of
    them is left (一事一评 at the end)."""
    if not application.finished:
        return False
    return not application.subcases.filter(status__in=SUBCASE_UNFINISHED).exists()


def _active(user: AbstractBaseUser | AnonymousUser | None) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


# ---------------------------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------------------------


def ratings_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Rating]:
    queryset = Rating.objects.select_related("application", "visit", "agency", "region")
    found = _active(user)
    if found is None:
        return queryset.none()
    if found.role in (Role.PERSON, Role.UNIT):
        return queryset.filter(rated_by=found)
    if found.role == Role.OFFICER and found.agency_id is not None:
        return queryset.filter(agency_id=found.agency_id)
    if found.role == Role.SUPERVISOR:
        return queryset.filter(region_and_below(found.region_id))
    if found.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_rating(*, user: AbstractBaseUser | AnonymousUser | None, rating_id: int) -> Rating:
    rating = ratings_visible_to(user).filter(pk=rating_id).first()
    if rating is None:
        raise NotFound("评价不存在")
    return rating


def rating_of(application: Application) -> Rating | None:
    return Rating.objects.filter(application=application).first()


# ---------------------------------------------------------------------------------------------
# Window visits
# ---------------------------------------------------------------------------------------------


def visits_to_rate(*, user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[WindowVisit]:
    """The person's window visits not yet rated (一次一评), newest first."""
    found = _active(user)
    if found is None:
        return WindowVisit.objects.none()
    return (
        WindowVisit.objects.select_related("region", "application")
        .filter(applicant=found, rating__isnull=True)
        .order_by("-visited_at")
    )


def access_visit_for_rating(
    *, user: AbstractBaseUser | AnonymousUser | None, visit_id: int
) -> WindowVisit:
    """The visit, if ``user`` is the person served; the same 404 otherwise."""
    found = _active(user)
    visit = (
        WindowVisit.objects.select_related("region", "agency", "application", "clerk")
        .filter(pk=visit_id, applicant=found)
        .first()
        if found is not None
        else None
    )
    if visit is None:
        raise NotFound("窗口服务记录不存在")
    return visit


def access_visit_by_link(*, link: VisitLink) -> WindowVisit:
    """The visit a checked rating link names, with what its page shows (its rating too)."""
    visit = (
        WindowVisit.objects.select_related(
            "region", "agency", "clerk", "applicant", "application", "rating", "rating__ticket"
        )
        .filter(pk=link.visit_id)
        .first()
    )
    if visit is None:
        raise NotFound("窗口服务记录不存在")
    return visit


def visit_served_by(
    *, clerk: AbstractBaseUser | AnonymousUser | None, application: Application
) -> WindowVisit | None:
    """The clerk's latest visit for ``application`` (the one whose link the receipt shows)."""
    found = _active(clerk)
    if found is None or found.role != Role.CLERK:
        return None
    return (
        WindowVisit.objects.select_related(
            "agency", "region", "application", "application__applicant", "rating"
        )
        .filter(application=application, clerk=found)
        .order_by("-visited_at", "-pk")
        .first()
    )


def visit_offer(
    *, clerk: AbstractBaseUser | AnonymousUser | None, application: Application, base: str
) -> VisitOffer | None:
    """For the clerk who served the walk-in only: the visit's rating link (page and printout)."""
    visit = visit_served_by(clerk=clerk, application=application)
    if visit is None:
        return None
    rating = visit_rating(visit)
    url = "" if rating is not None else visit_link_url(visit, base=base)
    return VisitOffer(visit, rating, url, visit_link_expires(visit), visit_link_phone(visit))


def visit_rating(visit: WindowVisit) -> Rating | None:
    """The visit's rating, if any (from ``select_related("rating")`` when it was loaded so)."""
    try:
        return visit.rating
    except Rating.DoesNotExist:
        return None


# ---------------------------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------------------------


def tickets_visible_to(
    user: AbstractBaseUser | AnonymousUser | None,
) -> QuerySet[RectificationTicket]:
    queryset = RectificationTicket.objects.select_related(
        "agency", "rating", "rating__application", "rating__visit", "rating__region"
    )
    found = _active(user)
    if found is None:
        return queryset.none()
    if found.role == Role.OFFICER and found.agency_id is not None:
        return queryset.filter(agency_id=found.agency_id)
    if found.role == Role.SUPERVISOR:
        return queryset.filter(region_and_below(found.region_id, prefix="rating__"))
    if found.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_ticket(
    *, user: AbstractBaseUser | AnonymousUser | None, ticket_id: int
) -> RectificationTicket:
    ticket = tickets_visible_to(user).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("整改工单不存在")
    return ticket


def ticket_open_step(ticket: RectificationTicket) -> TicketStep | None:
    return ticket.steps.filter(done_at__isnull=True).select_related("owner", "owner_agency").first()


def ticket_last_step(ticket: RectificationTicket, kind: StepKind) -> TicketStep | None:
    return ticket.steps.filter(kind=kind).order_by("-pk").first()


def ticket_steps_overdue(*, now: dt.datetime) -> QuerySet[TicketStep]:
    """Open steps past their due time, oldest deadline first (uses ``ticket_step_due_idx``)."""
    return (
        TicketStep.objects.select_related("ticket", "ticket__agency", "ticket__rating", "owner")
        .filter(done_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Who owns a step
# ---------------------------------------------------------------------------------------------


def visit_place(visit: WindowVisit) -> str:
    """Where the person was served: the clerk's hall, else their region's 人社服务大厅."""
    return visit.agency.name if visit.agency else service_hall_name(visit.region)


def agency_officer(agency: Agency) -> User | None:
    """The agency's first active officer: the named owner of its steps (the agency owns them too)."""
    return (
        User.objects.filter(role=Role.OFFICER, agency=agency, is_active=True).order_by("pk").first()
    )


def region_supervisor(region: Region) -> User | None:
    """The nearest active supervisor: of the region itself, else of its city, else province."""
    chain = region_and_above(region.pk)
    supervisors = User.objects.filter(
        role=Role.SUPERVISOR, region_id__in=chain, is_active=True
    ).order_by("pk")
    nearest: dict[int, User] = {}
    for user in supervisors:
        assert user.region_id is not None  # filtered above
        nearest.setdefault(user.region_id, user)
    return next((nearest[pk] for pk in chain if pk in nearest), None)


def rater_contact(rating: Rating) -> tuple[str, str]:
    """The rater's name and phone, for the callback and the feedback."""
    application = rating.application or (rating.visit.application if rating.visit else None)
    if application is not None:
        user = application.applicant
        phone = application.applicant_phone or (user.phone if user else "")
        return application.applicant_name, phone
    if rating.visit is not None:
        person = rating.visit.applicant
        return rating.visit.applicant_name, person.phone if person else ""
    return "", ""
