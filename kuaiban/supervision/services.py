"""Writes of the supervision app: generating and clearing synthetic history.

The supervision pages only read; what is written here is test and benchmark data, marked so
that it can be removed again without touching real applications (`NUMBER_MARK`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from kuaiban.applications.models import Application, ApplicationMaterial
from kuaiban.calendar.arithmetic import local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import calendar_load
from kuaiban.cases.models import SubCase
from kuaiban.core.deferred_indexes import indexes_defer, indexes_restore
from kuaiban.ratings.models import Rating, RectificationTicket, TicketStep, WindowVisit
from kuaiban.shareddata.bulk import collector_paused, fast_commit, index_bar
from kuaiban.shareddata.progress import ProgressBar
from kuaiban.supervision.parallel import in_processes
from kuaiban.supervision.rollups.refresh import rollup_rebuild, rollups_clear
from kuaiban.supervision.synthetic.history import HISTORY_DAYS, NUMBER_MARK, Draft, Drawer
from kuaiban.supervision.synthetic.rows import Row, rows_write
from kuaiban.supervision.synthetic.timeline import Days
from kuaiban.supervision.synthetic.world import World, world_prepare

# A history is drawn in chunks of this many sub-cases (`history_generate`). A generated
# application's number carries chunk × CHUNK_SUBCASES + its place in the chunk, less than the
# sub-cases written: seven digits (24 characters) hold ten million.
CHUNK_SUBCASES = 10_000
MAX_SUBCASES = 10_000_000
# A history of this many sub-cases or more, into a database holding less than a hundredth of
# it, is loaded without the secondary indexes of its tables, built after it (`history_generate`).
DEFER_INDEXES_FROM = 1_000_000
# The tables a history writes, parents first (a row's foreign keys are known when it is written).
HISTORY_TABLES: tuple[type[Model], ...] = (
    Application,
    SubCase,
    ApplicationMaterial,
    WindowVisit,
    Rating,
    RectificationTicket,
    TicketStep,
)

# Deadlines of the latest sub-cases and ticket steps reach this far past the reference time
# (the longest limit is about a month; late decisions and a 20-day rectification add to it).
_FUTURE_DAYS = 150


@dataclass(frozen=True)
class GenerateResult:
    applications: int
    subcases: int
    rows: int  # every row written, all tables
    seconds: float
    rollup_seconds: float = 0.0
    index_seconds: float = 0.0  # of ``seconds``: building the indexes set aside for the load


def generated_applications() -> int:
    return Application.objects.filter(number__contains=NUMBER_MARK).count()


def history_generate(
    *,
    subcases: int,
    seed: int = 1,
    batch: int = 5000,
    as_of: dt.datetime | None = None,
    progress: TextIO | None = None,
    rollups: bool = False,
    workers: int = 1,
    defer_indexes: bool | None = None,
) -> GenerateResult:
    """Write ``subcases`` sub-cases of synthetic history (with their applications and the
    rest), in batches of about ``batch`` sub-cases, each batch one transaction; with
    ``rollups``, then roll up every past day of it (`rollups/refresh.py`).

    ``defer_indexes``: load without the secondary indexes of `HISTORY_TABLES` and build them
    afterwards, each by one sort (`core/deferred_indexes.py`); by default on PostgreSQL for
    `DEFER_INDEXES_FROM` sub-cases or more into a database holding less than a hundredth of
    them (at ten million, the random keys of the application numbers, ID numbers and time
    stamps cost a page read per row once their indexes outgrow memory). Indexes an interrupted
    load left aside are built first, whatever is asked.

    The history is drawn in chunks of `CHUNK_SUBCASES`, each from a seed of its own, so on
    PostgreSQL ``workers`` processes draw and write chunks side by side (drawing in Python is
    the cost, not the COPY); the same seed gives the same history whatever their number.
    SQLite takes one writer at a time: one process there."""
    if subcases < 1 or batch < 1 or workers < 1:
        raise ValueError("子件数、批大小和进程数应为正整数")
    if subcases > MAX_SUBCASES:
        raise ValueError(f"一次最多生成 {MAX_SUBCASES:,} 个子件")
    if generated_applications():
        raise ValueError("数据库中已有生成的历史数据，请先用 --clear 删除")
    as_of = as_of or timezone.now()
    started = time.monotonic()
    indexes_restore(holder=Application, bar=index_bar(progress))
    if defer_indexes is None:
        defer_indexes = (
            subcases >= DEFER_INDEXES_FROM
            and SubCase.objects.all()[: subcases // 100].count() < subcases // 100
        )
    deferred = (
        connection.vendor == "postgresql"
        and defer_indexes
        and indexes_defer(HISTORY_TABLES, holder=Application) > 0
    )
    plan = _Chunks(drawing=_drawing(seed=seed, as_of=as_of), seed=seed, as_of=as_of, batch=batch)
    chunks = [
        (number, min(CHUNK_SUBCASES, subcases - number * CHUNK_SUBCASES))
        for number in range(-(-subcases // CHUNK_SUBCASES))
    ]
    workers = min(workers, len(chunks)) if connection.vendor == "postgresql" else 1
    bar = ProgressBar(label="子件", unit="件", total=subcases, stream=progress)
    if workers == 1:
        applications, made, rows = plan.write(chunks, bar.advance)
    else:
        applications, made, rows = _in_processes(plan, chunks, workers, bar)
    bar.finish()
    loaded = time.monotonic()
    if deferred:
        indexes_restore(holder=Application, bar=index_bar(progress))
    seconds = time.monotonic() - started
    rolled = 0.0
    if rollups:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics for the rows just written
        first = local_date(as_of) - dt.timedelta(days=HISTORY_DAYS + 1)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        rolled = rollup_rebuild(
            first=first, last=yesterday, progress=progress, workers=workers
        ).seconds
    index_seconds = seconds - (loaded - started) if deferred else 0.0
    return GenerateResult(applications, made, rows, seconds, rolled, index_seconds)


def _drawing(*, seed: int, as_of: dt.datetime) -> tuple[World, Days]:
    """What every chunk's drawer shares: the packs' scenarios and places, the calendar."""
    import random

    world = world_prepare(rng=random.Random(seed))
    first = local_date(as_of) - dt.timedelta(days=HISTORY_DAYS + 7)
    last = local_date(as_of) + dt.timedelta(days=_FUTURE_DAYS)
    calendar = calendar_load(since=first, until=last)
    try:
        days = Days(calendar, first=first, last=last)
    except CalendarNotConfigured as exc:
        raise ValueError(
            f"工作日历未配置{exc.year}年：生成的历史需要{first.year}年至{last.year}年的日历"
            "（运行 kuaiban calendar_seed，或在管理后台录入该年的放假安排）"
        ) from exc
    return world, days


@dataclass(frozen=True)
class _Chunks:
    drawing: tuple[World, Days]
    seed: int
    as_of: dt.datetime
    batch: int

    def write(
        self, chunks: Sequence[tuple[int, int]], advance: Callable[[int], object]
    ) -> tuple[int, int, int]:
        """Draw and write ``chunks`` ((number, sub-cases) each); applications, sub-cases and
        rows written. Chunk 0 is drawn from the seed itself, chunk n from "seed:n"; an
        application's number carries n × `CHUNK_SUBCASES` + its place in the chunk."""
        world, days = self.drawing
        applications = made = rows = 0
        with _large_page_cache():
            for number, size in chunks:
                drawer = Drawer(
                    world=world,
                    days=days,
                    seed=self.seed if number == 0 else f"{self.seed}:{number}",
                    as_of=self.as_of,
                    base_seed=self.seed,
                )
                done = index = 0
                while done < size:
                    drafts: list[Draft] = []
                    in_batch = 0
                    with collector_paused():  # plain rows, no cycles: see the function
                        while in_batch < self.batch and done + in_batch < size:
                            draft = drawer.application(
                                number * CHUNK_SUBCASES + index,
                                max_subcases=size - done - in_batch,
                            )
                            index += 1
                            in_batch += len(draft.subcases)
                            drafts.append(draft)
                        rows += _write(drafts)
                    done += in_batch
                    advance(in_batch)
                applications += index
                made += done
        return applications, made, rows


def _in_processes(
    plan: _Chunks, chunks: list[tuple[int, int]], workers: int, bar: ProgressBar
) -> tuple[int, int, int]:
    """``workers`` forked processes, each writing every ``workers``-th chunk on its own
    connection; the bar follows a shared counter of sub-cases written."""
    try:
        totals = in_processes(plan.write, chunks, workers, bar)
    except ValueError as exc:
        raise ValueError(f"{exc}，可用 --clear 删除已写入的部分") from exc
    return (
        sum(t[0] for t in totals),
        sum(t[1] for t in totals),
        sum(t[2] for t in totals),
    )


def _write(drafts: list[Draft]) -> int:
    """Parents first, so that the children's foreign keys are known (each table's ids are
    taken before its rows are written)."""
    with transaction.atomic():
        # Generated rows can be drawn again: no wait for the disk at each commit (a crash
        # loses the last batches, never consistency); a superuser's batch skips the foreign-key
        # checks, since every key is drawn by this generator or read from the world.
        fast_commit()
        groups: list[tuple[type[Model], Sequence[Row]]] = [
            (Application, [d.application for d in drafts]),
            (SubCase, [s for d in drafts for s in d.subcases]),
            (ApplicationMaterial, [m for d in drafts for m in d.materials]),
            (WindowVisit, [d.visit for d in drafts if d.visit]),
            (Rating, [r for d in drafts for r in d.ratings]),
            (RectificationTicket, [t for d in drafts for t in d.tickets]),
            (TicketStep, [s for d in drafts for s in d.steps]),
        ]
        for model, objects in groups:
            rows_write(model, objects)
    return sum(len(objects) for _, objects in groups)


@contextlib.contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, a bigger page cache while writing (this connection only)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def history_clear(*, batch: int = 5000, progress: TextIO | None = None) -> int:
    """Delete the generated applications and everything hanging from them; nothing else."""
    generated = Application.objects.filter(number__contains=NUMBER_MARK)
    bar = ProgressBar(label="删除办件", unit="件", total=generated.count(), stream=progress)
    deleted = 0
    while True:
        # Key-set paging on the primary key: each step is one index range, however large.
        pks = list(generated.order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            break
        with transaction.atomic():
            # Children first, each one DELETE: Django's collector need not load them.
            TicketStep.objects.filter(ticket__rating__application_id__in=pks).delete()
            TicketStep.objects.filter(ticket__rating__visit__application_id__in=pks).delete()
            RectificationTicket.objects.filter(rating__application_id__in=pks).delete()
            RectificationTicket.objects.filter(rating__visit__application_id__in=pks).delete()
            Rating.objects.filter(application_id__in=pks).delete()
            Rating.objects.filter(visit__application_id__in=pks).delete()
            WindowVisit.objects.filter(application_id__in=pks).delete()
            ApplicationMaterial.objects.filter(application_id__in=pks).delete()
            SubCase.objects.filter(application_id__in=pks).delete()
            Application.objects.filter(pk__in=pks).delete()
        deleted += len(pks)
        bar.advance(len(pks))
    bar.finish()
    rollups_clear()  # the pages read everything live until the roll-ups are rebuilt
    return deleted
