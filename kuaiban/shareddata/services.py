"""Writes to the built-in shared-data source: filling it with synthetic data, clearing that.

``synthetic_generate`` streams: it makes one batch of people at a time (never all N),
writes it with ``bulk_create`` in one transaction, and forgets it. Person ``i`` of a seed is
always the same person, so a second run with the same seed skips who is already there and
adds only the rest: the same N adds nothing, a larger N continues where the last run ended.
Rows already in the table (the demo's people, real data) are never touched: a generated
person or unit whose number is taken is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, models, transaction
from django.utils import timezone

from kuaiban.shareddata.bulk import (
    copy_supported,
    extra_by_model,
    in_processes,
    people_copy,
    tables_analyze,
)
from kuaiban.shareddata.models import (
    DeathRecord,
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
    UnemploymentRecord,
)
from kuaiban.shareddata.progress import ProgressBar
from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES
from kuaiban.shareddata.synthetic.source import PersonDraft, Synthesizer, enterprises_needed

_IN_CHUNK = 900  # values per IN (...) query: under SQLite's conservative parameter limit
_INSERT_BATCH = 1000  # rows per INSERT statement


@dataclass
class BatchCount:
    created: int = 0
    skipped: int = 0  # already in the table (this seed's earlier run, or another row)
    records: int = 0  # insurance, employment, unemployment and certificate rows


@dataclass(frozen=True)
class GenerateResult:
    people: BatchCount
    enterprises: BatchCount
    seconds: float


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
) -> GenerateResult:
    """Add ``people`` synthetic people of ``seed`` (and the units they work for).

    On PostgreSQL the people are written with COPY, by ``workers`` processes at once, each
    generating its own slice of the indexes (`bulk.py`); SQLite writes in one process.
    ``history`` adds every insured person's month-by-month contributions (`synthetic/history.py`)."""
    synth = Synthesizer(
        seed=seed, region_codes=region_codes, as_of=as_of or synthetic_as_of(), history=history
    )
    if not 0 < people <= synth.capacity:
        raise ValueError(f"人数应在 1 到 {synth.capacity:,} 之间（可增加地区代码以扩大号段）")
    if batch < 1:
        raise ValueError("批大小应为正整数")
    if workers < 1:
        raise ValueError("进程数应为正整数")
    started = timezone.now()
    units, persons = _generate(
        synth, people=people, batch=batch, progress=progress, workers=workers
    )
    tables_analyze()
    seconds = (timezone.now() - started).total_seconds()
    return GenerateResult(people=persons, enterprises=units, seconds=seconds)


def _generate(
    synth: Synthesizer, *, people: int, batch: int, progress: TextIO | None, workers: int
) -> tuple[BatchCount, BatchCount]:
    units = _in_batches(
        total=enterprises_needed(people),
        batch=batch,
        bar=ProgressBar(label="单位", unit="个", total=enterprises_needed(people), stream=progress),
        write=lambda start, stop: _enterprises_write(synth, range(start, stop)),
    )
    bar = ProgressBar(label="人员", unit="人", total=people, stream=progress)
    copy = copy_supported()
    if copy and workers > 1:
        if connection.in_atomic_block:
            raise ValueError("多进程生成不能在事务中进行")
        persons = BatchCount()
        for created, skipped, records in in_processes(
            total=people,
            workers=workers,
            bar=bar,
            batch=batch,
            work=lambda start, stop: _people_write(synth, range(start, stop), copy=True),
        ):
            persons.created += created
            persons.skipped += skipped
            persons.records += records
        bar.finish()
        return units, persons
    persons = _in_batches(
        total=people,
        batch=batch,
        bar=bar,
        write=lambda start, stop: _people_write(synth, range(start, stop), copy=copy),
    )
    return units, persons


def _in_batches(
    *, total: int, batch: int, bar: ProgressBar, write: Callable[[int, int], BatchCount]
) -> BatchCount:
    count = BatchCount()
    for start in range(0, total, batch):
        stop = min(total, start + batch)
        with transaction.atomic():
            done = write(start, stop)
        count.created += done.created
        count.skipped += done.skipped
        count.records += done.records
        bar.advance(stop - start)
    bar.finish()
    return count


def _enterprises_write(synth: Synthesizer, indexes: range) -> BatchCount:
    # Numbers first: on a second run nothing else needs making.
    codes = {i: synth.credit_code(i) for i in indexes}
    taken = _existing(Enterprise, "credit_code", codes.values())
    fresh = [synth.enterprise(i) for i, code in codes.items() if code not in taken]
    Enterprise.objects.bulk_create(fresh, batch_size=_INSERT_BATCH)
    return BatchCount(created=len(fresh), skipped=len(codes) - len(fresh))


def _people_write(synth: Synthesizer, indexes: range, *, copy: bool = False) -> BatchCount:
    numbers = {i: synth.id_number(i) for i in indexes}
    taken = _existing(Person, "id_number", numbers.values())
    fresh = [synth.person(i) for i, number in numbers.items() if number not in taken]
    if copy:
        held = _existing(
            ECertificate,
            "number",
            [c.number for d in fresh for c in d.certificates],
            kind="social_security_card",
        )
        for draft in fresh:
            draft.certificates = [c for c in draft.certificates if c.number not in held]
        records = people_copy(fresh)
        return BatchCount(created=len(fresh), skipped=len(numbers) - len(fresh), records=records)
    Person.objects.bulk_create([d.person for d in fresh], batch_size=_INSERT_BATCH)
    for draft in fresh:
        draft.attach()
    records = _records_write(fresh)
    return BatchCount(created=len(fresh), skipped=len(numbers) - len(fresh), records=records)


def _records_write(drafts: list[PersonDraft]) -> int:
    insurance = [d.insurance for d in drafts if d.insurance is not None]
    jobs = [job for d in drafts for job in d.employments]
    spells = [spell for d in drafts for spell in d.unemployments]
    cards = [card for d in drafts for card in d.certificates]
    # A card number someone else already holds: that person simply has no e-card here.
    held = _existing(ECertificate, "number", [c.number for c in cards], kind="social_security_card")
    cards = [c for c in cards if c.number not in held]
    InsuranceRecord.objects.bulk_create(insurance, batch_size=_INSERT_BATCH)
    EmploymentRecord.objects.bulk_create(jobs, batch_size=_INSERT_BATCH)
    UnemploymentRecord.objects.bulk_create(spells, batch_size=_INSERT_BATCH)
    ECertificate.objects.bulk_create(cards, batch_size=_INSERT_BATCH)
    deaths = [d.death for d in drafts if d.death is not None]
    DeathRecord.objects.bulk_create(deaths, batch_size=_INSERT_BATCH)
    extra = extra_by_model(drafts)
    for model, rows in extra.items():
        model._default_manager.bulk_create(rows, batch_size=_INSERT_BATCH)
    count = len(insurance) + len(jobs) + len(spells) + len(cards) + len(deaths)
    return count + sum(len(rows) for rows in extra.values())


def _existing(
    model: type[models.Model], column: str, values: Iterable[str], **filters: str
) -> set[str]:
    """Which of ``values`` are already in ``model.column`` (an indexed column)."""
    wanted = list(values)
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
