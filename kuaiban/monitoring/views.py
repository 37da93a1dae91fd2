"""``GET /metrics``: the Prometheus text format, for a scraper that holds the token.

``Authorization: Bearer <KUAIBAN_METRICS_TOKEN>``; a missing or wrong token is a 401 in the
API's error shape, and with no token configured the endpoint does not exist (404). The
process's own instruments (``kuaiban/core/metrics.py``) are those of every gunicorn worker
added up when ``PROMETHEUS_MULTIPROC_DIR`` is set, this process's otherwise; the database's
figures are computed now (``collector.py``).
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from kuaiban.core.errors import error_body
from kuaiban.monitoring.collector import DatabaseCollector


def _token_given(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def metrics(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(error_body("method_not_allowed", "请求方法不被允许"), status=405)
        response["Allow"] = "GET, HEAD"
        return response
    expected = str(settings.KUAIBAN_METRICS_TOKEN)
    if not expected:
        return JsonResponse(error_body("not_found", "未找到"), status=404)
    if not hmac.compare_digest(_token_given(request).encode(), expected.encode()):
        response = JsonResponse(error_body("unauthorized", "需要有效的监控令牌"), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        own = generate_latest(processes)
    else:
        own = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return own + generate_latest(database)
