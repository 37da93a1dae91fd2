"""Scale-out, exercised: two web nodes behind nginx, two workers, PostgreSQL and Redis, under
intake load at 80 % of the capacity measured a moment before; then the books are checked.

    .venv/bin/python scripts/scale_out.py [--seconds 30] [--probe-seconds 10] [--clients 8]
                                          [--database-url postgres://postgres@127.0.0.1:5432/kb_scale]

What it starts, all on 127.0.0.1 with free ports, all stopped at the end:
- a scratch PostgreSQL database (``--database-url``; dropped and made anew, dropped again unless
  ``--keep``), migrated and loaded like ``make setup-demo``;
- a Redis (``redis-server``, nothing on disk) for the shared cache;
- two web nodes: gunicorn with the production settings (``kuaiban/gunicorn_conf.py``), each with
  ``--node-workers`` processes;
- nginx in front of them (round robin, keep-alive, ``X-Request-ID: $request_id``);
- two ``kuaiban worker`` processes;
- a receiver standing in for the agencies' systems and the SMS gateway: every agency delivers
  by webhook and applicants are notified by SMS, so every outbox message is an HTTP call.

The load: the demo applicant 张建国 submits 退休 (Shandong 7-1) through the API with one upload,
each request with its own ``Idempotency-Key``. First ``--probe-seconds`` with ``--clients``
clients as fast as they go (the capacity), then ``--seconds`` paced at 80 % of it. A few
requests are sent twice with their key (a client's retry).

Checked, and the run fails (exit 1) otherwise: no request failed; every accepted submission is
stored exactly once (numbers and keys), the retries gave the first application back; every
outbox message is delivered, none dead, each reached the receiver with the request id of the
submission that caused it; the supervisor's overview page, read through nginx, shows the raw
count of applications; the submissions counted by both nodes' metrics add up to the same; every
line the nodes and workers logged is one JSON object, and the workers' lines name the request
id of every submission.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

APPLICANT = ("zhangjianguo", "kuaiban-demo")
SUPERVISOR = ("supervisor-sd", "kuaiban-demo")
METRICS_TOKEN = uuid.uuid4().hex
RUN = uuid.uuid4().hex[:8]  # this run's idempotency keys: scale:<run>:<phase>:<n>
RETIREMENT = {
    "pack": "shandong-2020",
    "bundle": "7",
    "scenario": "7-1",
    "items": [],
    "form": {"retirement_date": "2025-03-12", "retirement_type": "达到法定退休年龄"},
    "materials": {},
    "commitments": {"credit": True},
    "channel": "web",
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="按 80% 产能施压的秒数")
    parser.add_argument("--probe-seconds", type=float, default=10.0, help="测产能的秒数")
    parser.add_argument("--clients", type=int, default=8, help="并发客户端数")
    parser.add_argument(
        "--node-workers", type=int, default=2, help="每个 Web 节点的 gunicorn 进程数"
    )
    parser.add_argument(
        "--pool-size", type=int, default=0, help="DATABASE_POOL_SIZE（0：持久连接）"
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/kb_scale",
    )
    parser.add_argument("--keep", action="store_true", help="结束后保留数据库")
    parser.add_argument(
        "--reuse", action="store_true", help="沿用 --keep 保留的数据库（跳过建库与初始化）"
    )
    args = parser.parse_args()
    if args.seconds <= 0 or args.probe_seconds <= 0 or args.clients < 1 or args.node_workers < 1:
        parser.error("--seconds、--probe-seconds 须为正数，--clients、--node-workers 须为正整数")
    return args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(
    port: int, *, what: str, process: subprocess.Popen[bytes], seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} 启动失败（退出码 {process.returncode}）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} 在 {seconds:g} 秒内没有监听端口 {port}")


# ---------------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------------


def _database_recreate(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"数据库名 {name!r} 只能含小写字母、数字和下划线")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def _database_drop(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')} WITH (FORCE)")


def _setup(env: dict[str, str], *, database: bool) -> None:
    """What `make setup-demo` does, with the production settings, plus collected static files."""
    kuaiban = str(BIN / "kuaiban")
    # collectstatic needs no database: it runs beside the database steps.
    static = subprocess.Popen([kuaiban, "collectstatic", "--noinput", "-v0"], env=env)
    if database:

        def run(*command: str) -> None:
            subprocess.run([kuaiban, *command], env=env, check=True, stdout=subprocess.DEVNULL)

        run("migrate", "--noinput", "-v0")
        # The calendar and the packs touch different tables: loaded side by side.
        calendar = subprocess.Popen([kuaiban, "calendar_seed"], env=env, stdout=subprocess.DEVNULL)
        run("pack", "load")
        if calendar.wait() != 0:
            raise SystemExit("calendar_seed 失败")
        run("demo_setup")
    if static.wait() != 0:
        raise SystemExit("collectstatic 失败")


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _world_prepare(receiver_url: str) -> None:
    """Every agency delivers by webhook to the receiver; the calendar reaches next year."""
    from django.utils import timezone

    from kuaiban.calendar.models import CalendarYear
    from kuaiban.catalogue.models import Agency, Delivery

    Agency.objects.update(
        delivery=Delivery.WEBHOOK,
        webhook_url=f"{receiver_url}agency",
        webhook_secret="scale-out-secret",
    )
    # Due dates of today's submissions may fall next year; a year the package does not cover
    # yet is counted with weekends only for this run (the admin would enter its holidays).
    next_year = timezone.localdate().year + 1
    if not CalendarYear.objects.filter(year=next_year, complete=True).exists():
        CalendarYear.objects.update_or_create(
            year=next_year, defaults={"complete": True, "note": "scale-out run: weekends only"}
        )


# ---------------------------------------------------------------------------------------------
# The processes
# ---------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    lb_port: int
    node_ports: list[int]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


@contextmanager
def _process(
    command: list[str], *, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _nginx_conf(scratch: Path, *, port: int, nodes: list[int]) -> Path:
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in nodes)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf = scratch / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {scratch}/nginx.pid;
error_log {scratch}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {scratch}/nginx-body;
  proxy_temp_path {scratch}/nginx-proxy;
  fastcgi_temp_path {scratch}/nginx-fastcgi;
  uwsgi_temp_path {scratch}/nginx-uwsgi;
  scgi_temp_path {scratch}/nginx-scgi;
  upstream kuaiban {{
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 110m;
    location / {{
      proxy_pass http://kuaiban;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
    }}
  }}
}}
"""
    )
    return conf


def _cluster(stack: ExitStack, *, scratch: Path, env: dict[str, str], node_workers: int) -> Cluster:
    """Two web nodes, two workers and nginx, each stopped when ``stack`` closes."""
    cluster = Cluster(lb_port=_free_port(), node_ports=[_free_port(), _free_port()])
    for n, port in enumerate(cluster.node_ports, start=1):
        node_env = env | {"PROMETHEUS_MULTIPROC_DIR": str(scratch / f"metrics-node{n}")}
        command = [
            str(BIN / "gunicorn"),
            "-c",
            "python:kuaiban.gunicorn_conf",
            "--workers",
            str(node_workers),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        process = stack.enter_context(_process(command, env=node_env, log=scratch / f"node{n}.log"))
        cluster.processes.append(process)
    for n in (1, 2):
        command = [
            str(BIN / "kuaiban"),
            "worker",
            "--sleep",
            "0.2",
            "--worker-id",
            f"scale-worker-{n}",
        ]
        cluster.processes.append(
            stack.enter_context(
                # INFO: a line per delivery, each naming the request that caused it.
                _process(
                    command, env=env | {"KUAIBAN_LOG_LEVEL": "INFO"}, log=scratch / f"worker{n}.log"
                )
            )
        )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = _nginx_conf(scratch, port=cluster.lb_port, nodes=cluster.node_ports)
    command = [nginx, "-p", str(scratch), "-c", str(conf), "-g", "daemon off;"]
    lb = stack.enter_context(_process(command, env=env, log=scratch / "nginx.log"))
    cluster.processes.append(lb)
    for n, port in enumerate(cluster.node_ports):
        _wait_for_port(port, what=f"Web 节点 {n + 1}", process=cluster.processes[n])
    _wait_for_port(cluster.lb_port, what="nginx", process=lb)
    return cluster


@contextmanager
def _redis(scratch: Path) -> Iterator[str]:
    port = _free_port()
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    command = [
        server,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    with _process(command, env=dict(os.environ), log=scratch / "redis.log") as process:
        _wait_for_port(port, what="Redis", process=process)
        yield f"redis://127.0.0.1:{port}/0"


# ---------------------------------------------------------------------------------------------
# The receiver of the webhooks and SMS
# ---------------------------------------------------------------------------------------------


@dataclass
class Arrivals:
    keys: Counter[str] = field(default_factory=Counter)
    request_ids: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def _receiver(delay: float) -> Iterator[tuple[str, Arrivals]]:
    arrivals = Arrivals()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(delay)
            key = self.headers.get("Idempotency-Key", "")
            with arrivals.lock:
                arrivals.keys[key] += 1
                arrivals.request_ids[key] = self.headers.get("X-Request-ID", "")
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", arrivals
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------
# The load
# ---------------------------------------------------------------------------------------------


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _multipart(application: dict[str, object], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="application"\r\n\r\n'.encode()
    )
    out.write(json.dumps(application, ensure_ascii=False).encode() + b"\r\n")
    for code, content in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="material.{code}"; '
            f'filename="{code}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Outcome:
    key: str
    status: int
    seconds: float
    number: str = ""
    request_id: str = ""
    error: str = ""


@dataclass
class Load:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class Client:
    """One keep-alive connection to the load balancer."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return (
                    response.status,
                    {k.lower(): v for k, v in response.getheaders()},
                    response.read(),
                )
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                # A keep-alive connection the server closed while idle: open a new one once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def submit(self, body: bytes, content_type: str, *, key: str) -> Outcome:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": content_type,
            "Idempotency-Key": key,
        }
        started = time.perf_counter()
        try:
            status, answer_headers, answer = self.request(
                "POST", "/api/v1/applications", body=body, headers=headers
            )
        except OSError as error:
            return Outcome(
                key, 0, time.perf_counter() - started, error=f"{type(error).__name__}: {error}"
            )
        seconds = time.perf_counter() - started
        outcome = Outcome(key, status, seconds, request_id=answer_headers.get("x-request-id", ""))
        if status in (200, 201):
            outcome.number = json.loads(answer)["number"]
        else:
            outcome.error = answer[:300].decode(errors="replace")
        return outcome


def _token(port: int, username: str, password: str) -> str:
    client = Client(port, "")
    status, _, answer = client.request(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status != 201:
        raise SystemExit(f"无法获取 {username} 的访问令牌：HTTP {status} {answer[:200]!r}")
    return str(json.loads(answer)["token"])


def _run_load(
    *,
    port: int,
    token: str,
    clients: int,
    seconds: float,
    rate: float | None,
    tag: str,
    count: int | None = None,
) -> Load:
    """``clients`` threads for ``seconds`` (or ``count`` requests): as fast as they go, or
    paced at ``rate`` a second. ``load.seconds`` is the time until the last answer."""
    body, content_type = _multipart(RETIREMENT, {"personnel_archive": _pdf()})
    load = Load()
    started = time.monotonic()
    ticket = iter(range(10**9))
    ticket_lock = threading.Lock()

    def work() -> None:
        client = Client(port, token)
        while True:
            with ticket_lock:
                n = next(ticket)
            at = started + n / rate if rate else time.monotonic()
            if at - started >= seconds or (count is not None and n >= count):
                return
            time.sleep(max(0.0, at - time.monotonic()))
            load.add(client.submit(body, content_type, key=f"scale:{RUN}:{tag}:{n}"))

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.monotonic() - started
    return load


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _summary(load: Load) -> str:
    ok = [o.seconds for o in load.outcomes if o.status in (200, 201)]
    return (
        f"{len(ok) / load.seconds:6.1f} 件/秒，p50 {statistics.median(ok) * 1000 if ok else 0:.0f} ms，"
        f"p99 {_percentile(ok, 0.99) * 1000:.0f} ms，成功 {len(ok)}，失败 {len(load.outcomes) - len(ok)}"
    )


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def _metric_sum(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(3))
    return total


def _metrics(port: int) -> str:
    client = Client(port, "")
    status, _, answer = client.request(
        "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    if status != 200:
        raise SystemExit(f"/metrics 返回 HTTP {status}")
    return answer.decode()


def _drain_wait(port: int, *, seconds: float) -> float:
    """Until the metrics say nothing is pending; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if _metric_sum(_metrics(port), "kuaiban_outbox_pending") == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise SystemExit(f"发件箱 {seconds:g} 秒内没有清空")


def _supervision_received(port: int) -> int:
    """The 受理办件 figure of the supervisor's overview page, read as a person would."""
    client = Client(port, "")
    status, headers, page = client.request("GET", "/accounts/login/", headers={})
    cookies = {
        m.group(1): m.group(2)
        for m in re.finditer(r"(csrftoken)=([^;]+)", headers.get("set-cookie", ""))
    }
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not csrf or "csrftoken" not in cookies:
        raise SystemExit(f"登录页异常：HTTP {status}")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf.group(1).decode(),
            "username": SUPERVISOR[0],
            "password": SUPERVISOR[1],
        }
    ).encode()
    status, headers, _ = client.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    session = re.search(r"sessionid=([^;]+)", headers.get("set-cookie", ""))
    if status != 302 or not session:
        raise SystemExit(f"监督员登录失败：HTTP {status}")
    status, _, page = client.request(
        "GET", "/supervision/", headers={"Cookie": f"sessionid={session.group(1)}"}
    )
    text = page.decode()
    match = re.search(
        r'sv-card-label">受理办件</span>\s*<span class="sv-card-value">([\d,]+)', text
    )
    if status != 200 or not match:
        raise SystemExit(f"监督统计页异常：HTTP {status}")
    return int(match.group(1).replace(",", ""))


def _logs_check(scratch: Path, *, accepted: list[Outcome]) -> list[str]:
    """Every line the nodes and workers wrote is one JSON object; the workers' lines name the
    request id of every accepted submission (its deliveries)."""
    problems: list[str] = []
    worker_ids: set[str] = set()
    for log in sorted(scratch.glob("node*.log")) + sorted(scratch.glob("worker*.log")):
        for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                problems.append(f"{log.name} 第 {number} 行不是 JSON：{line[:120]}")
                break
            if log.name.startswith("worker") and entry.get("request_id"):
                worker_ids.add(entry["request_id"])
    missing = {o.request_id for o in accepted if o.status == 201} - worker_ids
    if missing:
        problems.append(f"{len(missing)} 件申请的请求编号没有出现在工作进程的日志中")
    return problems


def _check(
    *,
    since: dt.datetime,
    accepted: list[Outcome],
    retries: list[tuple[Outcome, Outcome]],
    arrivals: Arrivals,
    cluster: Cluster,
) -> list[str]:
    from django.db.models import Count

    from kuaiban.applications.models import Application
    from kuaiban.integrations.models import OutboxMessage, OutboxState

    problems: list[str] = []
    numbers = [o.number for o in accepted if o.status == 201]
    stored = Application.objects.filter(idempotency_key__startswith=f"scale:{RUN}:")
    duplicates = stored.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    if stored.count() != len(numbers) or set(stored.values_list("number", flat=True)) != set(
        numbers
    ):
        problems.append(f"存储的办件 {stored.count()} 件，与受理回应 {len(numbers)} 件不一致")
    if duplicates or len(set(numbers)) != len(numbers):
        problems.append(f"有重复存储的办件（同一幂等键 {duplicates} 组）")
    for first, again in retries:
        if (again.status, again.number) != (200, first.number):
            problems.append(
                f"重试 {first.key} 得到 HTTP {again.status} {again.number}，而非原办件 {first.number}"
            )
    messages = OutboxMessage.objects.filter(created_at__gte=since)
    not_delivered = messages.exclude(state=OutboxState.DELIVERED)
    if not_delivered.exists():
        states = Counter(not_delivered.values_list("state", flat=True))
        problems.append(f"发件箱有未送达的消息：{dict(states)}")
    by_number = {o.number: o.request_id for o in accepted if o.status == 201}
    unheard, wrong_id = 0, 0
    for message in messages.filter(state=OutboxState.DELIVERED):
        calls = [
            k
            for k in arrivals.keys
            if k == message.idempotency_key or k.startswith(f"{message.idempotency_key}:sms:")
        ]
        if not calls:
            unheard += 1
            continue
        expected = by_number.get(str(message.payload.get("number", "")), message.request_id)
        if message.payload.get("number") is not None and message.request_id != expected:
            wrong_id += 1
        if any(arrivals.request_ids[k] != message.request_id for k in calls):
            wrong_id += 1
    if unheard:
        problems.append(f"{unheard} 条已送达的消息没有到达接收方")
    if wrong_id:
        problems.append(f"{wrong_id} 条消息的请求编号与提交请求的编号不一致")
    raw = Application.objects.filter(region__code__startswith="37").count()
    shown = _supervision_received(cluster.lb_port)
    if shown != raw:
        problems.append(f"监督统计页的受理办件 {shown} ≠ 数据库中的 {raw}")
    counted = sum(
        _metric_sum(_metrics(port), "kuaiban_submissions_total", pack="shandong-2020")
        for port in cluster.node_ports
    )
    if counted != len(numbers):
        problems.append(
            f"两个节点的 kuaiban_submissions_total 合计 {counted:g} ≠ 受理 {len(numbers)}"
        )
    alive = _metric_sum(_metrics(cluster.lb_port), "kuaiban_workers_alive")
    if alive != 2:
        problems.append(f"kuaiban_workers_alive = {alive:g}，应为 2")
    print(
        f"核对：办件 {stored.count()} 件（各存一次），发件箱 {messages.count()} 条全部送达，"
        f"接收方收到 {sum(arrivals.keys.values())} 次调用；监督统计页受理办件 {shown} = 数据库 {raw}；"
        f"指标 submissions {counted:g}，在线工作进程 {alive:g}"
    )
    return problems


# ---------------------------------------------------------------------------------------------


def main() -> int:
    args = _arguments()
    for tool in ("nginx", "redis-server"):
        if not (
            shutil.which(tool)
            or Path(f"/usr/sbin/{tool}").exists()
            or Path(f"/usr/bin/{tool}").exists()
        ):
            print(
                f"需要 {tool}（Debian：apt-get install nginx-light redis-server）", file=sys.stderr
            )
            return 2
    scratch = Path(tempfile.mkdtemp(prefix="kuaiban-scale-", dir="/tmp"))
    began = time.monotonic()
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, scratch, True)
        receiver_url, arrivals = stack.enter_context(_receiver(0.005))
        redis_url = stack.enter_context(_redis(scratch))
        env = dict(os.environ) | {
            "DJANGO_SETTINGS_MODULE": "kuaiban.settings",
            "DJANGO_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_COOKIES": "0",
            "DATABASE_URL": args.database_url,
            "DATABASE_POOL_SIZE": str(args.pool_size),
            "KUAIBAN_REDIS_URL": redis_url,
            "KUAIBAN_VAR_DIR": str(scratch / "var"),
            "KUAIBAN_STATIC_ROOT": str(scratch / "static"),
            "KUAIBAN_MEDIA_ROOT": str(scratch / "media"),
            "KUAIBAN_METRICS_TOKEN": METRICS_TOKEN,
            "KUAIBAN_TRUSTED_PROXY_COUNT": "1",
            "KUAIBAN_NOTIFY_CHANNELS": "sms",
            "KUAIBAN_SMS_URL": f"{receiver_url}sms",
            "KUAIBAN_LOG_LEVEL": "WARNING",
        }
        if not args.reuse:
            _database_recreate(args.database_url)
        if not args.keep:
            stack.callback(_database_drop, args.database_url)
        _setup(env, database=not args.reuse)
        _django(env)
        _world_prepare(receiver_url)
        cluster = _cluster(stack, scratch=scratch, env=env, node_workers=args.node_workers)
        print(
            f"已启动：nginx :{cluster.lb_port} → Web 节点 :{cluster.node_ports[0]}、:{cluster.node_ports[1]}"
            f"（各 {args.node_workers} 个 gunicorn 进程），2 个工作进程，Redis，PostgreSQL"
            f"（{'连接池 ' + str(args.pool_size) if args.pool_size else '持久连接'}）；准备用时 {time.monotonic() - began:.0f} 秒"
        )
        from django.utils import timezone

        started_at = timezone.now()
        token = _token(cluster.lb_port, *APPLICANT)
        # Each gunicorn process reads the packs and the calendar once: not part of the capacity.
        warm = _run_load(
            port=cluster.lb_port,
            token=token,
            clients=2 * args.node_workers,
            seconds=60,
            rate=None,
            tag="warm",
            count=4 * args.node_workers,
        )
        probe = _run_load(
            port=cluster.lb_port,
            token=token,
            clients=args.clients,
            seconds=args.probe_seconds,
            rate=None,
            tag="probe",
        )
        capacity = sum(1 for o in probe.outcomes if o.status == 201) / probe.seconds
        print(
            f"产能（{args.clients} 个客户端尽快提交 {args.probe_seconds:g} 秒）：{_summary(probe)}"
        )
        if capacity <= 0:
            print("测不出产能：没有一件提交成功", file=sys.stderr)
            for outcome in probe.outcomes[:3]:
                print(f"  HTTP {outcome.status} {outcome.error}", file=sys.stderr)
            return 1
        rate = 0.8 * capacity
        steady = _run_load(
            port=cluster.lb_port,
            token=token,
            clients=args.clients,
            seconds=args.seconds,
            rate=rate,
            tag="steady",
        )
        print(f"按 80% 产能（{rate:.1f} 件/秒）施压 {args.seconds:g} 秒：{_summary(steady)}")
        accepted = warm.outcomes + probe.outcomes + steady.outcomes
        client = Client(cluster.lb_port, token)
        body, content_type = _multipart(RETIREMENT, {"personnel_archive": _pdf()})
        firsts = [o for o in steady.outcomes if o.status == 201][:5]
        retries = [(o, client.submit(body, content_type, key=o.key)) for o in firsts]
        drained = _drain_wait(cluster.lb_port, seconds=120)
        print(f"负载结束后 {drained:.1f} 秒发件箱清空")
        failed = [o for o in accepted if o.status != 201]
        problems = (
            [f"{len(failed)} 个请求失败，如：HTTP {failed[0].status} {failed[0].error}"]
            if failed
            else []
        )
        problems += _logs_check(scratch, accepted=accepted)
        problems += _check(
            since=started_at, accepted=accepted, retries=retries, arrivals=arrivals, cluster=cluster
        )
        from django.db import connections

        connections.close_all()
    print(f"共用时 {time.monotonic() - began:.0f} 秒")
    if problems:
        print("未通过：\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("通过：0 错误，每件申请存储一次，每条发件箱消息送达，监督统计与原始计数一致。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
