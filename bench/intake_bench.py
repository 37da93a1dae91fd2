"""Benchmark of intake: the platform under gunicorn against the raw-database ceiling.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_intake_bench \\
        .venv/bin/python bench/intake_bench.py [--clients 1,8,32] [--seconds 6] [--rounds 3]
                                               [--workers 4] [--worker-class sync] [--threads 1]
                                               [--background 0]

A person's submission of one bundle with seven sub-cases (Shandong 3 失业, scenario 3-1 with the
optional 技能培训), sent as JSON with a bearer token and an Idempotency-Key, from 1, 8 and 32
client threads. The platform (A) is served by gunicorn with the production settings
(`kuaiban.settings`, configured from the environment as in production); the ceiling (B) is a
bare psycopg script writing the same rows (those of a real submission of this bench) in the same
transactions, in the same order, from as many connections as there are clients: the cost of
the database alone. A and B run in turn, A B A B …, for ``--seconds`` each, ``--rounds``
times; each round is printed, then each figure's median over the rounds with its range, the
ratio taken pair by pair. Beside them the CPU per submission of gunicorn's workers and of this
client process (the same threads drive both sides, so the client's share of the two cores is
seen, and is the same model for both).

Before the load, one client submits in-process (Django's test client, same settings) and the
bench prints the SQL statements of one submission and its median time; with ``--background N``
it then adds N applications by one bulk INSERT … SELECT and prints both again, so the cost per
submission can be compared across sizes (0 and 1,000,000 for the documented figures).

The database must be a scratch PostgreSQL database: it is migrated and loaded (calendar, packs,
demo accounts) when empty; the bench's submissions and background rows stay there (drop the
database afterwards).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.applications.helpers import UNEMPLOYMENT  # noqa: E402

PERSON = "zhangjianguo"
# Shandong 3 失业 with the optional 技能培训: the body the query-count tests submit too.
BODY: dict[str, Any] = UNEMPLOYMENT
# The tables of one submission, in the order the platform writes them.
CHILD_TABLES = [
    "applications_applicationcommitment",
    "applications_shareddatause",
    "cases_subcase",
]
LATE_TABLES = ["applications_applicationmaterial"]
BACKGROUND_PREFIX = "000000-"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", default="1,8,32", help="并发客户端数，逗号分隔")
    parser.add_argument("--seconds", type=float, default=6.0, help="每段负载的秒数")
    parser.add_argument("--rounds", type=int, default=3, help="A/B 交替的轮数")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn 工作进程数")
    parser.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn 工作进程类型"
    )
    parser.add_argument("--threads", type=int, default=1, help="gthread 每个工作进程的线程数")
    parser.add_argument("--background", type=int, default=0, help="加压前追加的背景办件数")
    parser.add_argument("--samples", type=int, default=20, help="单次提交计时的次数")
    args = parser.parse_args()
    args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if not args.clients or min(args.clients) < 1 or args.rounds < 1 or args.seconds <= 0:
        parser.error("--clients 为正整数列表，--rounds ≥ 1，--seconds > 0")
    return args


def _environment() -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("请用 DATABASE_URL 指定一个用于压测的 PostgreSQL 数据库（如 kb_intake_bench）")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "kuaiban.settings",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-not-secret"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "KUAIBAN_LOG_LEVEL": os.environ.get("KUAIBAN_LOG_LEVEL", "WARNING"),
            # The API serves no static files; an empty directory keeps whitenoise quiet.
            "KUAIBAN_STATIC_ROOT": tempfile.mkdtemp(prefix="kuaiban-bench-static-"),
        }
    )
    return dict(os.environ)


def _database_create(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _world() -> str:
    """Migrate and load the demo world when the database is empty; the person's bearer token."""
    import django
    from django.core.management import call_command

    django.setup()
    from kuaiban.accounts.models import User
    from kuaiban.accounts.services import token_issue
    from kuaiban.bundles.models import Pack

    call_command("migrate", verbosity=0)
    if not Pack.objects.exists():
        call_command("calendar_seed", verbosity=0)
        call_command("pack", "load", verbosity=0)
        call_command("demo_setup", verbosity=0)
    return token_issue(user=User.objects.get(username=PERSON)).raw


def _submission_cost(token: str, samples: int) -> tuple[float, int, str]:
    """Median wall time (ms) and SQL statements of one submission, in-process; its number."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    times, counts, number = [], [], ""
    for _ in range(samples + 1):  # the first one warms the process's policy cache
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/applications",
                json.dumps(BODY, ensure_ascii=False),
                content_type="application/json",
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            sys.exit(f"提交失败：{response.status_code} {response.content[:500]!r}")
        counts.append(len(queries.captured_queries))
        number = response.json()["number"]
    return statistics.median(times[1:]), max(counts[1:]), number


def _applications_count() -> int:
    from kuaiban.applications.models import Application

    return Application.objects.count()


def _background_add(count: int, template: str) -> float:
    """``count`` more applications, copies of ``template`` under numbers of their own, by one
    INSERT … SELECT; the seconds it took."""
    from django.db import connection

    from kuaiban.applications.models import Application

    table = Application._meta.db_table
    columns = [
        f.column for f in Application._meta.concrete_fields if f.column not in ("id", "number")
    ]
    # The snapshot (2 kB compressed, out of line) is left empty: the rows weigh on the table and
    # its indexes as real ones do, without gigabytes of TOAST no submission reads.
    blank = {"snapshot": "'{}'::jsonb", "idempotency_key": "''"}
    copied = ", ".join(blank.get(c, f'a."{c}"') for c in columns)
    start = (
        Application.objects.filter(number__startswith=BACKGROUND_PREFIX).count() + 1
    )  # numbers stay unique over several runs
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (number, {", ".join(columns)}) '
            f"SELECT %s || lpad(g::text, 8, '0'), {copied} "
            f'FROM "{table}" a, generate_series(%s, %s) g WHERE a.number = %s',
            [BACKGROUND_PREFIX + "20000101-", start, start + count - 1, template],
        )
        cursor.execute(f'ANALYZE "{table}"')
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------
# B: the ceiling — the same rows in the same transactions with bare psycopg
# ------------------------------------------------------------------------------------------


class Ceiling:
    """The rows of one real submission, written again per 'submission' in one transaction:
    the application under a placeholder, its commitments, shared-data uses and sub-cases, the
    day's number (one upsert), the number on the application, its materials, the outbox
    message and the two audit rows — ten statements, the platform's writes."""

    def __init__(self, url: str, number: str) -> None:
        import psycopg

        self.url = url
        with psycopg.connect(url) as conn:
            app = self._rows(conn, "applications_application", "number = %s", [number])[0]
            self.app_id = app.pop("id")
            self.children = {
                t: self._rows(conn, t, "application_id = %s", [self.app_id])
                for t in CHILD_TABLES + LATE_TABLES
            }
            self.outbox = self._rows(
                conn,
                "integrations_outboxmessage",
                "idempotency_key = %s",
                [f"application.submitted:{number}"],
            )
            self.audits = self._rows(
                conn, "core_auditevent", "changes::text LIKE %s", [f"%{number}%"]
            )
            self.audits += self._rows(conn, "core_auditevent", "object_id = %s", [number])
        app.pop("number")
        app["idempotency_key"] = ""
        self.app = app
        self.region, self.day = number.split("-")[0], number.split("-")[1]

    @staticmethod
    def _rows(conn: Any, table: str, where: str, params: list[Any]) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        with conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY id', params)
            return list(cursor.fetchall())

    @staticmethod
    def _insert(cursor: Any, table: str, rows: list[dict[str, Any]], **override: Any) -> None:
        from psycopg.types.json import Jsonb

        if not rows:
            return
        columns = [c for c in rows[0] if c != "id"]
        values, params = [], []
        for row in rows:
            values.append("(" + ", ".join(["%s"] * len(columns)) + ")")
            for c in columns:
                value = override.get(c, row[c])
                params.append(Jsonb(value) if isinstance(value, (dict, list)) else value)
        cursor.execute(
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {", ".join(values)}', params
        )

    def submit(self, conn: Any) -> None:
        from psycopg.types.json import Jsonb

        with conn.transaction(), conn.cursor() as cursor:
            columns = list(self.app)
            cursor.execute(
                f"INSERT INTO applications_application (number, {', '.join(columns)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(columns))}) RETURNING id",
                [f"~{uuid.uuid4().hex[:23]}"]
                + [Jsonb(v) if isinstance(v, (dict, list)) else v for v in self.app.values()],
            )
            (app_id,) = cursor.fetchone()
            for table in CHILD_TABLES:
                self._insert(cursor, table, self.children[table], application_id=app_id)
            cursor.execute(
                "INSERT INTO applications_numbersequence (region_code, day, last) "
                "VALUES (%s, %s, 1) ON CONFLICT (region_code, day) "
                "DO UPDATE SET last = applications_numbersequence.last + 1 RETURNING last",
                [self.region, f"{self.day[:4]}-{self.day[4:6]}-{self.day[6:]}"],
            )
            (last,) = cursor.fetchone()
            number = f"{self.region}-{self.day}-{last:05d}"
            cursor.execute(
                "UPDATE applications_application SET number = %s WHERE id = %s", [number, app_id]
            )
            for table in LATE_TABLES:
                self._insert(cursor, table, self.children[table], application_id=app_id)
            self._insert(
                cursor,
                "integrations_outboxmessage",
                self.outbox,
                idempotency_key=f"application.submitted:{number}",
                payload={"number": number, "bundle": "失业"},
            )
            self._insert(cursor, "core_auditevent", self.audits, object_id=number)


# ------------------------------------------------------------------------------------------
# Load
# ------------------------------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _load(
    clients: int,
    seconds: float,
    one: Callable[[Any], None],
    opener: Callable[[], Any],
    server_pids: list[int] | None = None,
) -> dict[str, float]:
    """``clients`` threads calling ``one`` until the time is up: rate, p50, p99, errors, and
    the CPU per submission of this client process (``client_ms``: both sides are driven by the
    same threads, so this shows what the load generator itself takes of the two cores) and of
    ``server_pids`` (``server_ms``)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def run() -> None:
        state = opener()
        mine: list[float] = []
        failed = 0
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            started = time.perf_counter()
            try:
                one(state)
                mine.append(time.perf_counter() - started)
            except Exception:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    client_before = time.process_time()
    server_before = _cpu_seconds(server_pids or [])
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_before
    server_cpu = _cpu_seconds(server_pids or []) - server_before
    done = max(1, len(latencies))
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {
        "rate": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "errors": float(errors[0]),
        "client_ms": 1000 * client_cpu / done,
        # A worker replaced during the load (its counter restarts): no figure.
        "server_ms": 1000 * server_cpu / done if server_cpu >= 0 else float("nan"),
    }


def _platform_client(port: int, token: str) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    body = json.dumps(BODY, ensure_ascii=False).encode()

    def opener() -> Any:
        # One connection per client thread, kept while the server keeps it (a threaded worker
        # does; a sync worker closes it after each answer and it is opened again).
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def one(conn: Any) -> None:
        conn.request(
            "POST",
            "/api/v1/applications",
            body,
            {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )
        response = conn.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(response.status)

    return opener, one


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _row(a: dict[str, float], b: dict[str, float], ratio: float) -> str:
    return (
        f"{a['rate']:>10.1f} {b['rate']:>10.1f} {ratio:>6.2f} {a['p50']:>7.0f}ms "
        f"{a['p99']:>7.0f}ms {b['p50']:>7.0f}ms {b['p99']:>7.0f}ms {int(a['errors'] + b['errors']):>4} "
        f"{a['server_ms']:>8.1f} {a['client_ms']:>6.1f}/{b['client_ms']:<6.1f}"
    )


def _summary(
    a_runs: list[dict[str, float]], b_runs: list[dict[str, float]], ratios: list[float]
) -> str:
    def med(values: list[float], digits: int = 0) -> str:
        return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"

    errors = int(sum(r["errors"] for r in a_runs + b_runs))
    return (
        f"中位数：平台 {med([r['rate'] for r in a_runs], 1)} 件/s，上限 {med([r['rate'] for r in b_runs], 1)} 件/s，"
        f"比值 {med(ratios, 2)}；平台 p99 {med([r['p99'] for r in a_runs])} ms，"
        f"上限 p99 {med([r['p99'] for r in b_runs])} ms；平台 CPU {med([r['server_ms'] for r in a_runs], 1)} ms/件；"
        f"客户端 CPU {med([r['client_ms'] for r in a_runs], 1)} / {med([r['client_ms'] for r in b_runs], 1)} ms/件；错误 {errors}"
    )


def _gunicorn(args: argparse.Namespace, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "kuaiban.wsgi:application",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            f"--bind=127.0.0.1:{port}",
            "--backlog=256",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn 未能启动")


def main() -> None:
    args = _arguments()
    env = _environment()
    _database_create(env["DATABASE_URL"])
    token = _world()
    from django.db import connection

    print(
        f"数据库 PostgreSQL；一件事 {BODY['pack']} {BODY['bundle']} / {BODY['scenario']}（7 个子件）"
    )
    before = _applications_count()
    cost, statements, number = _submission_cost(token, args.samples)
    print(
        f"单次提交（进程内）：{before:>9,} 件已有办件时 中位 {cost:6.1f} ms，SQL 语句 {statements} 条"
    )
    if args.background:
        took = _background_add(args.background, number)
        after = _applications_count()
        cost2, statements2, number = _submission_cost(token, args.samples)
        print(f"  追加 {args.background:,} 件背景办件用时 {took:.1f} s")
        print(
            f"单次提交（进程内）：{after:>9,} 件已有办件时 中位 {cost2:6.1f} ms，SQL 语句 {statements2} 条"
        )
        print(f"  成本比（大/小）：{cost2 / cost:.2f}")
    connection.close()

    ceiling = Ceiling(env["DATABASE_URL"], number)
    server, port = _gunicorn(args, env)
    try:
        import psycopg

        opener, one = _platform_client(port, token)
        for _ in range(3):  # every worker builds its policy cache before the clock runs
            _load(args.workers, 1.0, one, opener)
        workers = _children(server.pid)
        print(
            f"gunicorn {args.workers} 个 {args.worker_class} 工作进程（{args.threads} 线程）；每段 {args.seconds:g} s，A/B 交替 {args.rounds} 轮"
            "（每轮一行；末行为中位数，括号内为范围；CPU 为每件的毫秒数：平台工作进程、压测客户端进程）"
        )
        print(
            f"{'客户端':>6} {'平台 件/s':>10} {'上限 件/s':>10} {'比值':>6} "
            f"{'平台 p50':>9} {'平台 p99':>9} {'上限 p50':>9} {'上限 p99':>9} {'错误':>4} "
            f"{'平台CPU':>8} {'客户端CPU A/B':>14}"
        )
        for clients in args.clients:
            a_runs, b_runs, ratios = [], [], []
            for _ in range(args.rounds):
                a = _load(clients, args.seconds, one, opener, server_pids=workers)
                b = _load(
                    clients,
                    args.seconds,
                    ceiling.submit,
                    lambda: psycopg.connect(env["DATABASE_URL"], autocommit=True),
                )
                a_runs.append(a)
                b_runs.append(b)
                ratios.append(a["rate"] / b["rate"] if b["rate"] else 0.0)
                print(f"{'':>6} {_row(a, b, ratios[-1])}")
            print(f"{clients:>6} {_summary(a_runs, b_runs, ratios)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
