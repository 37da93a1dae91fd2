"""Benchmark of the outbox workers: deliveries per second and wake-up latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_outbox_bench \\
        .venv/bin/python bench/outbox_bench.py [--messages 3000] [--runs 3] [--workers 1,8]
            [--concurrency 8] [--receiver-ms 5] [--baseline-messages 300] [--wake-probes 20]
            [--kills 30]

Each worker is a process of its own running the production loop (``WorkerLoop``: batch claims,
a pool of ``--concurrency`` delivery threads, outcomes written per batch, LISTEN/NOTIFY), forked
from this script once Django is set up. The receiver is a separate process, an HTTP/1.1 server
on 127.0.0.1 (asyncio) that keeps connections open and takes ``--receiver-ms`` per request.

For each run and each number of workers the script bulk-inserts a backlog of ``--messages``
messages, starts the workers and times until the last one is recorded as delivered; then the
same with the old one-by-one path on ``--baseline-messages`` messages: the loop every worker ran
before batch claims (kuaiban 5396638), kept here as the baseline — one claim (SELECT … FOR
UPDATE SKIP LOCKED LIMIT 1 + a conditional UPDATE), one POST over a new urllib connection, one
outcome per message, two commits each, a one-second sleep when idle. It prints each run, the medians, and the ratio of the batch
path to the one-by-one path (median of the runs' ratios). Every run checks that every message
was delivered, that the receiver saw every key, and that a key arriving twice (allowed: at
least once) carried the same message; it prints how many arrived more than once.

Then the wake-up: one idle worker, and ``--wake-probes`` single messages enqueued one by one at
random moments; the time from the enqueue's commit (when PostgreSQL sends the NOTIFY) to the
request's arrival at the receiver — the NOTIFY, the claim and the POST: the goal's figure — and,
as before, from just before the enqueue's transaction (which adds the producer's own commit,
its wait for the disk). The old loop polled every second (about 500 ms on average, up to 1 s).

Last, ``--kills`` times kill -9 (default 30): four workers drain ``--messages`` while one of them,
at random, is SIGKILLed every 0.05–0.3 s and replaced (lease 2 s); it stops unless every message
is delivered and prints how many arrived more than once (each with its own key).

The handler posts the message's key (``{"key": …}``) through the platform's transport; it reads
no database rows, so the figures are the outbox's own cost, not that of building a webhook body.

The database is a scratch SQLite file under /tmp (removed afterwards), or DATABASE_URL when it
is set (migrated). The bench's messages have keys ``bench:…`` and are deleted afterwards; it
refuses to run when other messages are pending there, because its workers would take them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "bench:"
FORK = multiprocessing.get_context("fork")
RUN_TIMEOUT = 300.0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="每轮批量路径的消息数")
    parser.add_argument(
        "--baseline-messages", type=int, default=300, help="每轮逐条路径（对照）的消息数"
    )
    parser.add_argument("--runs", type=int, default=3, help="轮数（取中位数）")
    parser.add_argument("--workers", default="1,8", help="工作进程数，逗号分隔，逐一测试")
    parser.add_argument("--concurrency", type=int, default=8, help="每个工作进程的投递线程数")
    parser.add_argument("--receiver-ms", type=float, default=5.0, help="接收方处理每个请求的毫秒数")
    parser.add_argument("--wake-probes", type=int, default=20, help="唤醒延迟的测量次数")
    parser.add_argument(
        "--kills", type=int, default=30, help="投递期间 kill -9 工作进程的次数（0：不测）"
    )
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if (
        min(args.messages, args.baseline_messages, args.runs, args.concurrency) < 1
        or not args.workers
        or min(args.workers) < 1
        or min(args.wake_probes, args.kills) < 0
    ):
        parser.error("各数量须为正整数，--workers 为正整数列表")
    return args


def _database() -> Path | None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuaiban.settings"
    os.environ.setdefault("KUAIBAN_LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL"):
        return None
    scratch = Path(tempfile.mkdtemp(prefix="kuaiban-bench-", dir="/tmp"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    return scratch


# ---------------------------------------------------------------------------------------------
# The receiver: its own process, keep-alive HTTP/1.1, a fixed time per request
# ---------------------------------------------------------------------------------------------


def _receiver_main(delay: float, port_out: Connection, commands: Connection) -> None:
    """An HTTP/1.1 server on asyncio: keeps each connection open, reads a request, waits
    ``delay``, answers 204. One thread, so the receiver's own CPU stays small beside the
    workers' on a machine of two cores."""
    arrivals: Counter[str] = Counter()
    first_seen: dict[str, float] = {}
    mismatched = 0
    lock = threading.Lock()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal mismatched
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.time()
                fields = dict(
                    line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line
                )
                headers = {k.strip().lower(): v.strip() for k, v in fields.items()}
                body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
                key = headers.get(b"idempotency-key", b"").decode()
                with lock:
                    arrivals[key] += 1
                    first_seen.setdefault(key, arrived)
                    if json.loads(body or b"{}").get("key") != key:
                        mismatched += 1
                await asyncio.sleep(delay)
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the worker closed the connection (or was stopped)
        finally:
            writer.close()

    def answer_commands(loop: asyncio.AbstractEventLoop, done: asyncio.Event) -> None:
        while (command := commands.recv()) != "stop":
            with lock:
                wanted = [k for k in arrivals if k.startswith(command)]
                commands.send(
                    (
                        {k: arrivals[k] for k in wanted},
                        {k: first_seen[k] for k in wanted},
                        mismatched,
                    )
                )
        loop.call_soon_threadsafe(done.set)

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024)
        port_out.send(server.sockets[0].getsockname()[1])
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        threading.Thread(target=answer_commands, args=(loop, done), daemon=True).start()
        await done.wait()
        server.close()

    asyncio.run(main())


@dataclass
class Receiver:
    url: str
    commands: Connection

    def seen(self, prefix: str) -> tuple[dict[str, int], dict[str, float], int]:
        """Arrivals per key, first arrival time per key, and requests whose body named
        another key than their header (never expected)."""
        self.commands.send(prefix)
        answer: tuple[dict[str, int], dict[str, float], int] = self.commands.recv()
        return answer


@contextmanager
def _receiver(delay: float) -> Iterator[Receiver]:
    port_in, port_out = FORK.Pipe(duplex=False)
    ours, theirs = FORK.Pipe()
    process = FORK.Process(target=_receiver_main, args=(delay, port_out, theirs), daemon=True)
    process.start()
    try:
        yield Receiver(url=f"http://127.0.0.1:{port_in.recv()}/", commands=ours)
    finally:
        ours.send("stop")
        process.join(10)


# ---------------------------------------------------------------------------------------------
# The baseline: the one-by-one path as it was before batch claims (kuaiban 5396638)
# ---------------------------------------------------------------------------------------------


def _old_post(message: Any) -> None:
    """The old transport: urllib, a new connection per request."""
    key = message.idempotency_key
    request = urllib.request.Request(
        message.payload["url"],
        data=json.dumps({"key": key}).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read(512)


def _old_drain(*, limit: int, worker_id: str, lease: dt.timedelta) -> int:
    """One message at a time: SELECT … FOR UPDATE SKIP LOCKED LIMIT 1 and a conditional
    UPDATE in one transaction, a GET, the POST, the outcome's UPDATE in another: two commits
    that wait for the disk, per message. The number of messages claimed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kuaiban.integrations.models import OutboxMessage, OutboxState

    claimed = 0
    while claimed < limit:
        at = timezone.now()
        with transaction.atomic():
            due = OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=at)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            candidate = due.order_by("next_attempt_at", "pk").values_list("pk", "attempts")[:1]
            if not candidate:
                return claimed
            [(pk, attempts)] = candidate
            won = OutboxMessage.objects.filter(pk=pk, state=OutboxState.PENDING, attempts=attempts)
            won.update(
                attempts=attempts + 1,
                next_attempt_at=at + lease,
                claimed_by=worker_id,
                claimed_at=at,
            )
        message = OutboxMessage.objects.get(pk=pk)
        claimed += 1
        _old_post(message)
        OutboxMessage.objects.filter(pk=pk, state=OutboxState.PENDING).update(
            state=OutboxState.DELIVERED, delivered_at=timezone.now(), last_error=""
        )
    return claimed


def _old_worker_main(name: str, go: Event, stop: Event) -> None:
    """The old loop: drain up to 100, and sleep a second when fewer were due."""
    go.wait()
    lease = dt.timedelta(seconds=120)
    while not stop.is_set():
        if _old_drain(limit=100, worker_id=name, lease=lease) < 100:
            stop.wait(1.0)


# ---------------------------------------------------------------------------------------------
# Workers: forked processes running the production loop
# ---------------------------------------------------------------------------------------------


def _worker_main(
    name: str,
    concurrency: int,
    go: Event | None,
    stop: Event | None,
    lease: float | None = None,
) -> None:
    """The production loop; started by ``go`` and stopped by ``stop`` — or, for a worker that
    may be SIGKILLed (a process killed inside an Event's lock would block the others on it),
    at once and by SIGTERM."""
    from kuaiban.deliveries.runner import WorkerLoop

    loop = WorkerLoop(
        worker_id=name,
        concurrency=concurrency,
        idle_sleep=1.0,
        sweep_every=3600,
        lease=dt.timedelta(seconds=lease) if lease else None,
    )

    signal.signal(signal.SIGTERM, lambda signum, frame: loop.stop.set())
    if stop is not None:

        def stop_when_told(told: Event) -> None:
            told.wait()
            loop.stop.set()

        threading.Thread(target=stop_when_told, args=(stop,), daemon=True).start()
    if go is not None:
        go.wait()
    loop.run_forever()


@contextmanager
def _workers(count: int, concurrency: int, tag: str) -> Iterator[Event]:
    """``count`` worker processes (``concurrency`` 0: the old loop), waiting for the returned
    event to start."""
    from django.db import connections

    connections.close_all()  # no connection of ours is shared with a child
    go, stop = FORK.Event(), FORK.Event()
    processes = [
        FORK.Process(target=_worker_main, args=(f"{tag}-{n}", concurrency, go, stop))
        if concurrency
        else FORK.Process(target=_old_worker_main, args=(f"{tag}-{n}", go, stop))
        for n in range(count)
    ]
    for process in processes:
        process.start()
    try:
        yield go
    finally:
        stop.set()
        go.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()


def _enqueue(keys: list[str], url: str) -> int:
    """The backlog, in one transaction; the first message's id."""
    from kuaiban.integrations.models import OutboxKind, OutboxMessage

    created = OutboxMessage.objects.bulk_create(
        OutboxMessage(kind=OutboxKind.RATING_PUSH, idempotency_key=key, payload={"url": url})
        for key in keys
    )
    return min(m.pk for m in created) if created[0].pk else 0


@dataclass
class Measured:
    rate: float
    seconds: float
    duplicates: int
    commits_per_message: float | None


def _analyze() -> None:
    """Statistics for the planner after the backlog arrived at once, as autovacuum keeps them
    for a table that fills steadily (without them PostgreSQL may sort the whole backlog for
    every claim instead of reading the claim's order off the index)."""
    from django.db import connection

    from kuaiban.integrations.models import OutboxMessage

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(OutboxMessage._meta.db_table)}")


def _commits() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _drain(
    *, workers: int, concurrency: int, messages: int, receiver: Receiver, tag: str
) -> Measured:
    from kuaiban.integrations.models import OutboxMessage, OutboxState

    prefix = f"{PREFIX}{tag}:"
    keys = [f"{prefix}{n}" for n in range(messages)]
    _enqueue(keys, receiver.url)
    _analyze()
    ours = OutboxMessage.objects.filter(idempotency_key__startswith=prefix)
    polls = 0
    with _workers(workers, concurrency, tag) as go:
        commits_before = _commits()
        started = time.perf_counter()
        go.set()
        while ours.filter(state=OutboxState.PENDING).exists():
            polls += 1
            if time.perf_counter() - started > RUN_TIMEOUT:
                raise SystemExit(f"{tag}: 超过 {RUN_TIMEOUT:g} 秒仍未投递完")
            time.sleep(0.01)
        seconds = time.perf_counter() - started
    time.sleep(0.5)  # the workers' statistics reach pg_stat_database when their sessions end
    commits_after = _commits()
    arrivals = _every_key_delivered(prefix, keys, receiver)
    per_message = None
    if commits_before is not None and commits_after is not None:
        # Less this script's own transactions: one per poll, the statistics reads.
        per_message = (commits_after - commits_before - polls - 2) / messages
    ours.delete()
    return Measured(
        rate=messages / seconds,
        seconds=seconds,
        duplicates=sum(n - 1 for n in arrivals.values()),
        commits_per_message=per_message,
    )


def _every_key_delivered(prefix: str, keys: list[str], receiver: Receiver) -> dict[str, int]:
    """Stops the benchmark unless every message is delivered, the receiver saw every key and
    nothing else, and each request's body named the key of its header; arrivals per key."""
    from kuaiban.integrations.models import OutboxMessage, OutboxState

    ours = OutboxMessage.objects.filter(idempotency_key__startswith=prefix)
    delivered = ours.filter(state=OutboxState.DELIVERED).count()
    arrivals, _, mismatched = receiver.seen(prefix)
    missing = [key for key in keys if not arrivals.get(key)]
    if delivered != len(keys) or missing or mismatched or set(arrivals) - set(keys):
        raise SystemExit(
            f"{prefix} 送达 {delivered}/{len(keys)}，接收方未收到 {len(missing)} 个键，"
            f"请求体与幂等键不符 {mismatched} 次"
        )
    return arrivals


def _kill_nine(
    *, kills: int, workers: int, concurrency: int, messages: int, receiver: Receiver
) -> tuple[int, int]:
    """``workers`` workers drain a backlog while one of them, picked at random, is SIGKILLed
    every 0.05–0.3 s and replaced, ``kills`` times; the lease is 2 s so the killed workers'
    claims come back during the run. Stops unless every key was delivered; (messages that
    arrived more than once, extra arrivals)."""
    from django.db import connections

    from kuaiban.integrations.models import OutboxMessage, OutboxState

    prefix = f"{PREFIX}kill:"
    keys = [f"{prefix}{n}" for n in range(messages)]
    _enqueue(keys, receiver.url)
    _analyze()

    def spawn(n: int) -> multiprocessing.process.BaseProcess:
        connections.close_all()  # no connection of ours is shared with a child
        process = FORK.Process(
            target=_worker_main, args=(f"kill-{n}", concurrency, None, None, 2.0)
        )
        process.start()
        return process

    processes = [spawn(n) for n in range(workers)]
    try:
        for kill in range(kills):
            time.sleep(random.uniform(0.05, 0.3))
            victim = random.randrange(workers)
            os.kill(processes[victim].pid or 0, signal.SIGKILL)
            processes[victim].join()
            processes[victim] = spawn(workers + kill)
        pending = OutboxMessage.objects.filter(
            idempotency_key__startswith=prefix, state=OutboxState.PENDING
        )
        started = time.perf_counter()
        while pending.exists():
            if time.perf_counter() - started > RUN_TIMEOUT:
                raise SystemExit(f"kill -9：超过 {RUN_TIMEOUT:g} 秒仍未投递完")
            time.sleep(0.05)
    finally:
        for process in processes:
            process.terminate()  # SIGTERM: finish what is in hand, then exit
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
    arrivals = _every_key_delivered(prefix, keys, receiver)
    OutboxMessage.objects.filter(idempotency_key__startswith=prefix).delete()
    return sum(1 for n in arrivals.values() if n > 1), sum(n - 1 for n in arrivals.values())


def _wake_latencies(
    *, probes: int, concurrency: int, receiver: Receiver
) -> tuple[list[float], list[float]]:
    """Per probe, seconds from the enqueue's commit to the request at the receiver, and from
    just before the enqueue's transaction."""
    from django.db import transaction

    from kuaiban.integrations.models import OutboxKind, OutboxMessage
    from kuaiban.integrations.services import outbox_enqueue

    prefix = f"{PREFIX}wake:"
    enqueued: dict[str, float] = {}
    committed: dict[str, float] = {}
    with _workers(1, concurrency, "wake") as go:
        go.set()
        time.sleep(1.0)  # the worker has found nothing and waits
        for n in range(probes):
            time.sleep(random.uniform(0.05, 0.3))
            key = f"{prefix}{n}"
            enqueued[key] = time.time()
            with transaction.atomic():
                outbox_enqueue(kind=OutboxKind.RATING_PUSH, key=key, payload={"url": receiver.url})
            committed[key] = time.time()
        deadline = time.monotonic() + 30
        while len(receiver.seen(prefix)[1]) < probes and time.monotonic() < deadline:
            time.sleep(0.05)
    _, first_seen, _ = receiver.seen(prefix)
    OutboxMessage.objects.filter(idempotency_key__startswith=prefix).delete()
    if len(first_seen) < probes:
        raise SystemExit(f"唤醒测试：{probes - len(first_seen)} 条消息 30 秒内未送达")
    return (
        [first_seen[key] - committed[key] for key in enqueued],
        [first_seen[key] - enqueued[key] for key in enqueued],
    )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    args = _arguments()
    scratch = _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kuaiban.integrations.models import OutboxKind, OutboxMessage
    from kuaiban.integrations.registry import HANDLERS
    from kuaiban.integrations.transport import post_json

    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    others = OutboxMessage.objects.filter(state="pending").exclude(
        idempotency_key__startswith=PREFIX
    )
    if others.exists():
        print("该数据库中有待发送的消息；基准测试的工作进程会领取它们，已停止。", file=sys.stderr)
        return 1
    OutboxMessage.objects.filter(idempotency_key__startswith=PREFIX).delete()  # an aborted run

    def post(message: Any) -> str:
        key = message.idempotency_key
        body = json.dumps({"key": key}).encode()
        post_json(
            url=message.payload["url"], body=body, headers={"Idempotency-Key": key}, timeout=5
        )
        return ""

    HANDLERS[OutboxKind.RATING_PUSH] = post  # this process and the workers forked from it
    batch: dict[int, list[Measured]] = {w: [] for w in args.workers}
    single: dict[int, list[Measured]] = {w: [] for w in args.workers}
    try:
        with _receiver(args.receiver_ms / 1000) as receiver:
            print(
                f"接收方每个请求 {args.receiver_ms:g} ms；批量路径每轮 {args.messages:,} 条"
                f"（每进程 {args.concurrency} 个投递线程），逐条路径每轮 {args.baseline_messages:,} 条"
            )
            for run in range(args.runs):
                for w in args.workers:
                    new = _drain(
                        workers=w,
                        concurrency=args.concurrency,
                        messages=args.messages,
                        receiver=receiver,
                        tag=f"{run}:batch:{w}",
                    )
                    old = _drain(
                        workers=w,
                        concurrency=0,
                        messages=args.baseline_messages,
                        receiver=receiver,
                        tag=f"{run}:single:{w}",
                    )
                    batch[w].append(new)
                    single[w].append(old)
                    print(
                        f"  第 {run + 1} 轮 {w:>2} 个工作进程：批量 {new.rate:7,.0f} 条/秒"
                        f"（{new.seconds:5.2f} 秒{_commits_text(new)}，重复到达 {new.duplicates}）"
                        f"｜逐条 {old.rate:5,.0f} 条/秒（{_commits_text(old, first=True)}）"
                        f"｜倍数 {new.rate / old.rate:5.1f}"
                    )
            latencies, with_commit = _wake_latencies(
                probes=args.wake_probes, concurrency=args.concurrency, receiver=receiver
            )
            if args.kills:
                twice, extra = _kill_nine(
                    kills=args.kills,
                    workers=4,
                    concurrency=args.concurrency,
                    messages=args.messages,
                    receiver=receiver,
                )
    finally:
        OutboxMessage.objects.filter(idempotency_key__startswith=PREFIX).delete()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    print(f"中位数（{args.runs} 轮）：")
    for w in args.workers:
        ratio = _median([n.rate / o.rate for n, o in zip(batch[w], single[w], strict=True)])
        print(
            f"  {w:>2} 个工作进程：批量 {_median([m.rate for m in batch[w]]):7,.0f} 条/秒，"
            f"逐条 {_median([m.rate for m in single[w]]):5,.0f} 条/秒，倍数 {ratio:5.1f}"
        )
    if latencies:
        ms = sorted(1000 * s for s in latencies)
        ms_with_commit = sorted(1000 * s for s in with_commit)
        print(
            f"空闲工作进程被唤醒（入队事务提交 → 接收方收到请求，{len(ms)} 次）："
            f"中位数 {_median(ms):.0f} ms，最大 {ms[-1]:.0f} ms；"
            f"自入队事务开始（含其提交等待磁盘）：中位数 {_median(ms_with_commit):.0f} ms，"
            f"最大 {ms_with_commit[-1]:.0f} ms"
        )
    if args.kills:
        print(
            f"4 个工作进程投递 {args.messages:,} 条，其间随机 kill -9 {args.kills} 次：丢失 0 条"
            f"（每条都已送达、接收方收到每个键）；{twice} 条重复到达（多出 {extra} 次，幂等键相同）"
        )
    return 0


def _commits_text(measured: Measured, *, first: bool = False) -> str:
    if measured.commits_per_message is None:
        return ""
    return ("" if first else "，") + f"每条 {measured.commits_per_message:.2f} 次提交"


if __name__ == "__main__":
    raise SystemExit(main())
