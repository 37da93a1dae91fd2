"""Reads of home visits, through one access helper: the wrong person gets 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.regions import RegionTree, region_and_below
from kuaiban.core.errors import NotFound
from kuaiban.homevisits.models import HomeVisit

STAFF = (Role.CLERK, Role.OFFICER)


def home_visits_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[HomeVisit]:
    """The person visited and whoever asked see theirs; the clerks and officers of the region
    (and above) the visits they may take; supervisors their region and below."""
    queryset = HomeVisit.objects.select_related("region", "item", "owner", "application")
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.PERSON:
        own = Q(person_id_number=user.id_number) if user.id_number else Q(pk__in=[])
        return queryset.filter(Q(requested_by=user) | own)
    if user.role in STAFF and user.region_id is not None:
        return queryset.filter(region_and_below(user.region_id) | Q(owner=user))
    if user.role == Role.SUPERVISOR:
        return queryset.filter(region_and_below(user.region_id))
    if user.role == Role.ADMIN:
        return queryset
    return queryset.none()


def access_home_visit(*, user: AbstractBaseUser | AnonymousUser, visit_id: int) -> HomeVisit:
    visit = home_visits_visible_to(user).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("上门服务不存在")
    return visit


def may_own(user: object, visit: HomeVisit, *, tree: RegionTree | None = None) -> bool:
    """An owner is a clerk or officer of the visit's region or a region above it."""
    if not isinstance(user, User) or not user.is_active or user.role not in STAFF:
        return False
    if user.region_id is None:
        return False
    return user.region_id in (tree or RegionTree.load()).ancestors(visit.region_id)
