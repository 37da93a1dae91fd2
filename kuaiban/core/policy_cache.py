"""Static policy data kept per process, keyed by the policy generation.

Packs, bundles, the catalogue, routes and the working-day calendar change rarely (a pack load,
an administrator's edit, the calendar of a new year) but every submission reads them. Each
process keeps what it built from them (a bundle with its items, a routing table, a calendar
window) in memory under the generation's value; a submission reads the generation once (one
small query) and rebuilds only what was built under an older value. Every change bumps the
generation in the changing transaction (`policy_changed`), through the apps' save and delete
signals and explicitly after bulk writes that send none, so every process sees the change at
its next request.

What is kept is shared by every request of the process: it is read, never changed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connections, router
from django.db.models import F

from kuaiban.core.kept_query import kept_cursor
from kuaiban.core.models import PolicyGeneration

POLICY = "policy"
# Bounded: a process serves a few packs, regions and days; past this the oldest half goes.
MAX_ENTRIES = 2000

T = TypeVar("T")

_entries: dict[Hashable, tuple[int, object]] = {}
_lock = threading.Lock()


def policy_generation() -> int:
    """The current generation (one query, read on every submission: its text is kept rather
    than built by the ORM each time — a third of the CPU)."""
    alias = router.db_for_read(PolicyGeneration)
    connection = connections[alias]
    with kept_cursor(connection) as cursor:
        cursor.execute(_generation_sql(connection.alias), [POLICY])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@functools.cache
def _generation_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = PolicyGeneration._meta
    return (
        f"SELECT {quote(meta.get_field('value').column)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.get_field('name').column)} = %s"
    )


def policy_changed(**_: object) -> None:
    """Bump the generation; usable as a signal receiver. Inside the caller's transaction, so
    the new generation becomes visible together with the change."""
    if not PolicyGeneration.objects.filter(name=POLICY).update(value=F("value") + 1):
        PolicyGeneration.objects.get_or_create(name=POLICY, defaults={"value": 1})


def policy_cached(*, key: Hashable, generation: int, build: Callable[[], T]) -> T:
    """What ``build`` gives, kept under ``key`` until the generation moves past ``generation``."""
    found = _entries.get(key)
    if found is not None and found[0] == generation:
        return found[1]  # type: ignore[return-value]
    value = build()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            for old in list(_entries)[: MAX_ENTRIES // 2]:
                _entries.pop(old, None)
        _entries[key] = (generation, value)
    return value


def policy_cache_clear() -> None:
    """Forget everything kept (tests that roll the database back under a kept generation)."""
    with _lock:
        _entries.clear()


def policy_models_watch(app_label: str) -> None:
    """Bump the generation on every save and delete of ``app_label``'s models (an
    administrator's edit); for the app's ``ready()``. Bulk writes send no signal: their
    services call `policy_changed` themselves."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in apps.get_app_config(app_label).get_models():
        uid = f"policy:{model._meta.label}"
        post_save.connect(policy_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(policy_changed, sender=model, dispatch_uid=f"{uid}:delete")
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            m2m_changed.connect(policy_changed, sender=through, dispatch_uid=f"{uid}:{m2m.name}")
