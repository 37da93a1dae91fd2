"""The process's own Prometheus instruments: request latency by route, submissions by pack.

Counted where they happen, in the process that serves the request (prometheus_client). Under
gunicorn each worker process writes its samples to ``PROMETHEUS_MULTIPROC_DIR`` and the
metrics endpoint adds them up (``kuaiban/monitoring/views.py``, ``kuaiban/gunicorn_conf.py``).
The figures read from the database at scrape time (outbox, workers, roll-ups) are in
``kuaiban/monitoring/collector.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from prometheus_client import Counter, Histogram

# Routes, not paths: "api/v1/applications/<number>" is one series whatever the number.
UNMATCHED = "(unmatched)"
STATIC = "(static)"

REQUEST_SECONDS = Histogram(
    "kuaiban_request_duration_seconds",
    "Time to answer a request, by route pattern, method and status.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SUBMISSIONS = Counter(
    "kuaiban_submissions",
    "Applications stored (new submissions, not idempotent replays), by pack and channel.",
    ["pack", "channel"],
)


def submission_count(*, pack: str, channel: str) -> None:
    SUBMISSIONS.labels(pack=pack, channel=channel).inc()


def request_route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    if request.path_info.startswith(settings.STATIC_URL):
        return STATIC
    return UNMATCHED


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "OTHER"
        REQUEST_SECONDS.labels(
            route=request_route(request), method=method, status=str(response.status_code)
        ).observe(time.perf_counter() - started)
        return response
