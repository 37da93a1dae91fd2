"""`kuaiban servicepoints_demo_rural`: demo only — a share of each city's generated people moves
to the rural places of its address list (`servicepoints.demo`), so the coverage report's
countryside (5 km circle) has people. `make demo` runs it after the shared data and the points."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kuaiban.catalogue.models import Region
from kuaiban.servicepoints.demo import rural_residents_demo
from kuaiban.servicepoints.models import Place


class Command(BaseCommand):
    help = "演示用：把各市部分生成人口安排到地址定位清单中的乡村地点，使覆盖率报告含乡村服务圈"

    def handle(self, *args: Any, **options: Any) -> None:
        regions = Region.objects.filter(
            pk__in=Place.objects.values("region_id").distinct()
        ).order_by("code")
        for region in regions:
            moved = rural_residents_demo(region=region)
            self.stdout.write(
                f"{moved.region}：{moved.people} 名生成人口安排到 {moved.places} 个乡村地点"
            )
