"""Benchmark of the built-in shared-data source: generation rate and lookup latency.

    .venv/bin/python bench/shareddata_bench.py --people 100000 [--seed 1] [--batch 5000]
                                               [--lookups 2000] [--keep]
                                               [--paired 2 --workers 2] [--history-sample 2000]

The database is a scratch SQLite file under /tmp (removed afterwards unless --keep), or
DATABASE_URL when it is set (migrated; afterwards every generated row — ``generated=True``,
also from earlier runs — is deleted unless --keep; other rows are never touched). Prints people and rows per second for generation, and the median / p95 / max
latency of LocalConnector lookups (found people, unknown people, units).

With --paired R (PostgreSQL, a database whose shared-data tables hold generated rows only):
R rounds of A B — A loads the people into the emptied tables and builds the secondary indexes
after (`--indexes after`), B keeps them during the load (`--indexes keep`), the baseline —
printing for each the wall time, the CPU of the generating processes and of PostgreSQL per
person, the 10-million extrapolation on two idle cores, their medians and the ratio B/A.
--history-sample N also draws N people with their month-by-month contributions (`--history`)
and prints the CPU a person then costs, for the 10-million question.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MAX_LOOKUPS = 100_000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--lookups", type=int, default=2000, help=f"每类查询次数（≤{MAX_LOOKUPS}）")
    parser.add_argument("--keep", action="store_true", help="保留数据库与生成的数据")
    parser.add_argument("--paired", type=int, default=0, help="A（写后建索引）B（边写边建）轮数")
    parser.add_argument("--workers", type=int, default=2, help="--paired 时的生成进程数")
    parser.add_argument("--history-sample", type=int, default=0, help="带月度缴费明细生成的人数")
    args = parser.parse_args()
    if args.people < 1 or not 1 <= args.lookups <= MAX_LOOKUPS:
        parser.error(f"--people ≥ 1, 1 ≤ --lookups ≤ {MAX_LOOKUPS}")
    return args


def _database() -> Path | None:
    """Point Django at the database to use; the scratch directory to remove, if any."""
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuaiban.settings"
    os.environ.setdefault("KUAIBAN_LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL"):
        return None
    scratch = Path(tempfile.mkdtemp(prefix="kuaiban-bench-", dir="/tmp"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    return scratch


def _latencies(keys: list[str], lookup: Callable[[str], object]) -> list[float]:
    for key in keys[:20]:  # warm caches and the connection
        lookup(key)
    timings = []
    for key in keys:
        started = time.perf_counter()
        lookup(key)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _report(label: str, timings: list[float]) -> None:
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    print(
        f"  {label}  n={len(timings):,}  中位数 {statistics.median(timings):7.3f} ms"
        f"  p95 {p95:7.3f} ms  最大 {max(timings):7.3f} ms"
    )


def main() -> int:
    args = _arguments()
    scratch = _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kuaiban.shareddata.connectors import LocalConnector
    from kuaiban.shareddata.services import synthetic_as_of, synthetic_clear, synthetic_generate
    from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES
    from kuaiban.shareddata.synthetic.source import Synthesizer, enterprises_needed

    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if args.paired:
        _paired(args)
        return 0
    try:
        result = synthetic_generate(
            people=args.people, seed=args.seed, batch=args.batch, progress=sys.stderr
        )
        p, u = result.people, result.enterprises
        rows = p.created + p.records + u.created
        print(
            f"生成：人员 {p.created:,}（跳过 {p.skipped:,}），单位 {u.created:,}，共 {rows:,} 行，"
            f"用时 {result.seconds:.1f} 秒"
        )
        print(
            f"  {p.created / result.seconds:,.0f} 人/秒，{rows / result.seconds:,.0f} 行/秒"
            f"（批大小 {args.batch}）"
        )
        synth = Synthesizer(
            seed=args.seed, region_codes=DEFAULT_REGION_CODES, as_of=synthetic_as_of()
        )
        stranger = Synthesizer(
            seed=args.seed + 1_000_003, region_codes=DEFAULT_REGION_CODES, as_of=synthetic_as_of()
        )
        rng = random.Random(args.seed)
        people = [synth.id_number(rng.randrange(args.people)) for _ in range(args.lookups)]
        unknown = [stranger.id_number(rng.randrange(args.people)) for _ in range(args.lookups)]
        units = enterprises_needed(args.people)
        codes = [synth.credit_code(rng.randrange(units)) for _ in range(args.lookups)]
        local = LocalConnector()
        print("LocalConnector 查询延迟：")
        _report("人员（在册）", _latencies(people, local.person))
        _report("人员（查无）", _latencies(unknown, local.person))
        _report("单位（在册）", _latencies(codes, local.enterprise))
    finally:
        if scratch is not None and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        elif scratch is None and not args.keep:
            synthetic_clear(batch=args.batch)
    return 0


def _truncate() -> None:
    """Empty the shared-data tables, which hold generated rows only (checked)."""
    from django.db import connection

    from kuaiban.shareddata.bulk import generated_models
    from kuaiban.shareddata.models import Enterprise, Person

    if Person.objects.filter(generated=False).exists() or (
        Enterprise.objects.filter(generated=False).exists()
    ):
        sys.exit("--paired 需要只含生成数据的数据库（会清空共享数据表）")
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in generated_models())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _paired(args: argparse.Namespace) -> None:
    from django.db import connection

    from kuaiban.shareddata.services import synthetic_generate

    if connection.vendor != "postgresql":
        sys.exit("--paired：仅 PostgreSQL")
    modes = {"A 写后建索引": True, "B 边写边建（基线）": False}
    figures: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    for _round in range(args.paired):
        for mode, defer in modes.items():
            _truncate()
            result = synthetic_generate(
                people=args.people,
                seed=args.seed,
                batch=args.batch,
                workers=args.workers,
                defer_indexes=defer,
                progress=sys.stderr,
            )
            created = max(result.people.created, 1)
            per = (result.generator_cpu + result.database_cpu) / created
            figures[mode].append((result.seconds, per))
            print(
                f"  {mode}：{created:,} 人，用时 {result.seconds:.1f} s"
                f"（建索引 {result.index_seconds:.1f} s），{created / result.seconds:,.0f} 人/秒；"
                f"CPU 生成 {result.generator_cpu / created * 1e6:.0f} µs"
                f" + 数据库 {result.database_cpu / created * 1e6:.0f} µs = {per * 1e6:.0f} µs/人"
            )
    medians = {
        mode: (statistics.median(w for w, _ in rows), statistics.median(p for _, p in rows))
        for mode, rows in figures.items()
    }
    for mode, (wall, per) in medians.items():
        print(
            f"{mode}：中位数 {wall:.1f} s，{per * 1e6:.0f} µs/人；"
            f"两核空闲时 1000 万人约 {per * 10_000_000 / 2 / 60:.1f} 分钟（按 CPU 推算）"
        )
    (a_wall, _), (b_wall, _) = medians.values()
    print(f"比值 B/A（墙钟中位数）：{b_wall / max(a_wall, 1e-9):.2f}×")
    if args.history_sample:
        _truncate()
        result = synthetic_generate(
            people=args.history_sample, seed=args.seed, history=True, progress=sys.stderr
        )
        created = max(result.people.created, 1)
        per = (result.generator_cpu + result.database_cpu) / created
        print(
            f"含月度缴费明细：{created:,} 人 {result.people.records:,} 条记录"
            f"（每人 {result.people.records / created:.0f} 条），{per * 1e6:,.0f} µs/人；"
            f"1000 万人约 {per * 10_000_000 / 2 / 3600:.1f} 小时（两核，按 CPU 推算）"
        )
    if not args.keep:
        _truncate()
    print(f"uptime：{os.popen('TZ=UTC uptime').read().strip()}")


if __name__ == "__main__":
    raise SystemExit(main())
