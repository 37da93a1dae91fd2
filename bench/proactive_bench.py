"""Benchmark of 免申即办 runs: preview counts, a full run, a re-run, Python vs SQL, agreement.

    DATABASE_URL=postgres://…/kb_proactive_bench .venv/bin/python bench/proactive_bench.py \\
        [--people N] [--workers 2] [--sample 100000] [--chunk 500000]

The database is DATABASE_URL (PostgreSQL; migrated). When it holds fewer than N generated
people, `shareddata_generate` adds them first (COPY, --workers processes). Then, for the
shipped person rules (packs/proactive/rules.yaml), it prints:
- the preview counts of all the rules in one scan of the people, --preview-runs times before
  the runs and again after them, with the median and the slowest (≤ 3 s at 10M is the goal);
  the people's tables are vacuumed first, as autovacuum leaves them after a load;
- a full run of every rule, writing durable, de-duplicated offers (goal ≤ 60 s), and a re-run
  that finds nothing new (goal ≤ 30 s);
- every rule evaluated per person in Python (as the explanation does) over --sample people,
  beside one SQL scan of the same people evaluating every rule, paired A B A B, their ratio
  (goal ≥ 50×), and the number of people on which the two readings disagree (goal 0).
Offers and runs written by the benchmark are deleted at the end unless --keep.

Measured figures and the goals beside them: docs/ARCHITECTURE.md (“免申即办 at scale”).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument(
        "--preview-runs", type=int, default=3, help="预览计数在比对前、后各计时几次"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument(
        "--run-workers", type=int, default=2, help="同时执行分片的进程数（如同几个发件箱进程）"
    )
    parser.add_argument("--rounds", type=int, default=2, help="Python/SQL 成对比较的轮数")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def _setup() -> None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuaiban.settings"
    os.environ.setdefault("KUAIBAN_LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL"):
        sys.exit("请设置 DATABASE_URL（PostgreSQL）")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(label: str, work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s（负载 {_load()}）", flush=True)
    return result, seconds


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def _chunks_in_processes(groups: list[list[int]], *, workers: int) -> None:
    """Execute the chunk groups (one outbox message each) on ``workers`` forked processes,
    each taking every workers-th."""
    import multiprocessing

    from django.db import connections

    from kuaiban.core.forked import connections_set_aside
    from kuaiban.proactive.services.runs import chunks_execute

    if workers <= 1:
        for group in groups:
            chunks_execute(chunk_ids=group)
        return
    connections.close_all()

    def take(share: list[list[int]]) -> None:
        connections_set_aside()
        for group in share:
            chunks_execute(chunk_ids=group)
        connections.close_all()

    context = multiprocessing.get_context("fork")
    children = [context.Process(target=take, args=(groups[i::workers],)) for i in range(workers)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    if any(child.exitcode for child in children):
        raise SystemExit("比对进程异常退出")


def _sizes() -> str:
    from django.db import connection

    from kuaiban.proactive.models import Offer
    from kuaiban.shareddata.models import DeathRecord, InsuranceRecord, Person

    parts = []
    with connection.cursor() as cursor:
        for model in (Person, InsuranceRecord, DeathRecord, Offer):
            table = model._meta.db_table
            cursor.execute(
                "SELECT reltuples::bigint, pg_total_relation_size(oid) FROM pg_class "
                "WHERE oid = %s::regclass",
                [table],
            )
            rows, size = cursor.fetchone()
            parts.append(f"{table} ≈{max(rows, 0):,} 行 {size / 2**20:,.0f} MB")
    return "；".join(parts)


def main() -> None:
    args = _arguments()
    _setup()
    from django.db.models import Max, Min, Q
    from django.utils import timezone

    from kuaiban.accounts.models import Role, User
    from kuaiban.proactive.engine import preview_counts
    from kuaiban.proactive.models import Offer, ProactiveRun, RuleVersion, VersionStatus
    from kuaiban.proactive.services.rules import rule_approve, rule_publish, rules_load
    from kuaiban.proactive.services.runs import runs_chunk_groups, runs_start
    from kuaiban.proactive.verification import python_eligible_many, sql_eligible_many
    from kuaiban.shareddata.bulk import tables_analyze
    from kuaiban.shareddata.models import Person
    from kuaiban.shareddata.services import synthetic_generate

    have = Person.objects.filter(generated=True).count()
    if have < args.people:
        print(f"生成人员：已有 {have:,}，补足到 {args.people:,}")
        result = synthetic_generate(
            people=args.people,
            workers=args.workers,
            progress=sys.stderr,
            as_of=timezone.localdate(),
        )
        created = max(result.people.created, 1)
        per = (result.generator_cpu + result.database_cpu) / created
        print(
            f"生成 {result.people.created:,} 人用时 {result.seconds:.1f} s，"
            f"{result.people.created / max(result.seconds, 1e-9):,.0f} 人/秒；"
            f"CPU 生成 {result.generator_cpu:.0f} s + 数据库 {result.database_cpu:.0f} s，"
            f"每人 {per * 1e6:.0f} µs：两核空闲时 1000 万人约 {per * 10_000_000 / 2 / 60:.1f} 分钟"
        )
    tables_analyze()  # as the bulk load does: plans need the tables' real sizes
    _timed("清理人员表（设置可见性映射，如自动清理在装载后所做）", _people_vacuum)
    total = Person.objects.count()
    print(f"人员 {total:,} 人；{_sizes()}")

    author, _ = User.objects.get_or_create(username="bench-author", defaults={"role": Role.ADMIN})
    reviewer, _ = User.objects.get_or_create(
        username="bench-reviewer", defaults={"role": Role.ADMIN}
    )
    rules_path = Path(__file__).resolve().parent.parent / "packs" / "proactive" / "rules.yaml"
    for loaded in rules_load(actor=author, path=rules_path):
        if loaded.version.status == VersionStatus.DRAFT:
            rule_publish(
                actor=reviewer, version=rule_approve(actor=reviewer, version=loaded.version)
            )
    versions = [
        v
        for v in RuleVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("rule")
        if v.definition["target"] == "person"
    ]
    rules = [v.definition for v in versions]
    today = timezone.localdate()
    print(f"规则 {len(rules)} 条（个人）：{'、'.join(r['code'] for r in rules)}")

    def previews(when: str) -> list[float]:
        times = []
        for number in range(1, args.preview_runs + 1):
            counts, seconds = _timed(
                f"预览计数（一次扫描，{when}第 {number} 次）",
                lambda: preview_counts(rules, on=today),
            )
            times.append(seconds)
        for code, count in counts.items():
            print(f"  {code}: {count:,}")
        return times

    preview_times = previews("比对前")

    Offer.objects.filter(rule_code__in=[r["code"] for r in rules]).delete()
    _offers_vacuum()

    def run_all() -> int:
        # Every rule's run is started together, then their chunks (one message per range,
        # every rule of the range in one scan) are taken by --run-workers processes at once,
        # as that many outbox workers would take them (`chunk_deliver`).
        runs = runs_start(actor=author, versions=versions, chunk_size=args.chunk)
        _chunks_in_processes(runs_chunk_groups(runs), workers=args.run_workers)
        created = 0
        for run in runs:
            run.refresh_from_db()
            if run.chunks_done != run.chunks_total:
                raise SystemExit(f"比对未完成：{run.pk} {run.chunks_done}/{run.chunks_total}")
            created += run.created
        return created

    created, full = _timed("全量比对（写入去重的服务）", run_all)
    print(f"  新生成 {created:,}；{_sizes()}")
    again, rerun = _timed("重跑（无新增）", run_all)
    print(f"  新生成 {again:,}")
    # Again once offers exist and the runs' reads have passed through the page cache: the
    # preview is counted whenever a rule is published, not only on a fresh database.
    preview_times += previews("比对后")
    preview = statistics.median(preview_times)
    print(
        f"预览：中位数 {preview:.2f} s，最慢 {max(preview_times):.2f} s"
        f"（{len(preview_times)} 次：{'、'.join(f'{t:.2f}' for t in preview_times)}）"
    )

    # Python vs SQL, fairly: the same rows (a primary-key range of --sample people), every
    # rule on both sides, each side reading the rows once — SQL in one scan with one boolean
    # per rule, Python evaluating each rule per person as the explanation does. Paired runs,
    # A B A B, so the machine's load falls on both alike.
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    span = bounds["high"] - bounds["low"] + 1
    where = Q(pk__gte=bounds["low"], pk__lt=bounds["low"] + min(span, args.sample))
    sample_size = Person.objects.filter(where).count()
    python_times, sql_times = [], []
    disagreements = 0
    for _round in range(args.rounds):
        found_sql, s = _timed(
            "  SQL（一次扫描，全部规则）", lambda: sql_eligible_many(rules, on=today, where=where)
        )
        found_py, p = _timed(
            "  Python（逐人逐条）", lambda: python_eligible_many(rules, on=today, where=where)
        )
        sql_times.append(s)
        python_times.append(p)
        disagreements = sum(len(found_sql[c] ^ found_py[c]) for c in found_sql)
    python_seconds, sql_seconds = min(python_times), min(sql_times)
    for code, found in found_sql.items():
        print(f"  {code}: {len(found):,}")
    ratios = [p / max(s, 1e-9) for p, s in zip(python_times, sql_times, strict=True)]
    print(
        f"抽样 {sample_size:,} 人：Python 逐人 {python_seconds:.2f} s，SQL {sql_seconds:.2f} s"
        f"（各取最快一次），比值 {python_seconds / max(sql_seconds, 1e-9):.0f}×"
        f"（逐对：{'、'.join(f'{r:.0f}×' for r in ratios)}）；不一致 {disagreements}"
    )
    per_person = python_seconds / max(sample_size, 1)
    print(
        f"按抽样推算 Python 逐人评估全部 {total:,} 人约 {per_person * total:.0f} s，"
        f"全量比对 {full:.1f} s，比值 {per_person * total / max(full, 1e-9):.0f}×"
    )
    print(
        f"汇总：人数 {total:,}；预览 {preview:.2f} s；全量 {full:.2f} s；重跑 {rerun:.2f} s；不一致 {disagreements}"
    )
    if not args.keep:
        Offer.objects.filter(run__requested_by=author).delete()
        ProactiveRun.objects.filter(requested_by=author).delete()
        _offers_vacuum()


def _people_vacuum() -> None:
    """The tables the person rules read, as autovacuum leaves them after a load: their
    visibility maps set, so a run's index-only scans of the covering indexes (shareddata/0006,
    0008) read no table page, and the hint bits of the people's facts (the preview's table)
    set, so the first preview does not write every page of it. A server with autovacuum off
    (as a benchmark machine's may be) would otherwise fetch every row from the table; on a
    vacuumed table this costs a read of the visibility map."""
    from django.db import connection

    from kuaiban.shareddata.models import DeathRecord, InsuranceRecord, Person, PersonFacts

    models = (Person, InsuranceRecord, DeathRecord, PersonFacts)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def _offers_vacuum() -> None:
    """The offers an earlier benchmark run deleted, gone from the table and its indexes: their
    dead entries carry the very keys the next first run writes, and each insert's check of the
    unique indexes then visits them (a first run at 10 M on such a table took 69 s, on a
    vacuumed one 45–47 s). A province's first run of a period meets live offers of
    earlier periods, never dead ones of its own keys."""
    from django.db import connection

    from kuaiban.proactive.models import Offer

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Offer._meta.db_table)}")


if __name__ == "__main__":
    main()
