"""Benchmark of the outbox drain: messages per second for 1…N workers, each delivered once.

    .venv/bin/python bench/outbox_bench.py [--messages 500] [--workers 1,2,4,8]
                                          [--receiver-ms 5]

Each run enqueues ``--messages`` fresh messages and lets that many worker threads (each with
its own database connection, as separate processes would have) drain them through a real
HTTP POST to a receiver on 127.0.0.1 that takes ``--receiver-ms`` per request. It prints the
rate and checks that the receiver saw every idempotency key exactly once. Each message costs
two commits (the claim, the outcome), so on one machine the rate is bound by how fast the
disk syncs a commit; more workers overlap those waits.

The database is a scratch SQLite file under /tmp (removed afterwards), or DATABASE_URL when it
is set (migrated). The bench's messages have keys ``bench:…`` and are deleted afterwards; it
refuses to run when other messages are pending there, because its workers would take them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "bench:"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--workers", default="1,2,4,8", help="工作线程数，逗号分隔，逐一测试")
    parser.add_argument("--receiver-ms", type=float, default=5.0, help="接收方处理每个请求的毫秒数")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if args.messages < 1 or not args.workers or min(args.workers) < 1:
        parser.error("--messages ≥ 1，--workers 为正整数列表")
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


@contextmanager
def _receiver(delay: float) -> Iterator[tuple[str, Counter[str]]]:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(delay)
            with lock:
                seen[self.headers.get("Idempotency-Key", "")] += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", seen
    finally:
        server.shutdown()
        server.server_close()


def _run(workers: int, messages: int, url: str, seen: Counter[str], run: int) -> None:
    from django.db import connection

    from kuaiban.integrations.models import OutboxKind, OutboxMessage
    from kuaiban.integrations.worker import DrainResult, outbox_drain

    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind=OutboxKind.RATING_PUSH, idempotency_key=f"{PREFIX}{run}:{n}", payload={"url": url}
        )
        for n in range(messages)
    )
    results: list[DrainResult] = []

    def work(name: str) -> None:
        try:
            while (result := outbox_drain(limit=100, worker_id=name)).claimed:
                results.append(result)
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(f"bench-{i}",)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    keys = [f"{PREFIX}{run}:{n}" for n in range(messages)]
    once = sum(1 for key in keys if seen[key] == 1)
    delivered = sum(r.delivered for r in results)
    print(
        f"  {workers:>2} 个工作线程：{messages / seconds:8,.0f} 条/秒"
        f"（{seconds:6.2f} 秒；送达 {delivered:,}，恰好一次 {once:,}/{messages:,}）"
    )


def main() -> int:
    args = _arguments()
    scratch = _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kuaiban.integrations import handlers
    from kuaiban.integrations.models import OutboxMessage
    from kuaiban.integrations.transport import post_json

    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    others = OutboxMessage.objects.filter(state="pending").exclude(
        idempotency_key__startswith=PREFIX
    )
    if others.exists():
        print("该数据库中有待发送的消息；基准测试的工作线程会领取它们，已停止。", file=sys.stderr)
        return 1

    def post(message: Any) -> str:
        headers = {"Idempotency-Key": message.idempotency_key}
        post_json(url=message.payload["url"], body=b"{}", headers=headers, timeout=5)
        return ""

    handlers.HANDLERS["rating.push"] = post  # this process only
    try:
        with _receiver(args.receiver_ms / 1000) as (url, seen):
            print(f"接收方每个请求 {args.receiver_ms:g} ms；每轮 {args.messages:,} 条消息")
            for run, workers in enumerate(args.workers):
                _run(workers, args.messages, url, seen, run)
    finally:
        OutboxMessage.objects.filter(idempotency_key__startswith=PREFIX).delete()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
