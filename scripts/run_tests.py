"""Run the suite on SQLite and, when reachable, on PostgreSQL; say plainly what was skipped.

Environment:
  DATABASE_URL               the PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432/kuaiban)
  KUAIBAN_REQUIRE_POSTGRES=1 fail instead of skipping when PostgreSQL is unreachable (CI)
  KUAIBAN_REQUIRE_BROWSER=1  fail instead of skipping browser tests when Chromium is missing (CI)
  KUAIBAN_TEST_SEQUENTIAL=1  run the two databases one after the other (default: at the same
                             time, each in its own process, when both run: a machine with two
                             cores then takes about as long as the longer of the two)
  KUAIBAN_TEST_WORKERS=N     processes for a database run that has the machine to itself (one
                             database, or the two one after the other): its tests spread over N
                             processes (pytest-xdist); default the machine's cores
Extra arguments are passed to pytest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/kuaiban"
CHROMIUM = "/usr/bin/chromium"


def flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_PG


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 3):
            return True
    except OSError:
        return False


@dataclass
class Run:
    label: str
    args: list[str]
    env: dict[str, str]


def workers() -> int:
    """Processes per database run: KUAIBAN_TEST_WORKERS, else the cores this process may use."""
    value = os.environ.get("KUAIBAN_TEST_WORKERS", "")
    if value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def spread(args: list[str], count: int) -> list[str]:
    """The pytest arguments that spread a run over ``count`` processes, a test at a time (each
    process builds the worlds it needs once: tests/worlds.py)."""
    if count < 2 or any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args):
        return args
    return ["-n", str(count), "--dist", "load", *args]


def run_one(run: Run) -> int:
    print(f"\n=== {run.label} ===", flush=True)
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", *run.args], env=run.env)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"=== {run.label}：{minutes} 分 {seconds} 秒 ===", flush=True)
    return code


def run_together(runs: list[Run]) -> int:
    """Start every run at once, each with its output in a file; print each in turn."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="kuaiban-tests-") as folder:
        started = []
        for n, run in enumerate(runs):
            log = open(Path(folder) / f"{n}.log", "w+b")  # noqa: SIM115 - closed below
            command = [sys.executable, "-m", "pytest", *run.args]
            process = subprocess.Popen(command, env=run.env, stdout=log, stderr=subprocess.STDOUT)
            started.append((run, process, log))
        print("同时运行：" + "、".join(run.label for run in runs), flush=True)
        for run, process, log in started:
            failures |= process.wait()
            log.seek(0)
            print(f"\n=== {run.label} ===", flush=True)
            sys.stdout.buffer.write(log.read())
            sys.stdout.flush()
            log.close()
    return failures


def main() -> int:
    extra = sys.argv[1:]
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base_env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest uses kuaiban.settings_test
    # Python's default: each module compiled once (__pycache__, ignored by git) for every process
    # of the run, the test processes and the workers and commands the tests start, instead of
    # compiling the whole code (and rewriting every test module's asserts) in each of them.
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    skipped: list[str] = []

    browser_ok = os.path.exists(CHROMIUM)
    if not browser_ok:
        if flag("KUAIBAN_REQUIRE_BROWSER"):
            print(
                f"浏览器测试需要 {CHROMIUM}（apt-get install chromium），但未找到。",
                file=sys.stderr,
            )
            return 1
        skipped.append(f"浏览器测试：未找到 {CHROMIUM}（apt-get install chromium 后即可运行）")
    sqlite_args = extra if browser_ok else ["-m", "not browser", *extra]
    runs = [Run("SQLite（内置默认数据库）", sqlite_args, base_env)]

    url = postgres_url()
    if reachable(url):
        pg_env = {**base_env, "DATABASE_URL": url}
        # Browser tests exercise pages, not the database engine: once (on SQLite) is enough.
        runs.append(Run(f"PostgreSQL（{url}）", ["-m", "not browser", *extra], pg_env))
    elif flag("KUAIBAN_REQUIRE_POSTGRES"):
        print(f"PostgreSQL 不可达：{url}（CI 要求必须在 PostgreSQL 上运行）", file=sys.stderr)
        return 1
    else:
        skipped.append(
            f"PostgreSQL：{url} 不可达（设置 DATABASE_URL 或在 127.0.0.1:5432 启动 PostgreSQL）"
        )

    if len(runs) > 1 and not flag("KUAIBAN_TEST_SEQUENTIAL"):
        # Each run in one process keeps one core busy: no run pays for a second set of worlds.
        failures = run_together(runs)
    else:
        failures = 0
        for run in runs:
            run.args = spread(run.args, workers())
            failures |= run_one(run)
    for line in skipped:
        print(f"已跳过 — {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
