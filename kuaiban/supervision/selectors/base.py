"""The filtered, scoped base querysets every figure starts from.

Scope and filters become WHERE clauses here and nowhere else: ``region_id IN (…)`` for a
supervisor's region tree, ``agency_id = …`` for an officer, and one ``EXISTS`` over the
sub-cases when an application or rating must involve an item or an agency.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from kuaiban.ratings.models import Rating, TicketStep
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.scope import Scope

BAD_LEVEL = 2  # 不满意 and 非常不满意 are 差评
GOOD_LEVEL = 4  # 满意 and 非常满意 are 好评


def in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.since, f"{field}__lt": period.until})


def _subcase_condition(scope: Scope, filters: Filters) -> Q | None:
    """What a sub-case must satisfy for its application (or rating) to count, if anything."""
    condition = Q()
    if scope.agency_id is not None:
        condition &= Q(agency_id=scope.agency_id)
    if filters.agency_id is not None:
        condition &= Q(agency_id=filters.agency_id)
    if filters.item_id is not None:
        condition &= Q(item_id=filters.item_id)
    return condition if condition.children else None


def applications_in(
    scope: Scope, filters: Filters, *, period: bool = True
) -> QuerySet[Application]:
    """Applications in scope and filters; submitted in the period unless ``period=False``."""
    return Application.objects.filter(application_condition(scope, filters, period=period))


def application_condition(scope: Scope, filters: Filters, *, period: bool = True) -> Q:
    """What an application must satisfy to be in scope and filters (`applications_in`). The
    rows that hang from the applications (their materials) are counted from the applications
    with those rows joined, so that a sub-case condition (an item, an agency) is tested once an
    application: read from the materials, it was tested once a material (an agency's day at
    10 M sub-cases: 193–275 against 103–169 ms), and an ``IN`` over `applications_in` was
    estimated so badly that it read all 13 M materials (1.9 s)."""
    condition = Q()
    if scope.region_ids is not None:
        condition &= Q(region_id__in=scope.region_ids)
    if filters.region_ids is not None:
        condition &= Q(region_id__in=filters.region_ids)
    if filters.pack_id is not None:
        condition &= Q(pack_id=filters.pack_id)
    if filters.bundle_id is not None:
        condition &= Q(bundle_id=filters.bundle_id)
    subcase = _subcase_condition(scope, filters)
    if subcase is not None:
        condition &= Q(Exists(SubCase.objects.filter(subcase, application_id=OuterRef("pk"))))
    if period:
        condition &= in_period("submitted_at", filters.period)
    return condition


def subcases_in(scope: Scope, filters: Filters) -> QuerySet[SubCase]:
    """Sub-cases in scope and filters, any time (each figure adds its own time condition)."""
    queryset = SubCase.objects.all()
    if scope.region_ids is not None:
        queryset = queryset.filter(region_id__in=scope.region_ids)
    if scope.agency_id is not None:
        queryset = queryset.filter(agency_id=scope.agency_id)
    if filters.region_ids is not None:
        queryset = queryset.filter(region_id__in=filters.region_ids)
    if filters.pack_id is not None:
        queryset = queryset.filter(pack_id=filters.pack_id)
    if filters.bundle_id is not None:
        queryset = queryset.filter(bundle_id=filters.bundle_id)
    if filters.item_id is not None:
        queryset = queryset.filter(item_id=filters.item_id)
    if filters.agency_id is not None:
        queryset = queryset.filter(agency_id=filters.agency_id)
    return queryset


def _where_and_who(scope: Scope, filters: Filters, *, prefix: str = "") -> Q:
    """The regions and the responsible agency of the scope and filters, on a rating's or a
    ticket's own columns (reached by ``prefix``)."""
    condition = Q()
    for regions in (scope.region_ids, filters.region_ids):
        if regions is not None:
            condition &= Q(**{f"{prefix}region_id__in": regions})
    for agency in (scope.agency_id, filters.agency_id):
        if agency is not None:
            condition &= Q(**{f"{prefix}agency_id": agency})
    return condition


def rating_condition(scope: Scope, filters: Filters) -> Q:
    """Ratings in scope and filters.

    A window-visit rating (一次一评) belongs to a pack, bundle or item through the application
    the visit was for; without one it drops out as soon as such a filter is set.
    """
    condition = _where_and_who(scope, filters)
    for key, value in (("pack_id", filters.pack_id), ("bundle_id", filters.bundle_id)):
        if value is not None:
            condition &= Q(**{f"application__{key}": value}) | Q(
                **{f"visit__application__{key}": value}
            )
    if filters.item_id is not None:
        # The visit's application is reached inside the second EXISTS, probed by the visit's
        # key: through a join of the visits PostgreSQL hashed all of them (740,000 at 10 M
        # sub-cases) for a day's ratings of one item.
        items = SubCase.objects.filter(item_id=filters.item_id)
        condition &= Q(Exists(items.filter(application_id=OuterRef("application_id")))) | Q(
            Exists(items.filter(application__window_visits__id=OuterRef("visit_id")))
        )
    return condition


def ticket_condition(scope: Scope, filters: Filters, *, prefix: str = "") -> Q:
    """Rectification tickets (reached by ``prefix`` from a step) whose ratings are in scope
    and filters — what `rating_condition` selects, and the ticket's own agency — read from
    what each ticket carries of its rating (`RectificationTicket.region`), without a join to
    the ratings, their applications or their visits."""
    p = prefix
    condition = _where_and_who(scope, filters, prefix=p)
    if filters.pack_id is not None:
        condition &= Q(**{f"{p}pack_id": filters.pack_id})
    if filters.bundle_id is not None:
        condition &= Q(**{f"{p}bundle_id": filters.bundle_id})
    if filters.item_id is not None:
        items = SubCase.objects.filter(item_id=filters.item_id)
        condition &= Q(Exists(items.filter(application_id=OuterRef(f"{p}application_id"))))
    return condition


def ratings_in(scope: Scope, filters: Filters, *, period: bool = True) -> QuerySet[Rating]:
    queryset = Rating.objects.filter(rating_condition(scope, filters))
    if period:
        queryset = queryset.filter(in_period("rated_at", filters.period))
    return queryset


def outcome_filter(period: Period) -> tuple[Q, Q]:
    """(decided in the period, running past a deadline that fell in the period)."""
    decided = in_period("decided_at", period)
    until = min(period.until, timezone.now())
    running = Q(status__in=SubCase.RUNNING, due_at__gte=period.since, due_at__lt=until)
    return decided, running


def outcome_counts(decided: Q, running: Q) -> dict[str, Count]:
    return {
        "decided": Count("pk", filter=decided),
        "on_time": Count("pk", filter=decided & Q(decided_at__lte=F("due_at"))),
        "overdue_open": Count("pk", filter=running & ~decided),
    }


def overdue_subcases(scope: Scope, filters: Filters) -> QuerySet[SubCase]:
    """Sub-cases whose clock runs past their deadline now, whenever they were submitted."""
    return subcases_in(scope, filters).filter(status__in=SubCase.RUNNING, due_at__lt=timezone.now())


def overdue_steps(scope: Scope, filters: Filters) -> QuerySet[TicketStep]:
    """Open steps of rectification tickets past their due time now."""
    return TicketStep.objects.filter(
        ticket_condition(scope, filters, prefix="ticket__"),
        done_at__isnull=True,
        due_at__lt=timezone.now(),
    )
