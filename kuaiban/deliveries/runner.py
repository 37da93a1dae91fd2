"""The worker loop (drain + sweep, then wait) for `kuaiban worker` and the web process.

``kuaiban worker`` runs it in the foreground on as many machines as needed; each delivers on a
pool of threads (``--concurrency``) and, on PostgreSQL, waits for the NOTIFY of the next enqueue
instead of polling (``kuaiban.integrations.wakeup``). For the embedded default (SQLite,
``make demo``) the same loop runs in a daemon thread of the development server when
``KUAIBAN_INPROCESS_WORKER`` is on, so the demo needs no second process; it polls.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from kuaiban.appointments.services import appointments_sweep
from kuaiban.cards.sweeper import HoldSweep, temporary_holds_sweep
from kuaiban.cases.sweeper import SweepResult, deadline_sweep
from kuaiban.commitments.online import checks_sweep
from kuaiban.integrations.pool import DeliveryPool
from kuaiban.integrations.wakeup import OutboxWakeup
from kuaiban.integrations.worker import DrainResult, outbox_drain
from kuaiban.monitoring.services import heartbeat_record
from kuaiban.proactive.services.offers import SweepCounts, offers_sweep
from kuaiban.proactive.services.runs import triggers_sweep
from kuaiban.problems.services import problem_reports_escalate
from kuaiban.supervision.rollups.refresh import RollupResult, rollup_refresh

logger = logging.getLogger("kuaiban.worker")

_HEARTBEAT_SECONDS = 60.0  # an idle worker's log line
_BEAT_SECONDS = 10.0  # its heartbeat row (kuaiban.monitoring)
INPROCESS_CONCURRENCY = 4  # the demo's deliveries: few, and SQLite takes one writer at a time
_ERROR_PAUSE_SECONDS = 5.0


def default_worker_id(suffix: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}{suffix}"[:120]


@dataclass
class PassResult:
    number: int
    drain: DrainResult
    sweep: SweepResult | None
    rollup: RollupResult | None = None
    # 免申即办 on the same cycle: offers made by event triggers, lapsed and granted offers.
    triggered: int = 0
    offers: SweepCounts | None = None
    holds: HoldSweep | None = None  # temporary card holds lifted on this cycle

    @property
    def offers_acted(self) -> bool:
        return bool(self.offers and (self.triggered or self.offers.lapsed or self.offers.granted))

    @property
    def did_work(self) -> bool:
        swept = self.sweep and (self.sweep.changed or self.sweep.lost)
        rolled = self.rollup and self.rollup.days
        holds = self.holds and (self.holds.lifted or self.holds.lost)
        return bool(self.drain.claimed or swept or rolled or self.offers_acted or holds)

    def __str__(self) -> str:
        sweep = f"；巡检：{self.sweep}" if self.sweep else ""
        rollup = f"；监督统计汇总：{self.rollup}" if self.rollup and self.rollup.days else ""
        offers = (
            f"；免申即办：事件新生成 {self.triggered}，{self.offers}" if self.offers_acted else ""
        )
        holds = f"；{self.holds}" if self.holds and self.holds.lifted else ""
        return f"第 {self.number} 轮：发件箱 {self.drain}{sweep}{rollup}{offers}{holds}"


class WorkerLoop:
    """One pass drains up to ``limit`` messages and, every ``sweep_every`` seconds, sweeps.

    With ``concurrency`` > 1 the messages are delivered on that many threads; between passes
    that found less than ``limit`` an idle worker waits up to ``idle_sleep`` seconds, woken
    early by the NOTIFY of an enqueue on PostgreSQL.
    """

    def __init__(
        self,
        *,
        worker_id: str,
        limit: int = 500,
        idle_sleep: float = 1.0,
        sweep_every: float = 60.0,
        lease: dt.timedelta | None = None,
        stop: threading.Event | None = None,
        concurrency: int = 1,
    ) -> None:
        self.worker_id = worker_id
        self.limit = limit
        self.idle_sleep = idle_sleep
        self.sweep_every = sweep_every
        self.lease = lease
        self.stop = stop or threading.Event()
        self.concurrency = concurrency
        self._pool: DeliveryPool | None = None
        self._passes = 0
        self._next_sweep = 0.0
        self._next_rollup = 0.0
        self._idle_passes = 0
        self._last_line = time.monotonic()
        self._started_at = timezone.now()
        self._delivered = 0
        self._swept_at: dt.datetime | None = None
        self._next_beat = 0.0

    def run_pass(self, *, sweep: bool | None = None) -> PassResult:
        """One pass; ``sweep`` forces the sweep on or off (default: when it is due)."""
        self._passes += 1
        _connections_refresh()
        try:
            if self._pool is None and self.concurrency > 1:
                self._pool = DeliveryPool(size=self.concurrency)
            drained = outbox_drain(
                limit=self.limit,
                worker_id=self.worker_id,
                lease=self.lease,
                should_stop=self.stop.is_set,
                pool=self._pool,
            )
            swept, offers, triggered, holds = None, None, 0, None
            if sweep or (sweep is None and time.monotonic() >= self._next_sweep):
                swept = deadline_sweep()
                holds = temporary_holds_sweep()
                # Life events in shared data (a death record, a birthday reaching retirement
                # age) make their offers on the cycle that first sees them.
                triggered = sum(run.created for run in triggers_sweep())
                offers = offers_sweep()
                # 告知承诺: online checks as soon as shared data can answer; overdue checks.
                checks_sweep()
                # 办不成事 reports past their due time go to the supervisors (督办), once each.
                problem_reports_escalate()
                # Appointments whose slot ended without a check-in are marked 爽约 (the no-show
                # rule counts them the same before), so the person's list says so.
                appointments_sweep()
                self._next_sweep = time.monotonic() + self.sweep_every
            rolled = None
            every = settings.KUAIBAN_SUPERVISION_ROLLUP_SECONDS
            if every > 0 and (sweep or (sweep is None and time.monotonic() >= self._next_rollup)):
                rolled = rollup_refresh()
                self._next_rollup = time.monotonic() + every
            self._delivered += drained.delivered
            if swept is not None:
                self._swept_at = timezone.now()
            self._beat(force=swept is not None)
        finally:
            _connections_refresh()
        return PassResult(
            number=self._passes,
            drain=drained,
            sweep=swept,
            rollup=rolled,
            triggered=triggered,
            offers=offers,
            holds=holds,
        )

    def _beat(self, *, force: bool) -> None:
        """The heartbeat the metrics endpoint reads: every few seconds, and after a sweep."""
        if not force and time.monotonic() < self._next_beat:
            return
        heartbeat_record(
            worker_id=self.worker_id,
            started_at=self._started_at,
            passes=self._passes,
            delivered=self._delivered,
            swept_at=self._swept_at,
        )
        self._next_beat = time.monotonic() + _BEAT_SECONDS

    def close(self) -> None:
        """Let the delivery threads finish and close their database connections."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def run_forever(self, *, start_delay: float = 0.0) -> None:
        logger.info("工作进程 %s 已启动", self.worker_id)
        self.stop.wait(start_delay)
        # Listening starts before the first claim, so no enqueue between the two is missed.
        wakeup = OutboxWakeup(stop=self.stop)
        try:
            while not self.stop.is_set():
                try:
                    wakeup.listening()
                    result = self.run_pass()
                except Exception:  # the database is away (failover, restart): wait and go on
                    logger.exception(
                        "工作进程 %s 本轮出错，%g 秒后重试", self.worker_id, _ERROR_PAUSE_SECONDS
                    )
                    self.stop.wait(_ERROR_PAUSE_SECONDS)
                    continue
                self._log(result)
                if result.drain.claimed < self.limit:
                    wakeup.wait(self.idle_sleep)
        finally:
            wakeup.close()
            self.close()
        logger.info("工作进程 %s 已停止（共 %d 轮）", self.worker_id, self._passes)

    def _log(self, result: PassResult) -> None:
        """A line for every pass that did something; idle passes once a minute in one line."""
        if result.did_work:
            logger.info("[%s] %s", self.worker_id, result)
            self._last_line = time.monotonic()
            self._idle_passes = 0
            return
        self._idle_passes += 1
        if time.monotonic() - self._last_line >= _HEARTBEAT_SECONDS:
            logger.info("[%s] 空闲：%d 轮没有到期的消息", self.worker_id, self._idle_passes)
            self._last_line = time.monotonic()
            self._idle_passes = 0


def _connections_refresh() -> None:
    """Drop connections past CONN_MAX_AGE or broken by a database restart, between passes.

    Not inside a transaction (a caller's, or a test's): closing would break it.
    """
    if not connection.in_atomic_block:
        close_old_connections()


# ---------------------------------------------------------------------------------------------
# In-process worker for the embedded default
# ---------------------------------------------------------------------------------------------

_inprocess_lock = threading.Lock()
_inprocess_thread: threading.Thread | None = None


def inprocess_should_start(
    *, enabled: bool, argv: Sequence[str], environ: Mapping[str, str]
) -> bool:
    """Only in the process that serves requests: `runserver`, in the autoreloader's child.

    The autoreloader's parent process only watches files and restarts the child (which has
    ``RUN_MAIN=true``); with ``--noreload`` there is one process. Other management commands
    (migrate, shell, the `worker` itself) and the test runner never start it.
    """
    if not enabled or len(argv) < 2 or argv[1] != "runserver":
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def inprocess_start(*, idle_sleep: float = 2.0) -> threading.Thread:
    """Start the daemon thread once per process; it dies with the server.

    A message it was delivering when the server stopped is claimed again when its lease ends.
    """
    global _inprocess_thread
    with _inprocess_lock:
        if _inprocess_thread is None or not _inprocess_thread.is_alive():
            loop = WorkerLoop(
                worker_id=default_worker_id(":web"),
                idle_sleep=idle_sleep,
                concurrency=INPROCESS_CONCURRENCY,
            )
            _inprocess_thread = threading.Thread(
                target=loop.run_forever,
                kwargs={"start_delay": idle_sleep},  # let the server finish starting
                name="kuaiban-outbox-worker",
                daemon=True,
            )
            _inprocess_thread.start()
        return _inprocess_thread
