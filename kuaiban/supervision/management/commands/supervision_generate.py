"""`kuaiban supervision_generate --subcases N [--seed S]`: a year of synthetic history."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.calendar.arithmetic import SHANGHAI
from kuaiban.core.text import is_ascii_digits
from kuaiban.supervision.services import DEFER_INDEXES_FROM, history_clear, history_generate


def _positive(text: str) -> int:
    if not is_ascii_digits(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {text!r}")
    return int(text)


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，而不是 {text!r}"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = (
        "生成一年的合成办件历史（办件、子件及办理结果、材料、窗口服务、评价、差评整改工单），"
        "供监督统计演示和性能测试使用，可达百万子件。生成的办件编号带 G 标记，"
        "--clear 只删除生成的数据。需要已加载的政策包和覆盖该年份的工作日历。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--subcases", type=_positive, help="要生成的子件数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--batch", type=_positive, default=5000, help="每批（每个事务）约多少子件"
        )
        parser.add_argument(
            "--as-of",
            type=_moment,
            default=None,
            help="历史截止时间 YYYY-MM-DD[THH:MM]（北京时间，默认现在）；同一种子与截止时间生成相同数据",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=os.cpu_count() or 1,
            help="并行生成的进程数（PostgreSQL；默认为 CPU 核数，SQLite 总是 1）；"
            "同一种子不论进程数生成相同数据",
        )
        parser.add_argument("--clear", action="store_true", help="先删除以前生成的数据")
        parser.add_argument(
            "--no-rollups",
            action="store_true",
            help="生成后不重建监督统计日汇总（之后由工作进程逐步汇总，或运行 supervision_rollup）",
        )

        parser.add_argument(
            "--indexes",
            choices=("auto", "after", "keep"),
            default="auto",
            help="PostgreSQL：after 先删除办件各表的二级索引、写完再一次建好（大批量时更快）；"
            "keep 边写边维护；auto（默认）在子件不少于 "
            f"{DEFER_INDEXES_FROM:,} 个、且库中已有子件不到其百分之一时用 after",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcases"] is None and not options["clear"]:
            raise CommandError("请给出 --subcases N，或用 --clear 删除生成的数据")
        progress = options.get("stderr") or sys.stderr
        if options["clear"]:
            deleted = history_clear(batch=options["batch"], progress=progress)
            self.stdout.write(f"已删除生成的办件 {deleted:,} 件及其子件、材料、评价和工单。")
        if options["subcases"] is None:
            return
        try:
            result = history_generate(
                subcases=options["subcases"],
                seed=options["seed"],
                batch=options["batch"],
                as_of=options["as_of"],
                progress=progress,
                rollups=not options["no_rollups"],
                workers=options["workers"],
                defer_indexes={"auto": None, "after": True, "keep": False}[options["indexes"]],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        rate = result.subcases / result.seconds if result.seconds > 0 else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"生成办件 {result.applications:,} 件、子件 {result.subcases:,} 件，"
                f"共写入 {result.rows:,} 行；用时 {result.seconds:.1f} 秒"
                + (f"（其中建索引 {result.index_seconds:.1f} 秒）" if result.index_seconds else "")
                + f"，{rate:,.0f} 子件/秒"
                + (
                    f"；日汇总用时 {result.rollup_seconds:.1f} 秒。"
                    if result.rollup_seconds
                    else "。"
                )
            )
        )
