"""`kuaiban supervision_rollup [--from D --to D [--workers N]] [--clear]`: the supervision
roll-ups."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kuaiban.supervision.rollups.refresh import rollup_rebuild, rollup_refresh, rollups_clear


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为 YYYY-MM-DD，而不是 {text!r}") from exc


class Command(BaseCommand):
    help = (
        "监督统计日汇总：不带参数时做一轮增量更新（汇总新结束的日期、重算有变更的日期，"
        "工作进程每几分钟自动运行）；--from/--to 重建一段过去的日期（显示进度）；"
        "--clear 删除全部汇总（统计页随即全部实时计算）。今天的数据总是实时读取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=_date, help="重建的第一天 YYYY-MM-DD")
        parser.add_argument(
            "--to", dest="last", type=_date, help="重建的最后一天（默认昨天）YYYY-MM-DD"
        )
        parser.add_argument("--clear", action="store_true", help="删除全部汇总")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="重建时的并行进程数（PostgreSQL；每个进程汇总其中的部分日期）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = options.get("stderr") or sys.stderr
        if options["clear"]:
            rollups_clear()
            self.stdout.write("已删除全部汇总。")
            return
        first, last = options["first"], options["last"]
        if options["workers"] < 1:
            raise CommandError("--workers 应为正整数")
        if last is not None and first is None:
            raise CommandError("给出 --to 时请同时给出 --from")
        if first is None:
            result = rollup_refresh(progress=progress)
        else:
            yesterday = timezone.localdate() - dt.timedelta(days=1)
            last = min(last or yesterday, yesterday)
            if last < first:
                raise CommandError("--to 不能早于 --from，且只能汇总到昨天（今天实时读取）")
            result = rollup_rebuild(
                first=first, last=last, progress=progress, workers=options["workers"]
            )
        self.stdout.write(self.style.SUCCESS(str(result)))
