"""`kuaiban shareddata_facts_refresh`: write every person's row of the people's facts again.

The triggers keep the facts with every write; a bulk load writes its people's rows after it.
This is for a load that was killed between the two (its people have no rows yet), or after
restoring the people's tables from a backup taken without the facts."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from kuaiban.shareddata.facts import facts_refresh, people_key_span
from kuaiban.shareddata.progress import ProgressBar


class Command(BaseCommand):
    help = "按人员主键分段重写全部人员规则事实（人员、参保、死亡信息各一行），显示进度。"

    def handle(self, *args: object, **options: object) -> None:
        low, high = people_key_span(after=0)
        if low is None or high is None:
            self.stdout.write("没有人员，无需重写。")
            return
        bar = ProgressBar(label="人员规则事实", unit="人", total=high - low + 1, stream=sys.stderr)
        written = facts_refresh(span=(low, high), advance=bar.advance)
        bar.finish()
        self.stdout.write(f"已重写人员规则事实 {written:,} 行。")
