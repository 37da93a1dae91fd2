"""`kuaiban calendar_seed`: load every year the installed chinesecalendar package covers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kuaiban.calendar.services import calendar_seed_from_package


class Command(BaseCommand):
    help = (
        "从 chinesecalendar 数据包载入其覆盖的全部年份的节假日与调休日；"
        "可重复运行，不覆盖管理员录入的日期。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = calendar_seed_from_package()
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 chinesecalendar {result.version} 载入"
                f" {result.first_year}–{result.last_year} 年："
                f"新增 {result.created} 天，更新 {result.updated} 天，未变 {result.unchanged} 天，"
                f"保留管理员录入 {result.kept_admin} 天，移除 {result.removed} 天。"
            )
        )
