"""The worker loop reports a heartbeat row: passes, deliveries and its last sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.deliveries.runner import WorkerLoop
from kuaiban.monitoring.models import WorkerHeartbeat
from kuaiban.monitoring.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_a_pass_with_a_sweep_writes_the_heartbeat_with_the_sweep_time():
    loop = WorkerLoop(worker_id="host:1")
    before = timezone.now()
    loop.run_pass(sweep=True)
    beat = WorkerHeartbeat.objects.get(worker_id="host:1")
    assert beat.passes == 1 and beat.delivered == 0
    assert beat.swept_at is not None and beat.swept_at >= before
    assert beat.seen_at >= before


def test_passes_in_between_beat_at_most_every_few_seconds():
    loop = WorkerLoop(worker_id="host:2")
    loop.run_pass(sweep=True)
    loop.run_pass(sweep=False)
    loop.run_pass(sweep=False)
    assert WorkerHeartbeat.objects.get(worker_id="host:2").passes == 1


def test_the_row_is_updated_in_place_and_rows_gone_a_day_are_forgotten():
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="old:9", started_at=now - dt.timedelta(days=3), seen_at=now - dt.timedelta(days=2)
    )
    heartbeat_record(worker_id="w:1", started_at=now, passes=1, delivered=3, swept_at=None, now=now)
    heartbeat_record(
        worker_id="w:1",
        started_at=now,
        passes=2,
        delivered=5,
        swept_at=None,
        now=now + dt.timedelta(seconds=10),
    )
    beat = WorkerHeartbeat.objects.get(worker_id="w:1")
    assert (beat.passes, beat.delivered, beat.swept_at) == (2, 5, None)
    assert beat.seen_at == now + dt.timedelta(seconds=10)
    assert not WorkerHeartbeat.objects.filter(worker_id="old:9").exists()
