"""`/metrics`: Prometheus text for the holder of the token, the error shape for anyone else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from kuaiban.monitoring.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def token(settings):
    settings.KUAIBAN_METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(token: str = TOKEN) -> str:
    response = Client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, **labels: str) -> float:
    """The value of one sample, its labels given in any order."""
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    raise AssertionError(f"no sample {name} {labels}")


def test_without_a_configured_token_the_endpoint_does_not_exist(settings):
    settings.KUAIBAN_METRICS_TOKEN = ""
    response = Client().get("/metrics", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_a_missing_or_wrong_token_is_401_in_the_error_shape(token, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "需要有效的监控令牌"}}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"kuaiban_" not in response.content


def test_only_get_is_answered(token):
    response = Client().post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_request_latency_is_labelled_by_route_pattern_not_by_path(token):
    client = Client()
    before = _scrape()
    route = "api/v1/applications/<number>"
    try:
        count_before = _value(
            before,
            "kuaiban_request_duration_seconds_count",
            route=route,
            method="GET",
            status="401",
        )
    except AssertionError:
        count_before = 0.0
    for number in ("370102-20250303-0001", "370102-20250303-0002"):
        assert client.get(f"/api/v1/applications/{number}").status_code == 401
    text = _scrape()
    assert (
        _value(
            text, "kuaiban_request_duration_seconds_count", route=route, method="GET", status="401"
        )
        == count_before + 2
    )
    assert "20250303-0001" not in text  # the raw path is never a label
    assert (
        _value(
            text,
            "kuaiban_request_duration_seconds_bucket",
            route=route,
            method="GET",
            status="401",
            le="+Inf",
        )
        >= 2
    )


def test_a_path_that_matches_no_route_is_counted_as_unmatched(token):
    Client().get("/no-such-page/110101199003074518")
    text = _scrape()
    assert (
        _value(
            text,
            "kuaiban_request_duration_seconds_count",
            route="(unmatched)",
            method="GET",
            status="404",
        )
        >= 1
    )
    assert "110101199003074518" not in text


def _message(
    key: str, *, state: str, kind: str, age: dt.timedelta, due_in: dt.timedelta = dt.timedelta(0)
) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind=kind,
        idempotency_key=key,
        payload={},
        state=state,
        next_attempt_at=timezone.now() + due_in,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_outbox_depth_oldest_pending_age_and_dead_letters(token):
    _message(
        "a",
        state=OutboxState.PENDING,
        kind=OutboxKind.SUBCASE_DISPATCH,
        age=dt.timedelta(minutes=10),
    )
    _message(
        "b",
        state=OutboxState.PENDING,
        kind=OutboxKind.SUBCASE_DISPATCH,
        age=dt.timedelta(minutes=1),
        due_in=dt.timedelta(hours=1),
    )
    _message(
        "c",
        state=OutboxState.PENDING,
        kind=OutboxKind.NOTIFY_APPLICANT,
        age=dt.timedelta(seconds=5),
    )
    _message("d", state=OutboxState.DEAD, kind=OutboxKind.RATING_PUSH, age=dt.timedelta(days=2))
    _message(
        "e", state=OutboxState.DELIVERED, kind=OutboxKind.RATING_PUSH, age=dt.timedelta(days=3)
    )

    text = _scrape()

    assert _value(text, "kuaiban_outbox_pending", kind="subcase.dispatch") == 2
    assert _value(text, "kuaiban_outbox_pending", kind="notify.applicant") == 1
    assert _value(text, "kuaiban_outbox_pending", kind="rating.push") == 0
    assert _value(text, "kuaiban_outbox_due") == 2  # "b" is backing off for an hour
    assert 600 <= _value(text, "kuaiban_outbox_oldest_pending_age_seconds") < 660
    assert _value(text, "kuaiban_outbox_dead_letters", kind="rating.push") == 1
    assert _value(text, "kuaiban_outbox_dead_letters", kind="subcase.dispatch") == 0


def test_an_empty_outbox_has_no_age(token):
    assert _value(_scrape(), "kuaiban_outbox_oldest_pending_age_seconds") == 0


def test_worker_heartbeats_and_sweeper_lag(token):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="node1:101",
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(seconds=4),
        delivered=40,
        swept_at=now - dt.timedelta(seconds=30),
    )
    WorkerHeartbeat.objects.create(
        worker_id="node2:202",
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(minutes=5),
        delivered=7,
        swept_at=now - dt.timedelta(minutes=6),
    )
    WorkerHeartbeat.objects.create(  # gone for a day: not shown
        worker_id="node3:303",
        started_at=now - dt.timedelta(days=2),
        seen_at=now - dt.timedelta(days=1),
    )

    text = _scrape()

    assert 4 <= _value(text, "kuaiban_worker_heartbeat_age_seconds", worker="node1:101") < 10
    assert 300 <= _value(text, "kuaiban_worker_heartbeat_age_seconds", worker="node2:202") < 310
    assert 'worker="node3:303"' not in text
    assert _value(text, "kuaiban_worker_delivered", worker="node1:101") == 40
    assert _value(text, "kuaiban_workers_alive") == 1
    assert 30 <= _value(text, "kuaiban_sweeper_lag_seconds") < 36


def test_no_sweeper_lag_before_any_sweep(token):
    assert "kuaiban_sweeper_lag_seconds" not in _scrape()


def test_rollup_freshness_and_days_behind(token):
    from kuaiban.supervision.models import RollupRange

    now = timezone.now()
    today = timezone.localdate(now)
    RollupRange.objects.create(
        first=today - dt.timedelta(days=30),
        until=today - dt.timedelta(days=3),
        changes_since=now - dt.timedelta(minutes=2),
        refreshed_at=now - dt.timedelta(seconds=90),
    )

    text = _scrape()

    assert 90 <= _value(text, "kuaiban_rollup_freshness_seconds") < 96
    assert _value(text, "kuaiban_rollup_days_behind") == 3


def test_no_rollup_freshness_before_the_first_rollup(token):
    text = _scrape()
    assert "kuaiban_rollup_freshness_seconds" not in text
    assert "kuaiban_rollup_days_behind" not in text
