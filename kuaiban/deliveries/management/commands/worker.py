"""`kuaiban worker`: drain the outbox and sweep deadlines until told to stop.

Run one or more on each worker machine against the same PostgreSQL database; they share the
work through the outbox claims. Each delivers up to ``--concurrency`` messages at once and, on
PostgreSQL, wakes on the NOTIFY of an enqueue. SIGTERM or Ctrl+C finishes the messages in hand
and exits 0; a second signal exits at once (those messages are then claimed again when their
lease ends).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kuaiban.deliveries.runner import WorkerLoop, default_worker_id

logger = logging.getLogger("kuaiban.worker")

DEFAULT_CONCURRENCY = 8


class Command(BaseCommand):
    help = "投递发件箱消息（Webhook、通知）并巡检办结时限；可在多台机器上同时运行。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮（投递 + 巡检）后退出")
        parser.add_argument("--limit", type=int, default=500, help="每轮最多投递的消息数")
        parser.add_argument(
            "--concurrency",
            type=int,
            default=DEFAULT_CONCURRENCY,
            help="同时投递的消息数（投递线程数；每个线程可能占用一个数据库连接）",
        )
        parser.add_argument("--sleep", type=float, default=1.0, help="没有到期消息时两轮之间的秒数")
        parser.add_argument(
            "--sweep-every", type=float, default=60.0, help="两次时限巡检之间的秒数"
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=None,
            help="领取租期（秒），默认 KUAIBAN_OUTBOX_LEASE_SECONDS；须长于最慢的一次投递",
        )
        parser.add_argument("--worker-id", default="", help="日志与领取记录中的名称（主机:进程号）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1 or options["concurrency"] < 1:
            raise CommandError("--limit 与 --concurrency 须为正整数")
        if options["sleep"] < 0 or options["sweep_every"] < 0:
            raise CommandError("--sleep 与 --sweep-every 不能为负数")
        if options["lease"] is not None and options["lease"] <= 0:
            raise CommandError("--lease 须为正数")
        stop = threading.Event()
        loop = WorkerLoop(
            worker_id=options["worker_id"] or default_worker_id(),
            limit=options["limit"],
            idle_sleep=options["sleep"],
            sweep_every=options["sweep_every"],
            lease=dt.timedelta(seconds=options["lease"]) if options["lease"] else None,
            stop=stop,
            concurrency=options["concurrency"],
        )
        if options["once"]:
            try:
                result = loop.run_pass(sweep=True)
            finally:
                loop.close()
            self.stdout.write(f"[{loop.worker_id}] {result}")
            return
        self._stop_on_signals(stop)
        loop.run_forever()

    def _stop_on_signals(self, stop: threading.Event) -> None:
        def on_signal(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                logger.warning("再次收到停止信号，立即退出")
                sys.exit(128 + signum)
            logger.info("收到停止信号（%s），处理完手头的消息后退出", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
