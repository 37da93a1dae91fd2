"""Runs: one published rule version over one period, in primary-key chunks that any number of
workers take through the outbox; and the event triggers, checked on every worker cycle.

Runs started together (`runs_start`, e.g. every published rule) share their chunks' ranges:
one outbox message per range takes the chunks of all those runs, and their rules are
evaluated in one scan of the range (`engine.offers_insert_many`).

A message's offers, its chunks' `done` marks and the runs' counters are written in one
transaction: a worker killed mid-chunk leaves nothing of it, its lease runs out and another
worker takes the chunk again; a chunk delivered twice finds itself done (or adds nothing: the
unique constraints on `Offer`). That is how a killed run resumes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, Sum
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.proactive.engine import (
    offer_terms,
    offers_insert,
    offers_insert_many,
    subject_model,
)
from kuaiban.proactive.models import (
    Offer,
    ProactiveRun,
    RuleVersion,
    RunChunk,
    RunStatus,
    RunTrigger,
    VersionStatus,
)
from kuaiban.proactive.periods import period_as_of, period_for, period_hint
from kuaiban.shareddata.models import DeathRecord

DEFAULT_CHUNK = 50_000
# How far before the last event run a death record may be stamped and still be committed after
# it: longer than a transaction of the data exchange that writes death records. (A record in
# this window that no rule takes is looked at again by the cycles within it: a run adding 0.)
TRIGGER_OVERLAP = dt.timedelta(minutes=2)
_EVENT_BATCH = 50_000  # death records one event run takes (the rest: the next cycle)


def _chunk_size() -> int:
    return int(getattr(settings, "KUAIBAN_PROACTIVE_CHUNK", DEFAULT_CHUNK))


def run_start(
    *, actor: User | None, version: RuleVersion, period: str, chunk_size: int | None = None
) -> ProactiveRun:
    """A run of ``version`` for ``period``: its chunks are queued in the outbox at once."""
    (run,) = _runs_start(actor=actor, wanted=[(version, period)], chunk_size=chunk_size)
    return run


def runs_start(
    *, actor: User | None, versions: Sequence[RuleVersion], chunk_size: int | None = None
) -> list[ProactiveRun]:
    """A run of each version for its current period, started together: their chunks cover the
    same primary-key ranges, and one outbox message per range takes every rule of a target
    there in one scan (`engine.offers_insert_many`), in the order given (which also decides
    between two rules of one exclusion group, as the order of two runs would)."""
    today = timezone.localdate()
    wanted = [(v, period_for(v.definition["period"], today)) for v in versions]
    return _runs_start(actor=actor, wanted=wanted, chunk_size=chunk_size)


def _runs_start(
    *,
    actor: User | None,
    wanted: Sequence[tuple[RuleVersion, str]],
    chunk_size: int | None,
) -> list[ProactiveRun]:
    if actor is not None and actor.role != Role.ADMIN:
        raise ApiError("只有管理员可以启动比对", code="forbidden", status=403)
    today = timezone.localdate()
    as_of: dict[int, dt.date] = {}
    for version, period in wanted:
        if version.status != VersionStatus.PUBLISHED:
            raise Unprocessable(
                "只有已发布的规则版本可以比对", fields={"rule": ["该规则没有已发布的版本"]}
            )
        on = period_as_of(version.definition["period"], period, today=today)
        if on is None:
            hint = period_hint(version.definition["period"])
            raise Unprocessable("期间格式不符", fields={"period": [f"该规则的期间应为 {hint}"]})
        as_of[version.pk] = on
    size = chunk_size or _chunk_size()
    bounds = {}
    for target in {version.definition["target"] for version, _ in wanted}:
        model = subject_model({"target": target})
        bounds[target] = model._default_manager.aggregate(low=Min("pk"), high=Max("pk"))
    with transaction.atomic():
        runs, ranges = [], defaultdict(list)  # (target, number) → the runs' chunks there
        for version, period in wanted:
            run = ProactiveRun.objects.create(
                version=version,
                period=period,
                as_of=as_of[version.pk],
                requested_by=actor,
                data_as_of=timezone.now(),
            )
            target = version.definition["target"]
            low, high = bounds[target]["low"], bounds[target]["high"]
            chunks = []
            if low is not None:
                for number, start in enumerate(range(low, high + 1, size)):
                    chunks.append(RunChunk(run=run, number=number, low=start, high=start + size))
            RunChunk.objects.bulk_create(chunks)
            for chunk in RunChunk.objects.filter(run=run):
                ranges[target, chunk.number].append(chunk.pk)
            ProactiveRun.objects.filter(pk=run.pk).update(chunks_total=len(chunks))
            if not chunks:
                _runs_finish([run.pk])
            audit_record(
                actor=actor,
                action=AuditAction.PROACTIVE_RUN_START,
                object_type="proactive_run",
                object_id=str(run.pk),
                changes={"rule": version.rule.code, "version": version.number, "period": period},
            )
            runs.append(run)
        for ids in ranges.values():
            outbox_enqueue(
                kind=OutboxKind.PROACTIVE_CHUNK,
                key=f"proactive-chunk-{ids[0]}",
                payload={"chunks": ids},
            )
    for run in runs:
        run.refresh_from_db()
    return runs


def runs_chunk_groups(runs: Sequence[ProactiveRun]) -> list[list[int]]:
    """The chunks not yet done of runs started together, grouped by range as their outbox
    messages hold them (to execute them in place: the demo, tests and the benchmark)."""
    groups: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
    chunks = RunChunk.objects.filter(run__in=runs, done=False).select_related("run__version")
    for chunk in chunks.order_by("pk"):
        groups[chunk.run.version.definition["target"], chunk.number].append(chunk.pk)
    return list(groups.values())


def chunk_execute(*, chunk_id: int) -> str:
    """Evaluate one chunk (see `chunks_execute`)."""
    return chunks_execute(chunk_ids=[chunk_id])


def chunks_execute(*, chunk_ids: Sequence[int]) -> str:
    """Evaluate the chunks of one primary-key range (one per run started together) in one
    scan: their offers, done marks and runs' counters, all or nothing."""
    with transaction.atomic():
        chunks = list(
            RunChunk.objects.select_related("run__version").filter(pk__in=chunk_ids).order_by("pk")
        )
        if not chunks:
            return "分片不存在（批次已删除）"
        todo = [chunk for chunk in chunks if not chunk.done]
        if not todo:
            return "分片已完成"
        if len({(chunk.low, chunk.high) for chunk in todo}) != 1:
            raise ValueError("chunks_execute: chunks of one primary-key range only")
        batch = [
            (
                chunk.run.version.definition,
                offer_terms(
                    version_id=chunk.run.version_id,
                    run_id=chunk.run_id,
                    period=chunk.run.period,
                    eligible_on=chunk.run.as_of,
                ),
            )
            for chunk in todo
        ]
        counts = offers_insert_many(batch, span=(todo[0].low, todo[0].high))
        eligible = created = 0
        for chunk, (found, added) in zip(todo, counts, strict=True):
            marked = RunChunk.objects.filter(pk=chunk.pk, done=False).update(
                done=True, eligible=found, created=added, done_at=timezone.now()
            )
            if not marked:  # another worker finished it meanwhile: this transaction adds nothing
                transaction.set_rollback(True)
                return "分片已由其他进程完成"
            ProactiveRun.objects.filter(pk=chunk.run_id).update(
                chunks_done=F("chunks_done") + 1,
                eligible=F("eligible") + found,
                created=F("created") + added,
            )
            eligible, created = eligible + found, created + added
        complete = ProactiveRun.objects.filter(
            pk__in=[chunk.run_id for chunk in todo], chunks_done__gte=F("chunks_total")
        )
        _runs_finish(list(complete.values_list("pk", flat=True)))
    numbers = "、".join(sorted({str(chunk.number) for chunk in todo}))
    return f"分片 {numbers}（{len(todo)} 条规则）：符合条件 {eligible}，新生成 {created}"


# Runs that wrote at least this many offers refresh the offers' planner statistics.
_ANALYZE_FROM = 10_000


def _runs_finish(run_ids: Sequence[int]) -> None:
    finished = [
        run_id
        for run_id in run_ids
        if ProactiveRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.DONE, finished_at=timezone.now()
        )
    ]
    if finished and connection.vendor == "postgresql":
        created = ProactiveRun.objects.filter(pk__in=finished).aggregate(n=Sum("created"))["n"]
        if created >= _ANALYZE_FROM:
            # Else the next run plans on the statistics of before (one offer where there are a
            # million): the already-offered check of `offers_insert` hashed every offer of
            # the rule for each chunk instead of probing the index per eligible subject (3.0 s
            # a chunk against 2.1 s at 4.5 million people).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Offer._meta.db_table)}")
    for run_id in finished:
        outbox_enqueue(
            kind=OutboxKind.PROACTIVE_NOTIFY,
            key=f"proactive-notify-run-{run_id}",
            payload={"run": run_id},
        )


def chunk_deliver(message: OutboxMessage) -> str:
    """The outbox handler of `proactive.chunk` (``chunk``: a message queued before runs
    started together shared their chunks)."""
    payload = message.payload
    ids = payload["chunks"] if "chunks" in payload else [payload["chunk"]]
    return chunks_execute(chunk_ids=[int(i) for i in ids])


# ---------------------------------------------------------------------------------------------
# Event triggers: a new death record, a birthday reaching the retirement age
# ---------------------------------------------------------------------------------------------


def _event_run(version: RuleVersion, *, now: dt.datetime, where: Q) -> ProactiveRun:
    rule = version.definition
    today = timezone.localdate(now)
    with transaction.atomic():
        run = ProactiveRun.objects.create(
            version=version,
            period=period_for(rule["period"], today),
            as_of=today,
            trigger=RunTrigger.EVENT,
            data_as_of=now,
        )
        terms = offer_terms(
            version_id=version.pk, run_id=run.pk, period=run.period, eligible_on=today
        )
        eligible, created = offers_insert(rule, terms=terms, where=where)
        ProactiveRun.objects.filter(pk=run.pk).update(eligible=eligible, created=created)
        _runs_finish([run.pk])
    run.refresh_from_db()
    return run


def triggers_sweep(*, now: dt.datetime | None = None) -> list[ProactiveRun]:
    """Run the event-triggered rules on what changed since their last event run.

    `death_record`: the people whose death record arrived since then (by `recorded_at`),
    looking `TRIGGER_OVERLAP` further back: a record stamped before the last run's time but
    committed after it (a long transaction at the data exchange) is still found, and one that
    already has its offer is left out, so a late commit is never missed and nothing repeats.
    `retirement_age`: once a day, the whole rule — who reaches the age changes with the date,
    and the set-based run with its unique constraint adds only the newcomers.
    """
    now = now or timezone.now()
    runs = []
    published = RuleVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("rule")
    for version in published:
        trigger = version.definition.get("trigger")
        if trigger not in ("death_record", "retirement_age"):
            continue
        last = version.runs.filter(trigger=RunTrigger.EVENT).order_by("-data_as_of").first()
        if trigger == "death_record":
            since = (last.data_as_of if last else version.published_at or now) - TRIGGER_OVERLAP
            fresh = _deaths_without_offer(version, since=since, now=now)
            if fresh:
                runs.append(_event_run(version, now=now, where=Q(death__pk__in=fresh)))
        elif last is None or last.as_of < timezone.localdate(now):
            runs.append(_event_run(version, now=now, where=Q()))
    return runs


def _deaths_without_offer(
    version: RuleVersion, *, since: dt.datetime, now: dt.datetime
) -> list[int]:
    offered = Offer.objects.filter(rule_code=version.rule.code).values("about_key")
    return list(
        DeathRecord.objects.filter(recorded_at__gt=since, recorded_at__lte=now)
        .exclude(person__id_number__in=offered)
        .values_list("pk", flat=True)[:_EVENT_BATCH]
    )
