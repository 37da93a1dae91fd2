"""Benchmark of the built-in shared-data source: generation rate and lookup latency.

    .venv/bin/python bench/shareddata_bench.py --people 100000 [--seed 1] [--batch 5000]
                                               [--lookups 2000] [--keep]

The database is a scratch SQLite file under /tmp (removed afterwards unless --keep), or
DATABASE_URL when it is set (migrated; afterwards every generated row — ``generated=True``,
also from earlier runs — is deleted unless --keep; other rows are never touched). Prints people and rows per second for generation, and the median / p95 / max
latency of LocalConnector lookups (found people, unknown people, units).
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


if __name__ == "__main__":
    raise SystemExit(main())
