"""Database connections per web process: a new one per request, persistent, or a pool.

    .venv/bin/python bench/connections_bench.py --database-url postgres://…/kb_bench
                                               [--requests 300] [--rounds 5]

Each mode runs in its own process with the production settings (``DATABASE_CONN_MAX_AGE=0``;
``DATABASE_CONN_MAX_AGE=60``, the default; ``DATABASE_POOL_SIZE=4``) and sends ``--requests``
requests through Django's whole stack (middleware, URL routing, the view) to an endpoint that
reads the database: ``GET /api/v1/packs``. The modes take turns, round after round, so a
machine whose speed drifts slows each alike; the medians per request and their ratios to the
persistent connection are printed. The database must be migrated with the packs loaded
(``make setup-demo`` against it, or ``scripts/scale_out.py --keep``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = {
    "new connection per request": {"DATABASE_CONN_MAX_AGE": "0", "DATABASE_POOL_SIZE": "0"},
    "persistent (CONN_MAX_AGE 60)": {"DATABASE_CONN_MAX_AGE": "60", "DATABASE_POOL_SIZE": "0"},
    "pool (psycopg_pool, 4)": {"DATABASE_CONN_MAX_AGE": "0", "DATABASE_POOL_SIZE": "4"},
}
BASELINE = "persistent (CONN_MAX_AGE 60)"


def _one(requests: int) -> None:
    """In the child: the requests, then the milliseconds per request on stdout.

    Through Django's WSGI handler, as gunicorn calls it: the request_started/finished signals
    close (or keep, or give back to the pool) the connection as in production. Django's test
    client would not: it turns those signals off.
    """
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def get() -> int:
        environ: dict[str, object] = {"PATH_INFO": "/api/v1/packs", "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        status: list[str] = []
        response = application(environ, lambda s, h, e=None: status.append(s))
        for _ in response:
            pass
        response.close()  # sends request_finished: the connection is closed or kept here
        return int(status[0].split()[0])

    assert get() == 200  # warm: imports, caches
    started = time.perf_counter()
    for _ in range(requests):
        get()
    print(f"{(time.perf_counter() - started) * 1000 / requests:.4f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _one(args.requests)
        return 0
    env = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "kuaiban.settings",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": args.database_url,
        "KUAIBAN_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, __file__, "--child", "--database-url", args.database_url]
    command += ["--requests", str(args.requests)]
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode, settings in MODES.items():
            done = subprocess.run(
                command,
                env=env | settings,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            times[mode].append(float(done.stdout.strip().splitlines()[-1]))
    base = statistics.median(times[BASELINE])
    print(f"{args.rounds} 轮 × {args.requests} 个请求（GET /api/v1/packs，整个 Django 处理链）：")
    for mode, values in times.items():
        median = statistics.median(values)
        print(
            f"  {mode:<30} 中位数 {median:6.2f} ms/请求"
            f"（{min(values):.2f}–{max(values):.2f}），与持久连接之比 {median / base:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
