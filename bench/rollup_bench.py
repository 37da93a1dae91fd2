"""Benchmark of a roll-up rebuild: one month's day rows and its month row, with the roll-ups'
dimensions unconstrained in the database (as they are) against the same with their foreign-key
constraints put back (as they were), in turns.

    DATABASE_URL=postgres://…/kb_bench .venv/bin/python bench/rollup_bench.py \\
        [--month 2026-10] [--rounds 3]

The database is DATABASE_URL (PostgreSQL) holding a generated history, such as the one
`bench/supervision_bench.py --keep` leaves. Each round rebuilds the month twice, once each way,
the order alternating between rounds (A B, B A, …), and prints each build's time and how much
of it was the commit; then the medians and their ratio. A (the baseline): before the build,
each dimension of each roll-up table gets back the constraint it had (``FOREIGN KEY …
DEFERRABLE INITIALLY DEFERRED``, added ``NOT VALID`` so the rows already there are not checked,
while every row the build writes is), dropped again after it. B: the tables as they are.
The rebuild writes the same rows either way (its row count is printed for both).

Measured figures: docs/ARCHITECTURE.md (“Supervision at scale”, roll-up dimensions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", help="重建的月份 YYYY-MM（默认上上个月）")
    parser.add_argument("--rounds", type=int, default=3)
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
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL 应为 PostgreSQL")
    call_command("migrate", verbosity=0)


def _constraints() -> list[tuple[str, str, str]]:
    """(table, column, referenced table) of every dimension of every roll-up table."""
    from kuaiban.supervision.rollups.build import ROLLUPS

    return [
        (model._meta.db_table, field.column, field.related_model._meta.db_table)  # type: ignore[union-attr]
        for model in ROLLUPS
        for field in model._meta.concrete_fields
        if field.is_relation
    ]


def _constrained(on: bool) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for number, (table, column, target) in enumerate(_constraints()):
            name = quote(f"bench_rollup_fk_{number}")
            if on:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {name} FOREIGN KEY "
                    f"({quote(column)}) REFERENCES {quote(target)} (id) "
                    "DEFERRABLE INITIALLY DEFERRED NOT VALID"
                )
            else:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {name}")


def _rebuild(first: dt.date, last: dt.date) -> tuple[float, float, int]:
    """The month's day rows and month row rebuilt in one transaction: (seconds, of which the
    commit, rows written)."""
    from django.db import transaction

    from kuaiban.supervision.rollups.build import month_rollup, period_rollup

    started = time.perf_counter()
    with transaction.atomic():
        written = period_rollup(first, last)
        month_rollup(first)
        committing = time.perf_counter()
    done = time.perf_counter()
    return done - started, done - committing, written


def main() -> None:
    args = _arguments()
    _setup()
    from django.utils import timezone

    if args.month:
        first = dt.date.fromisoformat(f"{args.month}-01")
    else:
        this = timezone.localdate().replace(day=1)
        first = (this - dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    print(f"重建 {first:%Y-%m}（{first} 至 {last}）的日汇总与月汇总；A = 维度带外键约束，B = 现状")
    times: dict[str, list[float]] = {"A": [], "B": []}
    for number in range(args.rounds):
        for mode in ("A", "B") if number % 2 == 0 else ("B", "A"):
            _constrained(mode == "A")
            try:
                seconds, commit, written = _rebuild(first, last)
            finally:
                _constrained(False)
            times[mode].append(seconds)
            print(
                f"第 {number + 1} 轮 {mode}：{seconds:.2f} s（其中提交 {commit:.2f} s），"
                f"写入 {written:,} 行",
                flush=True,
            )
    a, b = statistics.median(times["A"]), statistics.median(times["B"])
    ratios = [y / x for x, y in zip(times["A"], times["B"], strict=True)]
    print(
        f"中位数：A {a:.2f} s，B {b:.2f} s，B÷A {b / a:.2f}"
        f"（逐轮：{'、'.join(f'{r:.2f}' for r in ratios)}）"
    )


if __name__ == "__main__":
    main()
