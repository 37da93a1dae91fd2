"""Benchmark of a new web process's first request, with and without its warm-up.

    .venv/bin/python bench/first_request_bench.py [--user supervisor-sd] [--path /supervision/] \\
        [--rounds 4]

Each round starts two fresh processes, in turn A B (the order alternating between rounds):
- A loads the WSGI application as Django alone does (`get_wsgi_application`);
- B loads `kuaiban.wsgi`, which also warms the process (`core/process_warm.py`: the URL
  configuration imported, the reverse tables filled, the templates compiled).
Each process then logs the user in and times its first request to the path, and a second
one. Printed: each figure, the medians and the ratio B ÷ A of the first request, and of the
load plus the first request. The database is the one the settings name (by default the
demo's, `make setup-demo`; DATABASE_URL for another); the supervision cache is off.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, os, sys, time
started = time.perf_counter()
if sys.argv[1] == "B":
    import kuaiban.wsgi
else:
    from django.core.wsgi import get_wsgi_application
    get_wsgi_application()
loaded = time.perf_counter() - started
from django.test import Client
from kuaiban.accounts.models import User
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username=sys.argv[2]))
times = []
for _ in range(2):
    begun = time.perf_counter()
    status = client.get(sys.argv[3]).status_code
    times.append(time.perf_counter() - begun)
    assert status == 200, status
print(json.dumps({"load": loaded, "first": times[0], "second": times[1]}))
"""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="supervisor-sd")
    parser.add_argument("--path", default="/supervision/")
    parser.add_argument("--rounds", type=int, default=4)
    return parser.parse_args()


def _child(mode: str, args: argparse.Namespace) -> dict[str, float]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "kuaiban.settings_dev"),
        "KUAIBAN_SUPERVISION_CACHE_SECONDS": "0",
        "KUAIBAN_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, args.user, args.path],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    args = _arguments()
    runs: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    for number in range(args.rounds):
        for mode in ("A", "B") if number % 2 == 0 else ("B", "A"):
            figures = _child(mode, args)
            runs[mode].append(figures)
            print(
                f"第 {number + 1} 轮 {mode}：载入 {figures['load'] * 1000:,.0f} ms，"
                f"首个请求 {figures['first'] * 1000:,.0f} ms，"
                f"第二个 {figures['second'] * 1000:,.0f} ms",
                flush=True,
            )

    def median(mode: str, *keys: str) -> float:
        return statistics.median(sum(f[k] for k in keys) for f in runs[mode])

    for label, keys in (("首个请求", ("first",)), ("载入＋首个请求", ("load", "first"))):
        a, b = median("A", *keys), median("B", *keys)
        print(
            f"{label}：A（不预热）中位数 {a * 1000:,.0f} ms，B（预热）{b * 1000:,.0f} ms，"
            f"B ÷ A = {b / a:.2f}"
        )
    print(
        f"第二个请求：A {median('A', 'second') * 1000:,.0f} ms，B {median('B', 'second') * 1000:,.0f} ms"
    )


if __name__ == "__main__":
    main()
