"""Bulk writing of generated rows: COPY on PostgreSQL, from several processes at once.

Rows are tuples (`synthetic/rows.py`), never model instances: making an instance cost more
than drawing the person. On PostgreSQL the people's primary keys are drawn from their sequence
first, so a batch is one COPY per table and no read-back; each table's lines are formatted in
COPY's text format in one string. SQLite (the demo, tests) builds instances and uses
`bulk_create` in one process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, connections, models, transaction

from kuaiban.core import deferred_indexes
from kuaiban.core.forked import connections_set_aside
from kuaiban.shareddata.facts import facts_deferred
from kuaiban.shareddata.models import (
    DeathRecord,
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
    PersonFacts,
    UnemploymentRecord,
)
from kuaiban.shareddata.progress import ProgressBar
from kuaiban.shareddata.records import SELF_SERVICE_MODELS
from kuaiban.shareddata.synthetic.producers import PERSON_PRODUCERS

_BATCH = 1000  # rows per INSERT statement (SQLite)
# A batch is formatted with separators no value holds, escaped for COPY in one pass over the
# whole text, and the separators then become tabs and newlines: a few C-level passes instead
# of a Python call per value. NULL gets a mark of its own, turned into \N after escaping.
_FIELD, _LINE, _NULL = "\x1e", "\x1f", "\x1d"
# (str.replace, not str.translate: translate looks every character of non-ASCII text up in a
# dict, a hundred times slower.)
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_MARKS = ((_FIELD, "\t"), (_LINE, "\n"), (_NULL, "\\N"))


def copy_supported() -> bool:
    return connection.vendor == "postgresql"


def _copy(model: type[models.Model], columns: Sequence[str], lines: list[str]) -> None:
    """COPY the lines (fields joined by _FIELD, each ending in _LINE) into ``model``'s table."""
    if not lines:
        return
    text = "".join(lines)
    if text.count(_FIELD) != len(lines) * (len(columns) - 1) or text.count(_LINE) != len(lines):
        raise ValueError(f"{model.__name__}: 生成的值含有控制字符，无法按 COPY 格式写入")
    for plain, escaped in (*_ESCAPES, *_MARKS):
        text = text.replace(plain, escaped)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            copy.write(text)


def _line(row: tuple[Any, ...]) -> str:
    # str() of a str, int, Decimal, date or aware datetime is what PostgreSQL reads back;
    # of a bool, "True"/"False", which PostgreSQL's boolean input accepts.
    return _FIELD.join([_NULL if v is None else str(v) for v in row]) + _LINE


def enterprises_write(rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if copy_supported():
        lines = [_line(row) for row in rows]
        _copy(Enterprise, rows[0]._fields, lines)  # type: ignore[attr-defined]
        return
    Enterprise.objects.bulk_create(
        [Enterprise(**row._asdict()) for row in rows],  # type: ignore[attr-defined]
        batch_size=_BATCH,
    )


def people_write(drafts: Sequence[Any]) -> int:
    """Write the drafted people and every table of their records; the number of records."""
    if not drafts:
        return 0
    if copy_supported():
        return _people_copy(drafts)
    people = Person.objects.bulk_create(
        [Person(**d.person._asdict()) for d in drafts], batch_size=_BATCH
    )
    tables: dict[type[models.Model], list[models.Model]] = {}
    for draft, person in zip(drafts, people, strict=True):
        for model, rows in draft.tables():
            tables.setdefault(model, []).extend(
                model(person_id=person.pk, **row._asdict()) for row in rows
            )
    for model, instances in tables.items():
        model._default_manager.bulk_create(instances, batch_size=_BATCH)
    return sum(len(instances) for instances in tables.values())


def _people_copy(drafts: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Person._meta.db_table, len(drafts)],
        )
        keys = [row[0] for row in cursor.fetchall()]
    people, tables = _people_lines(keys, drafts)
    _copy(Person, ("id", *drafts[0].person._fields), people)
    for model, (columns, lines) in tables.items():
        _copy(model, columns, lines)
    return sum(len(lines) for _, lines in tables.values())


def _people_lines(
    keys: Sequence[int], drafts: Sequence[Any]
) -> tuple[list[str], dict[type[models.Model], tuple[Sequence[str], list[str]]]]:
    """The people's lines (primary keys ``keys``), and each record table's columns and lines."""
    people: list[str] = []
    tables: dict[type[models.Model], tuple[Sequence[str], list[str]]] = {}
    for key, draft in zip(keys, drafts, strict=True):
        head = f"{key}{_FIELD}"  # the person's key, in front of each of their lines
        people.append(head + _line(draft.person))
        for model, rows in draft.tables():
            if rows:
                entry = tables.get(model)
                if entry is None:
                    entry = tables[model] = (("person_id", *rows[0]._fields), [])
                entry[1].extend([head + _line(row) for row in rows])
    return people, tables


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a batch is drawn and written, then one
    young-generation pass. A batch makes hundreds of thousands of tuples, strings and dates,
    none in a cycle (reference counting frees them), and the collector, started by every 700
    of them, walked them again and again: 13–15 % of the generating process's CPU."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
            gc.collect(0)


def in_processes(
    *, total: int, workers: int, work: Callable[[int, int], Any], bar: Any, batch: int
) -> list[tuple[int, int, int, float]]:
    """Run ``work(start, stop)`` on ``workers`` forked processes over [0, total), each slice
    in batches of one transaction, drawing ``bar`` from a shared counter; the per-process
    (created, skipped, records, CPU seconds of its database backend)."""
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


def fast_commit() -> None:
    """The current transaction's commit does not wait for the disk: a crash of the database
    server may forget the last batches, and a second run with the same seed adds exactly those.

    Where the role may (a superuser: the generators' own development and benchmark databases),
    the transaction also skips the foreign-key triggers: every generated row's parent is
    written by the same batch just before it, with a key drawn from its sequence, or is read
    from what the database holds (a person's record, a sub-case's item and agency), so the
    check could never fail, and it cost a lookup and a queued trigger event per row. Only
    in a transaction of its own: inside a caller's, the setting would outlive the batch. The
    same goes for the people's facts (`facts.py`): the load's caller writes them afterwards
    with `facts_refresh`, a merge of ranges instead of a trigger per row."""
    if copy_supported():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
            if not connection.savepoint_ids:
                facts_deferred()  # the load writes the people's facts afterwards, in ranges
                if _may_skip_triggers():
                    cursor.execute("SET LOCAL session_replication_role TO replica")


def _may_skip_triggers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


def _child(work: Any, start: int, stop: int, batch: int, counter: Any, results: Any) -> None:
    connections_set_aside()
    created = skipped = records = 0
    for low in range(start, stop, batch):
        high = min(stop, low + batch)
        with collector_paused(), transaction.atomic():
            fast_commit()
            count = work(low, high)
        created, skipped, records = (
            created + count.created,
            skipped + count.skipped,
            records + count.records,
        )
        with counter.get_lock():
            counter.value += high - low
    results.put((created, skipped, records, backend_cpu_seconds()))
    connections.close_all()


def backend_cpu_seconds() -> float:
    """CPU time the database server process of this connection has used (0 when unknown: not
    PostgreSQL, or the server on another machine). A figure for the benchmark: where a load's
    time goes besides the generating processes."""
    if not copy_supported():
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def generated_models() -> list[type[models.Model]]:
    core = [Person, InsuranceRecord, EmploymentRecord, UnemploymentRecord, ECertificate]
    extra = [p.model for p in PERSON_PRODUCERS]
    return [*core, DeathRecord, *SELF_SERVICE_MODELS, *extra, Enterprise]


def tables_analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL plans a join of
    millions of rows as if the tables were empty (nested loops instead of hash joins)."""
    if not copy_supported():
        return
    with connection.cursor() as cursor:
        tables: list[type[models.Model]] = [*generated_models(), PersonFacts]
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# -- indexes set aside during a large first load ------------------------------------------------

# A large load into empty tables writes faster without the secondary indexes (above all the
# unique index of ID numbers, which takes each new person at a random place and at ten million
# no longer fits in memory): `kuaiban/core/deferred_indexes.py` sets them aside and builds them
# after the load, on record in the people table's comment.


def _person_tables() -> list[type[models.Model]]:
    return [m for m in generated_models() if m is not Enterprise]


def indexes_defer() -> int:
    """Set aside the secondary indexes and unique constraints of the people's tables; the
    number set aside. PostgreSQL only."""
    return deferred_indexes.indexes_defer(_person_tables(), holder=Person)


def indexes_restore(progress: Any = None) -> int:
    """Build the indexes a load of people set aside (`indexes_defer`), if any."""
    if not copy_supported():
        return 0
    return deferred_indexes.indexes_restore(holder=Person, bar=index_bar(progress))


def index_bar(progress: Any) -> Callable[[int], Any]:
    """The progress bar of building the indexes a load set aside (`deferred_indexes`)."""
    return lambda total: ProgressBar(label="建索引", unit="个", total=total, stream=progress)
