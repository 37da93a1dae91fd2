"""`kuaiban appointments_slots`: appointment slots at the halls and bank branches (or the points
named) for the days up to the N-th coming working day, half an hour each, inside each point's
own opening hours with its 延时/错时 hours (`servicepoints.hours`); existing slots are kept as
they are. `make demo` runs it so booking works out of the box."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kuaiban.appointments.services import appointments_sweep
from kuaiban.appointments.slotting import slots_for_hours
from kuaiban.servicepoints.models import PointKind, ServicePoint


class Command(BaseCommand):
    help = "按各网点的办理时间（含延时、错时服务）为大厅和银行网点生成今后若干个工作日的预约时段（已有的时段不变），并把已过时段的未签到预约记为爽约"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=10, help="工作日数（含今天），默认 10")
        parser.add_argument("--capacity", type=int, default=4, help="每个时段可预约人数，默认 4")
        parser.add_argument(
            "--points", default="", help="网点代码，逗号分隔；默认全部大厅和银行网点"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [c.strip() for c in options["points"].split(",") if c.strip()]
        points = ServicePoint.objects.filter(active=True)
        points = (
            points.filter(code__in=codes)
            if codes
            else points.filter(kind__in=[PointKind.HALL, PointKind.BANK])
        )
        result = slots_for_hours(
            points=list(points.order_by("code")),
            today=timezone.localdate(),
            working_days=max(0, options["days"]),
            capacity=options["capacity"],
        )
        for point, clauses in result.unread.items():
            self.stdout.write(
                f"{point}：未能识别的办理时间说明，未据此生成时段：{'；'.join(clauses)}"
            )
        swept = appointments_sweep()
        self.stdout.write(
            f"新增预约时段 {result.added} 个（{result.working_days} 个工作日，"
            f"{len(result.points)} 个网点）；记为爽约 {swept} 个"
        )
