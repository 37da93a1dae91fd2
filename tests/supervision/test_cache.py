"""The short-lived figure cache: a second look costs no aggregate query, scopes never mix."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kuaiban.supervision.cache import cache_key
from kuaiban.supervision.dashboard import overview_cached, overview_load
from kuaiban.supervision.reference import reference_current
from tests.supervision.conftest import client_for
from tests.supervision.ledger import MARCH
from tests.supervision.test_figures import context

pytestmark = pytest.mark.django_db


def _overview_queries(user) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/supervision/?{MARCH}")
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_a_second_look_runs_no_aggregate_query(world, ledger, cached) -> None:
    reference_current()  # the policy data, kept by the process: not what is compared here
    first, page = _overview_queries(world["supervisor-sd"])
    second, again = _overview_queries(world["supervisor-sd"])
    # Only the session, the user, the policy generation and the roll-ups' range.
    assert second <= first - 15, (first, second)
    assert "统计时间" in page and "数据每 5 分钟更新" in page
    # The same figures, computed once: the time shown is the first computation's.
    stamp = page.split('<time datetime="')[1].split('"')[0]
    assert f'<time datetime="{stamp}"' in again
    # The export and the report reuse the page's figures.
    client = client_for(world["supervisor-sd"])
    with CaptureQueriesContext(connection) as export_queries:
        assert client.get(f"/supervision/export/overview.xlsx?{MARCH}").status_code == 200
    assert len(export_queries.captured_queries) == second


def test_without_the_cache_every_look_computes(world, ledger, settings) -> None:
    settings.KUAIBAN_SUPERVISION_CACHE_SECONDS = 0
    _overview_queries(world["supervisor-sd"])  # the policy data, kept after the first look
    first, page = _overview_queries(world["supervisor-sd"])
    second, _ = _overview_queries(world["supervisor-sd"])
    assert first == second
    assert "统计时间" in page and "数据每" not in page


def test_two_scopes_never_share_figures(world, ledger, cached) -> None:
    sd, sx = context(world["supervisor-sd"]), context(world["supervisor-sx"])
    jn, officer = context(world["supervisor-jn"]), context(world["officer-jn-si"])
    keys = {cache_key("overview", c.scope, c.filters) for c in (sd, sx, jn, officer)}
    assert len(keys) == 4
    for ctx in (sd, sx, jn, officer, sd, sx):
        assert overview_cached(ctx).value.applications == overview_load(ctx).applications
    assert overview_load(sd).applications != overview_load(sx).applications


def test_every_filter_is_part_of_the_key(world, ledger) -> None:
    sd = world["supervisor-sd"]
    base = context(sd)
    others = [
        context(sd, "from=2025-03-01&to=2025-03-30"),
        context(sd, MARCH + "&pack=shanxi-2020"),
        context(sd, MARCH + "&item=T-INSTANT"),
        context(sd, MARCH + "&region=370102"),
        context(sd, MARCH + "&agency=370100-employment"),
    ]
    key = cache_key("overview", base.scope, base.filters)
    assert key == cache_key("overview", context(sd).scope, context(sd).filters)
    for other in others:
        assert cache_key("overview", other.scope, other.filters) != key
    assert cache_key("items", base.scope, base.filters) != key


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), 1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis 未在 127.0.0.1:6379 运行")
def test_figures_survive_a_round_trip_through_redis(world, ledger, settings) -> None:
    # A private key prefix on a spare database: nothing else in that Redis is touched.
    prefix = f"kuaiban-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": prefix,
        }
    }
    settings.KUAIBAN_SUPERVISION_CACHE_SECONDS = 60
    ctx = context(world["supervisor-sd"])
    try:
        first = overview_cached(ctx)
        second = overview_cached(ctx)
        assert second.at == first.at
        assert second.value.applications == overview_load(ctx).applications
        assert second.value.items.received == first.value.items.received
    finally:
        caches["default"].delete(cache_key("overview", ctx.scope, ctx.filters))
