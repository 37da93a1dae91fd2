"""Reads of 内控: the high-risk approvals waiting for a second officer, and the risk figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.regions import region_and_below
from kuaiban.commitments.models import CHECK_OPEN, CheckStatus, CommitmentCheck, overdue_q
from kuaiban.core.errors import NotFound
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.riskcontrol.control import amount_threshold, review_reasons
from kuaiban.riskcontrol.models import Post


def reviews_visible_to(user: User) -> QuerySet[SubCase]:
    """待复核 sub-cases this officer may be the second pair of eyes on: their agency's (with a
    review post), and their region's and below (with a central-review post)."""
    rows = SubCase.objects.filter(
        review_requested_at__isnull=False, status__in=SubCase.RUNNING
    ).select_related(
        "application", "item", "agency", "review_requested_by", "handled_by", "reviewed_by"
    )
    if user.role != Role.OFFICER:
        return rows.none()
    posts = list(Post.objects.filter(user=user))
    scope = Q(pk__in=[])
    if user.agency_id is not None and any(p.may_review for p in posts):
        scope |= Q(agency_id=user.agency_id)
    if user.region_id is not None and any(p.central_review for p in posts):
        scope |= region_and_below(user.region_id, prefix="application__")
    categories = {p.category for p in posts if p.may_review or p.central_review}
    if "" not in categories:
        scope &= Q(item__category__in=categories)
    return rows.filter(scope)


def access_review(*, user: User, subcase_id: int) -> SubCase:
    subcase = reviews_visible_to(user).filter(pk=subcase_id).first()
    if subcase is None:
        raise NotFound("子件不存在")
    return subcase


@dataclass(frozen=True)
class ReviewPage:
    """Everything the second officer's decision rests on; identifiers masked."""

    subcase: SubCase
    reasons: list[str]
    threshold: Decimal | None
    applicant_identifier: str
    applicant_phone: str
    materials: list[ApplicationMaterial]


def review_page(*, subcase: SubCase) -> ReviewPage:
    application = subcase.application
    identifier = application.applicant_id_number or application.applicant_credit_code
    return ReviewPage(
        subcase=subcase,
        reasons=review_reasons([subcase]).get(subcase.pk, []),
        threshold=amount_threshold(subcase=subcase),
        applicant_identifier=mask_id_number(identifier),
        applicant_phone=mask_phone(application.applicant_phone),
        materials=list(
            ApplicationMaterial.objects.filter(application_id=application.pk).order_by("pk")
        ),
    )


@dataclass
class RiskRow:
    label: str
    made: int = 0
    checked: int = 0
    false: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class RiskFigures:
    by_item: list[RiskRow] = field(default_factory=list)
    by_region: list[RiskRow] = field(default_factory=list)
    overdue: int = 0
    overdue_checks: list[CommitmentCheck] = field(default_factory=list)
    reviews_pending: int = 0
    revoked: int = 0
    recovery_flagged: int = 0
    discredited: int = 0


def _counts(now: dt.datetime) -> dict[str, Count]:
    return {
        "made": Count("pk"),
        "checked": Count("pk", filter=Q(status__in=[CheckStatus.CONFIRMED, CheckStatus.FALSE])),
        "false": Count("pk", filter=Q(status=CheckStatus.FALSE)),
        "open": Count("pk", filter=Q(status__in=CHECK_OPEN)),
        "overdue": Count("pk", filter=overdue_q(now)),
    }


# The overdue checks listed on the dashboard, longest overdue first; the count says how many.
OVERDUE_LISTED = 20


def risk_figures(*, user: User) -> RiskFigures:
    """The dashboard: commitments made, checked, false by item and by region; overdue checks;
    four-eyes decisions pending; decisions revoked. All counted in the database, in scope."""
    if user.role == Role.SUPERVISOR:
        checks = CommitmentCheck.objects.filter(region_and_below(user.region_id))
        subcases = SubCase.objects.filter(region_and_below(user.region_id, prefix="application__"))
    elif user.role == Role.OFFICER and user.agency_id is not None:
        checks = CommitmentCheck.objects.filter(agency_id=user.agency_id)
        subcases = SubCase.objects.filter(agency_id=user.agency_id)
    else:
        raise NotFound("页面不存在")
    now = timezone.now()
    counts = _counts(now)
    figures = RiskFigures()
    for row in (
        checks.values("subcase__seed_name").annotate(**counts).order_by("subcase__seed_name")
    ):
        figures.by_item.append(
            RiskRow(row["subcase__seed_name"] or "（未关联事项）", *(row[k] for k in counts))
        )
    for row in checks.values("region__name").annotate(**counts).order_by("region__name"):
        figures.by_region.append(RiskRow(row["region__name"], *(row[k] for k in counts)))
    figures.overdue_checks = list(
        checks.filter(overdue_q(now))
        .select_related("application", "agency", "owner")
        .order_by("due_at", "pk")[:OVERDUE_LISTED]
    )
    totals = checks.aggregate(
        overdue=counts["overdue"],
        recovery=Count("pk", filter=Q(recovery="flagged")),
        discredited=Count("pk", filter=Q(credit_record__active=True)),
    )
    figures.overdue = totals["overdue"]
    figures.recovery_flagged = totals["recovery"]
    figures.discredited = totals["discredited"]
    sub = subcases.aggregate(
        pending=Count(
            "pk", filter=Q(review_requested_at__isnull=False, status__in=SubCase.RUNNING)
        ),
        revoked=Count("pk", filter=Q(status=SubCaseStatus.REVOKED)),
    )
    figures.reviews_pending = sub["pending"]
    figures.revoked = sub["revoked"]
    return figures
