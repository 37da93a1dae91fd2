"""`kuaiban commitments_demo`: the demo's applications with 告知承诺 (after the shared data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kuaiban.commitments.demo import commitments_demo


class Command(BaseCommand):
    help = "演示：以告知承诺提交的办件及其核查、待复核的高风险决定（可重复运行，已有的不再提交）。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = commitments_demo(today=timezone.localdate())
        for application in made.applications:
            self.stdout.write(f"告知承诺办件 {application.number}（{application.applicant_name}）")
        for check in made.checks:
            self.stdout.write(
                f"  核查：{check.material_name}，{check.get_method_display()}，"
                f"{check.get_status_display()}，期限 {timezone.localtime(check.due_at):%Y-%m-%d}"
            )
        if made.reviews:
            self.stdout.write(f"待第二人复核的高风险决定 {made.reviews} 件")
        if not made.applications:
            self.stdout.write("告知承诺演示办件已存在，未再提交。")
