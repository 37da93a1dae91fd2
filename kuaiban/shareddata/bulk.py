"""Bulk writing of generated people on PostgreSQL: COPY instead of INSERT, and several
processes generating disjoint slices of the index range at once.

Generating a person in Python, not writing it, is what costs (≈2,700 people/s per core here):
COPY takes the writing off that budget, and `--workers` puts the other cores to work. SQLite
keeps the single-process `bulk_create` path (one writer at a time anyway).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from typing import Any

from django.db import connection, connections, models, transaction

from kuaiban.shareddata.models import (
    DeathRecord,
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
    UnemploymentRecord,
)
from kuaiban.shareddata.records import SELF_SERVICE_MODELS

# Columns written per model: every concrete field but the primary key, by column name.
_SKIP = {"id"}


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.column not in _SKIP]


def _copy(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    if not rows:
        return
    fields = _columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_value(f, row) for f in fields])


def _value(field: models.Field[Any, Any], row: models.Model) -> Any:
    value = field.pre_save(row, add=True)  # auto_now_add stamps, as bulk_create sets them
    if value is None and field.has_default():
        value = field.get_default()
    return value


def copy_supported() -> bool:
    return connection.vendor == "postgresql"


def people_copy(drafts: Sequence[Any]) -> int:
    """COPY the people, read back their ids (one indexed query), COPY their records."""
    if not drafts:
        return 0
    _copy(Person, [d.person for d in drafts])
    ids = dict(
        Person.objects.filter(id_number__in=[d.person.id_number for d in drafts]).values_list(
            "id_number", "pk"
        )
    )
    for draft in drafts:
        draft.person.pk = ids[draft.person.id_number]
        draft.attach()
    insurance = [d.insurance for d in drafts if d.insurance is not None]
    jobs = [job for d in drafts for job in d.employments]
    spells = [spell for d in drafts for spell in d.unemployments]
    cards = [card for d in drafts for card in d.certificates]
    deaths = [d.death for d in drafts if d.death is not None]
    _copy(InsuranceRecord, insurance)
    _copy(EmploymentRecord, jobs)
    _copy(UnemploymentRecord, spells)
    _copy(ECertificate, cards)
    _copy(DeathRecord, deaths)
    extra = extra_by_model(drafts)
    for model, rows in extra.items():
        _copy(model, rows)
    return (
        len(insurance)
        + len(jobs)
        + len(spells)
        + len(cards)
        + len(deaths)
        + sum(len(rows) for rows in extra.values())
    )


def extra_by_model(drafts: Sequence[Any]) -> dict[type[models.Model], list[models.Model]]:
    """The drafts' self-service records (``PersonDraft.extra``) grouped by model."""
    grouped: dict[type[models.Model], list[models.Model]] = {}
    for draft in drafts:
        row: models.Model
        for row in draft.extra:
            grouped.setdefault(type(row), []).append(row)
    return grouped


def in_processes(
    *, total: int, workers: int, work: Any, bar: Any, batch: int
) -> list[tuple[int, int, int]]:
    """Run ``work(start, stop, counter)`` on ``workers`` forked processes over [0, total),
    each slice in batches, drawing ``bar`` from the shared counter; the per-process counts."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    results = context.Queue()
    connections.close_all()  # each child opens its own connection
    step = -(-total // workers)
    slices = [(s, min(total, s + step)) for s in range(0, total, step)]
    children = [
        context.Process(target=_child, args=(work, start, stop, batch, counter, results))
        for start, stop in slices
    ]
    for child in children:
        child.start()
    done = 0
    while any(child.is_alive() for child in children):
        time.sleep(0.25)
        now = counter.value
        bar.advance(now - done)
        done = now
    bar.advance(counter.value - done)
    failed = [child.exitcode for child in children if child.exitcode]
    if failed:
        raise RuntimeError(f"生成进程异常退出（退出码 {failed}）")
    return [results.get() for _ in children]


def _child(work: Any, start: int, stop: int, batch: int, counter: Any, results: Any) -> None:
    created = skipped = records = 0
    for low in range(start, stop, batch):
        high = min(stop, low + batch)
        with transaction.atomic():
            count = work(low, high)
        created, skipped, records = (
            created + count.created,
            skipped + count.skipped,
            records + count.records,
        )
        with counter.get_lock():
            counter.value += high - low
    results.put((created, skipped, records))
    connections.close_all()


def tables_analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL plans a join of
    millions of rows as if the tables were empty (nested loops instead of hash joins)."""
    if not copy_supported():
        return
    models_: tuple[type[models.Model], ...] = (
        Person,
        InsuranceRecord,
        EmploymentRecord,
        UnemploymentRecord,
        ECertificate,
        DeathRecord,
        *SELF_SERVICE_MODELS,
    )
    with connection.cursor() as cursor:
        tables: list[type[models.Model]] = [*models_, Enterprise]
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
