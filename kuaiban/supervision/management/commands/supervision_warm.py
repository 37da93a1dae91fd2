"""`kuaiban supervision_warm [--officers] [--every SECONDS]`: compute the default views ahead."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuaiban.supervision.warm import supervision_warm

LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"


class Command(BaseCommand):
    help = (
        "预计算监督统计的默认视图（本月总览、事项时限、联系点，上月通报），"
        "让监督人员首次打开即命中缓存。需要各 Web 进程共用的缓存（KUAIBAN_REDIS_URL）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--officers", action="store_true", help="也为每个经办机构预计算")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="每隔多少秒重复一次（0 = 只运行一次）；应小于 KUAIBAN_SUPERVISION_CACHE_SECONDS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = settings.KUAIBAN_SUPERVISION_CACHE_SECONDS
        if seconds <= 0:
            raise CommandError(
                "监督统计缓存已关闭（KUAIBAN_SUPERVISION_CACHE_SECONDS=0），无需预计算。"
            )
        every = options["every"]
        if every < 0:
            raise CommandError("--every 不能为负数")
        if settings.CACHES["default"]["BACKEND"] == LOCAL_CACHE:
            self.stderr.write(
                "提示：当前缓存只在本进程内有效，预计算的结果 Web 进程读不到；"
                "生产环境请设置 KUAIBAN_REDIS_URL。"
            )
        while True:
            result = supervision_warm(officers=options["officers"], progress=self.stdout.write)
            self.stdout.write(
                f"已预计算 {result.scopes} 个范围、{result.views} 个视图，用时 {result.seconds:.1f} 秒；"
                f"结果保留 {seconds} 秒。"
            )
            if not every:
                return
            time.sleep(max(0, every - result.seconds))
