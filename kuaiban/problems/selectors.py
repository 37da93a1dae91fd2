"""Reads of 办不成事 reports, through one access helper: the wrong person gets 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.models import AgencyKind, item_label
from kuaiban.catalogue.regions import region_and_below
from kuaiban.core.errors import NotFound
from kuaiban.problems.models import ProblemReport, ReportStatus


def problem_reports_visible_to(
    user: AbstractBaseUser | AnonymousUser,
) -> QuerySet[ProblemReport]:
    """Every report ``user`` may see: the reporter their own (and a clerk what they took in),
    the owner agency's staff theirs, clerks their region's, supervisors their region and below."""
    queryset = ProblemReport.objects.select_related("region", "item", "owner_agency")
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role in (Role.PERSON, Role.UNIT):
        return queryset.filter(reporter=user)
    if user.role == Role.CLERK and user.region_id is not None:
        return queryset.filter(region_and_below(user.region_id) | Q(filed_by=user))
    if user.role == Role.OFFICER and user.agency_id is not None:
        return queryset.filter(owner_agency_id=user.agency_id)
    if user.role == Role.SUPERVISOR:
        return queryset.filter(region_and_below(user.region_id))
    if user.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_problem_report(*, user: AbstractBaseUser | AnonymousUser, number: str) -> ProblemReport:
    """The report, if ``user`` may see it; the same 404 for 'missing' and 'not yours'."""
    report = problem_reports_visible_to(user).filter(number=number).first()
    if report is None:
        raise NotFound("反映不存在")
    return report


def may_resolve(user: AbstractBaseUser | AnonymousUser, report: ProblemReport) -> bool:
    """The owner answers: the owner agency's officers, or the clerks of a service hall owner's
    region (a report without an item belongs to the hall the clerks work in)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.OFFICER:
        return user.agency_id == report.owner_agency_id
    if user.role == Role.CLERK:
        owner = report.owner_agency
        return user.agency_id == owner.pk or (
            owner.kind == AgencyKind.SERVICE_HALL and user.region_id == owner.region_id
        )
    return False


@dataclass(frozen=True)
class ItemCount:
    item: str  # the item as lists name it, or 未指明事项
    total: int
    open: int
    overdue: int
    closed: int
    unsatisfied: int


def problem_counts_by_item(
    reports: QuerySet[ProblemReport], *, now: dt.datetime
) -> list[ItemCount]:
    """Counts per item over ``reports`` (already scoped): one aggregate query."""
    rows = (
        reports.order_by()
        .values("item__code", "item__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=ReportStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=ReportStatus.OPEN, due_at__lt=now)),
            closed=Count("pk", filter=Q(status=ReportStatus.CLOSED)),
            unsatisfied=Count("pk", filter=Q(satisfied=False)),
        )
        .order_by("-total", "item__code")
    )
    return [
        ItemCount(
            item=item_label(code=r["item__code"], name=r["item__name"])
            if r["item__code"]
            else "未指明事项",
            total=r["total"],
            open=r["open"],
            overdue=r["overdue"],
            closed=r["closed"],
            unsatisfied=r["unsatisfied"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ReportTotals:
    total: int
    open: int
    overdue: int
    escalated: int


def problem_totals(reports: QuerySet[ProblemReport], *, now: dt.datetime) -> ReportTotals:
    """The supervision dashboard's figure: reports in scope, open, overdue, escalated."""
    found = reports.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ReportStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=ReportStatus.OPEN, due_at__lt=now)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
    )
    return ReportTotals(**found)


def problem_reports_in(
    *,
    region_ids: frozenset[int] | None,
    agency_id: int | None,
    item_id: int | None,
    since: dt.datetime,
    until: dt.datetime,
) -> QuerySet[ProblemReport]:
    """Reports filed in a period within a supervision scope (regions, or one agency), for the
    supervision dashboard's figure; every bound is a WHERE clause."""
    reports = ProblemReport.objects.filter(filed_at__gte=since, filed_at__lt=until)
    if region_ids is not None:
        reports = reports.filter(region_id__in=region_ids)
    if agency_id is not None:
        reports = reports.filter(owner_agency_id=agency_id)
    if item_id is not None:
        reports = reports.filter(item_id=item_id)
    return reports
