"""`kuaiban shareddata_generate --people N`: fill the built-in source with synthetic data."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.core.text import is_ascii_digits
from kuaiban.shareddata.services import (
    DEFER_INDEXES_FROM,
    synthetic_clear,
    synthetic_generate,
)
from kuaiban.shareddata.synthetic.regions import DEFAULT_REGION_CODES, DISTRICTS


def _positive(text: str) -> int:
    if not is_ascii_digits(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "生成合成的共享数据（人员、参保、就业、失业、社保卡、单位），可从一千到一千万人。"
        "同一种子重复运行不会重复添加：已有的人员跳过，人数更大时接着生成；"
        "--clear 只删除生成的数据，演示数据与真实数据保留。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=_positive, help="要生成的人数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（非负整数，默认 1）")
        parser.add_argument(
            "--region-codes",
            default=",".join(DEFAULT_REGION_CODES),
            help=f"户籍地区代码，逗号分隔（默认 {','.join(DEFAULT_REGION_CODES)}；"
            f"可选 {','.join(sorted(DISTRICTS))}）",
        )
        parser.add_argument("--batch", type=_positive, default=5000, help="每批写入的人数")
        parser.add_argument(
            "--workers",
            type=_positive,
            default=1,
            help="PostgreSQL 上同时生成的进程数（COPY 写入；默认 1，可设为 CPU 核数）",
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="参考日期 YYYY-MM-DD，年龄与日期以此为准（默认今年1月1日）",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="同时生成每位参保人的月度缴费明细（养老、失业、工伤；每人最多数百行）",
        )
        parser.add_argument(
            "--indexes",
            choices=("auto", "after", "keep"),
            default="auto",
            help="PostgreSQL：after 先删除人员各表的二级索引、写完再一次建好（空表大批量时更快）；"
            "keep 边写边维护；auto（默认）在人员表为空且人数不少于 "
            f"{DEFER_INDEXES_FROM:,} 时用 after",
        )
        parser.add_argument("--clear", action="store_true", help="先删除全部生成的数据")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] is None and not options["clear"]:
            raise CommandError("请给出 --people N，或用 --clear 删除生成的数据")
        # Progress goes to the raw stream: \r redraws, and not styled as an error.
        progress = options.get("stderr") or sys.stderr
        if options["clear"]:
            cleared = synthetic_clear(batch=options["batch"], progress=progress)
            self.stdout.write(
                f"已删除生成的数据：人员 {cleared.people:,} 人，单位 {cleared.enterprises:,} 个。"
            )
        if options["people"] is None:
            return
        codes = [c.strip() for c in options["region_codes"].split(",") if c.strip()]
        try:
            result = synthetic_generate(
                people=options["people"],
                seed=options["seed"],
                region_codes=codes,
                batch=options["batch"],
                as_of=options["as_of"],
                progress=progress,
                workers=options["workers"],
                history=options["history"],
                defer_indexes={"auto": None, "after": True, "keep": False}[options["indexes"]],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        p, u = result.people, result.enterprises
        rate = (p.created + p.skipped) / result.seconds if result.seconds > 0 else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"新增人员 {p.created:,} 人（已存在跳过 {p.skipped:,}），记录 {p.records:,} 条；"
                f"新增单位 {u.created:,} 个（已存在跳过 {u.skipped:,}）；"
                f"用时 {result.seconds:.1f} 秒（其中建索引 {result.index_seconds:.1f} 秒），"
                f"{rate:,.0f} 人/秒。"
            )
        )
        if p.created and result.database_cpu:
            per = (result.generator_cpu + result.database_cpu) / p.created
            self.stdout.write(
                f"CPU：生成进程 {result.generator_cpu:.1f} 秒，数据库 {result.database_cpu:.1f} 秒，"
                f"每人 {per * 1e6:.0f} 微秒（两核全给本任务时约 {2 / per:,.0f} 人/秒）。"
            )
