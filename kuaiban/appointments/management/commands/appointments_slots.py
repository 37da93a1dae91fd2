"""`kuaiban appointments_slots`: appointment slots for the coming working days at the halls and
bank branches (or the points named), half an hour each, in the office hours; existing slots are
kept as they are. `make demo` runs it so booking works out of the box."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kuaiban.appointments.models import WindowType
from kuaiban.appointments.services import appointments_sweep, slots_generate
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import is_working_day
from kuaiban.servicepoints.models import PointKind, ServicePoint

MORNING = [
    (dt.time(9, 0), dt.time(9, 30)),
    (dt.time(9, 30), dt.time(10, 0)),
    (dt.time(10, 0), dt.time(10, 30)),
    (dt.time(10, 30), dt.time(11, 0)),
    (dt.time(11, 0), dt.time(11, 30)),
]
AFTERNOON = [
    (dt.time(13, 30), dt.time(14, 0)),
    (dt.time(14, 0), dt.time(14, 30)),
    (dt.time(14, 30), dt.time(15, 0)),
    (dt.time(15, 0), dt.time(15, 30)),
    (dt.time(15, 30), dt.time(16, 0)),
    (dt.time(16, 0), dt.time(16, 30)),
]


class Command(BaseCommand):
    help = "为大厅和银行网点生成今后若干个工作日的预约时段（已有的时段不变），并把已过时段的未签到预约记为爽约"

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
        days: list[dt.date] = []
        day = timezone.localdate()
        while len(days) < max(0, options["days"]) and day < timezone.localdate() + dt.timedelta(
            days=60
        ):
            try:
                working = is_working_day(day)
            except CalendarNotConfigured:
                working = day.weekday() < 5  # past the calendar: Monday to Friday
            if working:
                days.append(day)
            day += dt.timedelta(days=1)
        added = 0
        for point in points:
            windows = (
                [WindowType.CARD]
                if point.kind == PointKind.BANK
                else [WindowType.GENERAL, WindowType.CARD]
            )
            for window in windows:
                added += slots_generate(
                    point=point,
                    days=days,
                    window_type=window,
                    times=MORNING + AFTERNOON,
                    capacity=options["capacity"],
                )
        swept = appointments_sweep()
        self.stdout.write(
            f"新增预约时段 {added} 个（{len(days)} 个工作日，{points.count()} 个网点）；记为爽约 {swept} 个"
        )
