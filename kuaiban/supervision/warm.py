"""Compute the supervisors' default views ahead of them (预计算), so a first look is a cache hit.

A supervisor opens the dashboard on this month's figures and the report on last month's; on a
province with millions of sub-cases computing those takes seconds. `supervision_warm` computes
them for every scope that has a user — each supervisor's region, the administrators' whole
province and, with ``officers=True``, each agency that has officers — and stores them under
the same keys the pages read (`cache.py`). Run by `kuaiban supervision_warm` every few
minutes; it only helps when the web processes read the same cache (``KUAIBAN_REDIS_URL``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.dashboard import (
    Context,
    contact_points_cached,
    items_cached,
    overview_cached,
)
from kuaiban.supervision.filters import filter_choices, filters_parse
from kuaiban.supervision.scope import NotAllowed, Scope, scope_for


@dataclass(frozen=True)
class WarmResult:
    scopes: int
    views: int
    seconds: float


def _scope_holders(*, officers: bool) -> Iterator[User]:
    """One active user per distinct scope (a region, an agency, everything)."""
    roles = [Role.SUPERVISOR, Role.ADMIN] + ([Role.OFFICER] if officers else [])
    users = User.objects.filter(is_active=True, role__in=roles).order_by("pk")
    seen: set[tuple[str, int | None]] = set()
    for user in users:
        key = (user.role, user.agency_id if user.role == Role.OFFICER else user.region_id)
        if user.role == Role.ADMIN:
            key = (Role.ADMIN, None)
        if key not in seen:
            seen.add(key)
            yield user


def _contexts(scope: Scope, tree: RegionTree, today: dt.date) -> list[Context]:
    """The default views: the dashboard (this month) and the report (last month)."""
    choices = filter_choices(scope=scope, tree=tree)
    contexts = []
    for month_param in (False, True):
        result = filters_parse(
            QueryDict(""),
            scope=scope,
            tree=tree,
            choices=choices,
            today=today,
            month_param=month_param,
        )
        if result.filters is not None:
            contexts.append(Context(scope, result.filters, tree))
    return contexts


def supervision_warm(
    *, officers: bool = False, progress: Callable[[str], None] | None = None
) -> WarmResult:
    started = timezone.now()
    tree = RegionTree.load()
    today = timezone.localdate()
    scopes = views = 0
    for user in _scope_holders(officers=officers):
        try:
            scope = scope_for(user, tree=tree)
        except NotAllowed:
            continue  # a staff account without its region or agency sees nothing to warm
        scopes += 1
        for ctx in _contexts(scope, tree, today):
            overview_cached(ctx, refresh=True)
            items_cached(ctx, refresh=True)
            contact_points_cached(ctx, refresh=True)
            views += 3
        if progress:
            progress(f"{scope.label}：已预计算")
    seconds = (timezone.now() - started).total_seconds()
    return WarmResult(scopes=scopes, views=views, seconds=seconds)
