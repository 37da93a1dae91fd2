"""The deadline sweeper: states, one alert per change, several sweepers at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.cases import sweeper
from kuaiban.cases.models import DeadlineState, SubCase
from kuaiban.cases.sweeper import deadline_sweep
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from tests.integrations.conftest import build_world
from tests.integrations.helpers import drain, fresh

NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
SOON = dt.timedelta(hours=24)


def alerts() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT).order_by("pk"))


@pytest.fixture
def cases(world):
    """One sub-case in each situation, relative to NOW."""
    return {
        "overdue": world.subcase(due_at=NOW - dt.timedelta(hours=1)),
        "due_soon": world.subcase(due_at=NOW + dt.timedelta(hours=3), status="accepted"),
        "on_time": world.subcase(due_at=NOW + dt.timedelta(days=4)),
        "paused": world.subcase(due_at=NOW - dt.timedelta(days=1), status="correction"),
        "waiting": world.subcase(due_at=None, status="waiting", stage=2),
        "done": world.subcase(due_at=NOW - dt.timedelta(days=2), status="approved"),
    }


def test_the_sweep_sets_states_and_alerts_once_per_change(cases):
    result = deadline_sweep(now=NOW)

    assert (result.changed, result.alerts) == (2, 2)
    states = {name: fresh(s).deadline_state for name, s in cases.items()}
    assert states == {
        "overdue": "overdue",
        "due_soon": "due_soon",
        "on_time": "on_time",
        "paused": "on_time",  # the clock is stopped during a correction request
        "waiting": "on_time",
        "done": "on_time",
    }
    overdue, due_soon = cases["overdue"], cases["due_soon"]
    assert [a.idempotency_key for a in alerts()] == [
        f"deadline:{overdue.pk}:overdue:20250303T083000Z",
        f"deadline:{due_soon.pk}:due_soon:20250303T123000Z",
    ]
    assert alerts()[0].payload == {
        "subcase": overdue.pk,
        "state": "overdue",
        "due_at": "2025-03-03T16:30:00+08:00",
        "number": overdue.application.number,
        "agency": "jn-si",
    }

    again = deadline_sweep(now=NOW)
    assert (again.changed, again.alerts) == (0, 0)
    assert len(alerts()) == 2


def test_due_soon_then_overdue_alerts_twice(cases):
    subcase = cases["due_soon"]
    deadline_sweep(now=NOW)
    deadline_sweep(now=NOW + dt.timedelta(hours=4))

    assert fresh(subcase).deadline_state == DeadlineState.OVERDUE
    assert [a.payload["state"] for a in alerts() if a.payload["subcase"] == subcase.pk] == [
        "due_soon",
        "overdue",
    ]


def test_an_extended_deadline_goes_back_on_time_and_can_alert_again(cases):
    subcase = cases["overdue"]
    deadline_sweep(now=NOW)
    extended = NOW + dt.timedelta(days=3)
    SubCase.objects.filter(pk=subcase.pk).update(due_at=extended)  # 补正 stopped the clock

    assert deadline_sweep(now=NOW).alerts == 0
    assert fresh(subcase).deadline_state == DeadlineState.ON_TIME

    deadline_sweep(now=extended - dt.timedelta(hours=2))
    mine = [a for a in alerts() if a.payload["subcase"] == subcase.pk]
    assert [a.payload["state"] for a in mine] == ["overdue", "due_soon"]
    assert len({a.idempotency_key for a in mine}) == 2


def test_due_soon_window_follows_the_setting(world, settings):
    settings.KUAIBAN_DUE_SOON_HOURS = 2
    subcase = world.subcase(due_at=NOW + dt.timedelta(hours=3))
    assert deadline_sweep(now=NOW).changed == 0
    assert fresh(subcase).deadline_state == DeadlineState.ON_TIME


def test_interleaved_sweepers_alert_once(cases, monkeypatch):
    """Sweeper B runs completely between A's read and A's first claim: A wins nothing."""
    original = sweeper._deadline_claim
    inner: list[sweeper.SweepResult | None] = []

    def b_first(**kwargs):
        if not inner:
            inner.append(None)  # set first: B's own claims go straight through
            inner[0] = deadline_sweep(now=NOW)
        return original(**kwargs)

    monkeypatch.setattr(sweeper, "_deadline_claim", b_first)
    a = deadline_sweep(now=NOW)

    b = inner[0]
    assert b is not None and (b.changed, b.alerts) == (2, 2)
    assert (a.changed, a.alerts, a.lost) == (0, 0, 2)
    assert len(alerts()) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweepers_alert_once(receiver):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent writer threads need PostgreSQL; on SQLite the interleaving test "
            "above covers the claim"
        )
    world = build_world(receiver.url)
    subcases = [world.subcase(due_at=NOW - dt.timedelta(minutes=n)) for n in range(40)]
    results = []
    barrier = threading.Barrier(4)

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(deadline_sweep(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sum(r.changed for r in results) == 40
    assert sum(r.alerts for r in results) == 40
    assert len(alerts()) == 40
    assert {a.payload["subcase"] for a in alerts()} == {s.pk for s in subcases}


def test_the_alert_reaches_the_agencys_officers_and_the_supervisors_above(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = "console,email"
    User.objects.create_user(
        username="officer", role=Role.OFFICER, agency=world.agency, email="o@jn.example.cn"
    )
    User.objects.create_user(
        username="other-officer", role=Role.OFFICER, agency=world.other_agency, email="x@e.cn"
    )
    User.objects.create_user(
        username="city-supervisor", role=Role.SUPERVISOR, region=world.city, email="s@jn.e.cn"
    )
    User.objects.create_user(
        username="province-supervisor",
        role=Role.SUPERVISOR,
        region=world.province,
        email="p@sd.e.cn",
    )
    subcase = world.subcase(due_at=timezone.now() - dt.timedelta(hours=1))
    deadline_sweep()

    assert drain().delivered == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["o@jn.example.cn", "p@sd.e.cn", "s@jn.e.cn"]
    assert subcase.application.number in mail.outbox[0].body
    assert mail.outbox[0].subject == "【快办】子件已超期"


def test_an_alert_for_a_sub_case_decided_meanwhile_is_not_sent(world):
    subcase = world.subcase(due_at=timezone.now() - dt.timedelta(hours=1))
    deadline_sweep()
    SubCase.objects.filter(pk=subcase.pk).update(status="approved")

    assert drain().delivered == 1
    [alert] = alerts()
    assert alert.state == OutboxState.DELIVERED
    assert alert.last_error == "未发送：子件当前状态为“已办结”"
