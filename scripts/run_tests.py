"""Run the suite on SQLite, then on PostgreSQL when reachable; say plainly what was skipped.

Environment:
  DATABASE_URL               the PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432/kuaiban)
  KUAIBAN_REQUIRE_POSTGRES=1 fail instead of skipping when PostgreSQL is unreachable (CI)
  KUAIBAN_REQUIRE_BROWSER=1  fail instead of skipping browser tests when Chromium is missing (CI)
Extra arguments are passed to pytest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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


def pytest(args: list[str], env: dict[str, str], label: str) -> int:
    print(f"\n=== {label} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    extra = sys.argv[1:]
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base_env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest uses kuaiban.settings_test
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
    failures = pytest(sqlite_args, base_env, "SQLite（内置默认数据库）")

    url = postgres_url()
    if reachable(url):
        pg_env = {**base_env, "DATABASE_URL": url}
        # Browser tests exercise pages, not the database engine: once (on SQLite) is enough.
        failures |= pytest(["-m", "not browser", *extra], pg_env, f"PostgreSQL（{url}）")
    elif flag("KUAIBAN_REQUIRE_POSTGRES"):
        print(f"PostgreSQL 不可达：{url}（CI 要求必须在 PostgreSQL 上运行）", file=sys.stderr)
        return 1
    else:
        skipped.append(
            f"PostgreSQL：{url} 不可达（设置 DATABASE_URL 或在 127.0.0.1:5432 启动 PostgreSQL）"
        )

    for line in skipped:
        print(f"已跳过 — {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
