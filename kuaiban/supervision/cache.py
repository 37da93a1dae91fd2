"""A short-lived cache of the supervision figures, shared by a page, its exports and its report.

The figures are aggregates over the whole period; on a province with millions of sub-cases a
year-long view takes seconds to compute. Supervisors look at the same views again and again
(the page, then its Excel export, then the monthly report), so each computed result is kept
for ``KUAIBAN_SUPERVISION_CACHE_SECONDS`` (300 by default; 0 turns the cache off) in Django's
cache — per process by default, shared by every process when ``KUAIBAN_REDIS_URL`` is set.
Every page says when its figures were computed.

The key is everything the figures depend on: the kind of result, the user's scope (the exact
region set or agency, so two supervisors never share an entry unless they see the same data),
every filter and the period's bounds. Nothing here decides who may see what: the scope was
settled by `scope.scope_for` before the key is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kuaiban.supervision.filters import Filters
from kuaiban.supervision.scope import Scope

T = TypeVar("T")

# Bump when the shape of a cached result changes, so old entries are never read back.
LAYOUT = 1


@dataclass(frozen=True)
class Computed(Generic[T]):
    """A result and when it was computed (shown on the page as 统计时间)."""

    value: T
    at: dt.datetime


def cache_key(kind: str, scope: Scope, filters: Filters) -> str:
    regions = "*" if scope.region_ids is None else ",".join(map(str, sorted(scope.region_ids)))
    chosen = "*" if filters.region_ids is None else ",".join(map(str, sorted(filters.region_ids)))
    parts = [
        kind,
        str(LAYOUT),
        regions,
        str(scope.agency_id),
        str(filters.pack_id),
        str(filters.bundle_id),
        str(filters.item_id),
        str(filters.agency_id),
        chosen,
        filters.period.since.isoformat(),
        filters.period.until.isoformat(),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"kuaiban:supervision:{kind}:{digest}"


def figures_cached(
    kind: str, scope: Scope, filters: Filters, compute: Callable[[], T], *, refresh: bool = False
) -> Computed[T]:
    """``compute()``, or its result from the last ``KUAIBAN_SUPERVISION_CACHE_SECONDS``;
    ``refresh`` computes and stores anew (`warm.py`)."""
    seconds = settings.KUAIBAN_SUPERVISION_CACHE_SECONDS
    if seconds <= 0:
        return Computed(compute(), timezone.now())
    key = cache_key(kind, scope, filters)
    found: Computed[T] | None = None if refresh else cache.get(key)
    if found is not None:
        return found
    result = Computed(compute(), timezone.now())
    cache.set(key, result, seconds)
    return result
