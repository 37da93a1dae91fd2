"""Writes to the built-in shared-data source: filling it with synthetic data, clearing that.

``synthetic_generate`` streams: it makes one batch of people at a time (never all N) as
tuples, writes it in one transaction (COPY on PostgreSQL, `bulk.py`), and forgets it. Person ``i`` of a seed is
always the same person, so a second run with the same seed skips who is already there and
adds only the rest: the same N adds nothing, a larger N continues where the last run ended.
Rows already in the table (the demo's people, real data) are never touched: a generated
person or unit whose number is taken is skipped.
"""

from __future__ import annotations

import datetime as dt
import resource
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from kuaiban.shareddata.bulk import (
    backend_cpu_seconds,
    collector_paused,
    copy_supported,
    enterprises_write,
    fast_commit,
    in_processes,
    indexes_defer,
    indexes_restore,
    people_write,
    tables_analyze,
)
from kuaiban.shareddata.facts import facts_refresh, people_key_span
from kuaiban.shareddata.models import (
    ECertificate,
    Enterprise,
    Person,
)
from kuaiban.shareddata.progress import ProgressBar
from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES
from kuaiban.shareddata.synthetic.source import Synthesizer, enterprises_needed

_IN_CHUNK = 900  # values per IN (...) query: under SQLite's conservative parameter limit
# A load of this many people into an empty people table builds the secondary indexes after it.
DEFER_INDEXES_FROM = 500_000
_IN_MEMORY = 200_000  # numbers already taken that a run reads into memory instead of asking


@dataclass
class BatchCount:
    created: int = 0
    skipped: int = 0  # already in the table (this seed's earlier run, or another row)
    records: int = 0  # insurance, employment, unemployment and certificate rows
    database_cpu: float = 0.0


@dataclass(frozen=True)
class GenerateResult:
    people: BatchCount
    enterprises: BatchCount
    seconds: float
    index_seconds: float = 0.0  # of ``seconds``: building the indexes set aside for the load
    generator_cpu: float = 0.0  # CPU seconds of the generating processes
    database_cpu: float = 0.0  # CPU seconds of their PostgreSQL backends (0 when unknown)


@dataclass(frozen=True)
class ClearResult:
    people: int
    enterprises: int


def synthetic_as_of() -> dt.date:
    """The default reference date: 1 January of this year, so a seed means one data set a year."""
    return timezone.localdate().replace(month=1, day=1)


def synthetic_generate(
    *,
    people: int,
    seed: int = 1,
    region_codes: Sequence[str] = DEFAULT_REGION_CODES,
    batch: int = 5000,
    as_of: dt.date | None = None,
    progress: TextIO | None = None,
    workers: int = 1,
    history: bool = False,
    defer_indexes: bool | None = None,
) -> GenerateResult:
    """Add ``people`` synthetic people of ``seed`` (and the units they work for).

    ``history`` adds every insured person's month-by-month contributions (`synthetic/history.py`).

    On PostgreSQL the people are written with COPY, by ``workers`` processes at once, each
    generating its own slice of the indexes (`bulk.py`); SQLite writes in one process.

    ``defer_indexes``: load into the people's tables without their secondary indexes and
    build those afterwards (`bulk.indexes_defer`); by default when PostgreSQL's people table
    is empty and at least `DEFER_INDEXES_FROM` people are asked for. Indexes an interrupted
    load left aside are built first, whatever is asked."""
    synth = Synthesizer(
        seed=seed, region_codes=region_codes, as_of=as_of or synthetic_as_of(), history=history
    )
    if not 0 < people <= synth.capacity:
        raise ValueError(f"人数应在 1 到 {synth.capacity:,} 之间（可增加地区代码以扩大号段）")
    if batch < 1:
        raise ValueError("批大小应为正整数")
    if workers < 1:
        raise ValueError("进程数应为正整数")
    if workers > 1 and copy_supported() and connection.in_atomic_block:
        raise ValueError("多进程生成不能在事务中进行")
    started = timezone.now()
    cpu_before = _own_cpu()
    backend_before = backend_cpu_seconds()
    indexes_restore(progress)
    if defer_indexes is None:
        defer_indexes = people >= DEFER_INDEXES_FROM and not Person.objects.exists()
    deferred = copy_supported() and defer_indexes and indexes_defer() > 0
    taken = TakenNumbers.read()
    last = Person.objects.aggregate(last=Max("pk"))["last"] or 0
    units, persons = _generate(
        synth, taken=taken, people=people, batch=batch, progress=progress, workers=workers
    )
    loaded = timezone.now()
    if deferred:
        indexes_restore(progress)
    _facts_write(after=last, progress=progress)
    tables_analyze()
    seconds = (timezone.now() - started).total_seconds()
    backend = backend_cpu_seconds() - backend_before  # this process's own batches, if any
    return GenerateResult(
        people=persons,
        enterprises=units,
        seconds=seconds,
        index_seconds=(timezone.now() - loaded).total_seconds() if deferred else 0.0,
        generator_cpu=_own_cpu() - cpu_before,
        database_cpu=backend + persons.database_cpu + units.database_cpu,
    )


def _facts_write(*, after: int, progress: TextIO | None) -> None:
    """The people's facts of everyone the load added (its batches left them to this: see
    `bulk.fast_commit`; `kuaiban shareddata_facts_refresh` if it was killed before), with
    their own progress bar."""
    low, high = people_key_span(after=after)
    if low is None or high is None:
        return
    bar = ProgressBar(label="人员规则事实", unit="人", total=high - low + 1, stream=progress)
    facts_refresh(span=(low, high), advance=bar.advance)
    bar.finish()


def _own_cpu() -> float:
    """CPU seconds of this process and of its finished child processes."""
    me, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Taken:
    """The values of one unique column that were in the table when the run started.

    Rows the run writes itself never collide (every index has a slot of its own in the number
    space), so only these need checking: read into memory once when there are few — no query
    per batch —, else asked of the column's index batch by batch."""

    model: type[models.Model]
    column: str
    filters: dict[str, str]
    values: frozenset[str] | None

    @classmethod
    def read(cls, model: type[models.Model], column: str, **filters: str) -> Taken:
        rows = model._default_manager.filter(**filters)
        if rows.count() > _IN_MEMORY:
            return cls(model, column, filters, None)
        return cls(model, column, filters, frozenset(rows.values_list(column, flat=True)))

    def among(self, wanted: Iterable[str]) -> set[str]:
        if self.values is None:
            return _existing(self.model, self.column, wanted, **self.filters)
        return set(self.values.intersection(wanted))


@dataclass(frozen=True)
class TakenNumbers:
    people: Taken
    cards: Taken
    units: Taken

    @classmethod
    def read(cls) -> TakenNumbers:
        return cls(
            people=Taken.read(Person, "id_number"),
            cards=Taken.read(ECertificate, "number", kind="social_security_card"),
            units=Taken.read(Enterprise, "credit_code"),
        )


def _generate(
    synth: Synthesizer,
    *,
    taken: TakenNumbers,
    people: int,
    batch: int,
    progress: TextIO | None,
    workers: int,
) -> tuple[BatchCount, BatchCount]:
    """Units first (people's jobs name them), then people; on PostgreSQL each phase in
    ``workers`` processes, each streaming its own slice of the indexes with COPY."""
    parallel = copy_supported() and workers > 1
    if parallel and connection.in_atomic_block:
        raise ValueError("多进程生成不能在事务中进行")
    needed = enterprises_needed(people)
    units = _phase(
        total=needed,
        batch=batch,
        workers=workers if parallel else 1,
        bar=ProgressBar(label="单位", unit="个", total=needed, stream=progress),
        write=lambda start, stop: _enterprises_write(synth, range(start, stop), taken=taken),
    )
    persons = _phase(
        total=people,
        batch=batch,
        workers=workers if parallel else 1,
        bar=ProgressBar(label="人员", unit="人", total=people, stream=progress),
        write=lambda start, stop: _people_write(synth, range(start, stop), taken=taken),
    )
    return units, persons


def _phase(
    *,
    total: int,
    batch: int,
    workers: int,
    bar: ProgressBar,
    write: Callable[[int, int], BatchCount],
) -> BatchCount:
    count = BatchCount()
    if workers > 1 and total > batch:
        for created, skipped, records, cpu in in_processes(
            total=total, workers=workers, bar=bar, batch=batch, work=write
        ):
            count.created += created
            count.skipped += skipped
            count.records += records
            count.database_cpu += cpu
        bar.finish()
        return count
    for start in range(0, total, batch):
        stop = min(total, start + batch)
        with collector_paused(), transaction.atomic():
            fast_commit()
            done = write(start, stop)
        count.created += done.created
        count.skipped += done.skipped
        count.records += done.records
        bar.advance(stop - start)
    bar.finish()
    return count


def _enterprises_write(synth: Synthesizer, indexes: range, *, taken: TakenNumbers) -> BatchCount:
    # Numbers first: on a second run nothing else needs making.
    codes = {i: synth.credit_code(i) for i in indexes}
    there = taken.units.among(codes.values())
    fresh = [synth.enterprise(i) for i, code in codes.items() if code not in there]
    enterprises_write(fresh)
    return BatchCount(created=len(fresh), skipped=len(codes) - len(fresh))


def _people_write(synth: Synthesizer, indexes: range, *, taken: TakenNumbers) -> BatchCount:
    numbers = {i: synth.id_number(i) for i in indexes}
    there = taken.people.among(numbers.values())
    fresh = [synth.person(i) for i, number in numbers.items() if number not in there]
    # A card number someone else already holds: that person simply has no e-card here.
    held = taken.cards.among([c.number for d in fresh for c in d.certificates])
    if held:
        for draft in fresh:
            draft.certificates = [c for c in draft.certificates if c.number not in held]
    records = people_write(fresh)
    return BatchCount(created=len(fresh), skipped=len(numbers) - len(fresh), records=records)


def _existing(
    model: type[models.Model], column: str, values: Iterable[str], **filters: str
) -> set[str]:
    """Which of ``values`` are already in ``model.column`` (an indexed column)."""
    wanted = list(values)
    if not wanted:
        return set()
    if connection.vendor == "postgresql":
        # One array parameter: a batch of 5,000 numbers is one statement, not six IN lists.
        table = connection.ops.quote_name(model._meta.db_table)
        name = connection.ops.quote_name(column)
        where = "".join(f" AND {connection.ops.quote_name(k)} = %s" for k in filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {name} FROM {table} WHERE {name} = ANY(%s){where}",
                [wanted, *filters.values()],
            )
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        rows = model._default_manager.filter(**{f"{column}__in": chunk}, **filters)
        found.update(rows.values_list(column, flat=True))
    return found


def synthetic_clear(*, batch: int = 5000, progress: TextIO | None = None) -> ClearResult:
    """Delete the generated people (with their records) and units; nothing else."""
    people = _delete_generated(Person, batch=batch, label="删除人员", unit="人", progress=progress)
    units = _delete_generated(
        Enterprise, batch=batch, label="删除单位", unit="个", progress=progress
    )
    return ClearResult(people=people, enterprises=units)


def _delete_generated(
    model: type[Person] | type[Enterprise],
    *,
    batch: int,
    label: str,
    unit: str,
    progress: TextIO | None,
) -> int:
    rows = model._default_manager.filter(generated=True)
    bar = ProgressBar(label=label, unit=unit, total=rows.count(), stream=progress)
    after = 0
    while True:
        # Key-set paging on the primary key: each step is one index range, however large.
        ahead = rows.filter(pk__gt=after)
        bound = list(ahead.order_by("pk").values_list("pk", flat=True)[batch - 1 : batch])
        step = ahead.filter(pk__lte=bound[0]) if bound else ahead
        with transaction.atomic():
            _, per_model = step.delete()
        bar.advance(per_model.get(model._meta.label, 0))
        if not bound:
            break
        after = bound[0]
    bar.finish()
    return bar.done
