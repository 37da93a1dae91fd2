"""`kuaiban worker --once`, the loop, and when the in-process worker starts."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kuaiban.deliveries import runner
from kuaiban.deliveries.runner import WorkerLoop, inprocess_should_start
from kuaiban.integrations.models import OutboxKind, OutboxState
from kuaiban.integrations.registry import HANDLERS
from kuaiban.integrations.services import outbox_enqueue
from tests.integrations.helpers import fresh


def test_once_drains_sweeps_and_prints_one_progress_line(world, receiver):
    message = world.dispatch(world.subcase())
    late = world.subcase(due_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()

    # One delivery thread: the deliveries run on this thread and see the test's transaction.
    call_command("worker", "--once", "--worker-id", "cli", "--concurrency", "1", stdout=out)

    line = out.getvalue().strip()
    assert line == (
        "[cli] 第 1 轮：发件箱 领取 1，送达 1，待重试 0，死信 0；巡检：时限状态变化 1，预警 1"
    )
    assert fresh(message).state == OutboxState.DELIVERED
    assert fresh(late).deadline_state == "overdue"


@pytest.mark.parametrize(
    "args",
    [
        ["--limit", "0"],
        ["--concurrency", "0"],
        ["--sleep", "-1"],
        ["--lease", "0"],
        ["--sweep-every", "-5"],
    ],
)
def test_bad_options_are_refused(db, args):
    with pytest.raises(CommandError):
        call_command("worker", "--once", *args)


@pytest.mark.django_db
def test_the_loop_finishes_the_message_in_hand_when_told_to_stop(monkeypatch, caplog):
    stop = threading.Event()
    handled = []

    def handle_then_signal(message):
        handled.append(message.pk)
        stop.set()  # SIGTERM arrives while this message is being delivered
        return ""

    monkeypatch.setitem(HANDLERS, OutboxKind.RATING_PUSH, handle_then_signal)
    first = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="loop:1", payload={})
    second = outbox_enqueue(kind=OutboxKind.RATING_PUSH, key="loop:2", payload={})
    loop = WorkerLoop(worker_id="loop", idle_sleep=0.01, stop=stop)

    with caplog.at_level(logging.INFO, logger="kuaiban.worker"):
        loop.run_forever()

    assert handled == [first.pk]
    assert fresh(first).state == OutboxState.DELIVERED
    assert fresh(second).state == OutboxState.PENDING  # left for the next worker
    lines = [r.getMessage() for r in caplog.records if r.name == "kuaiban.worker"]
    assert "[loop] 第 1 轮：发件箱 领取 1，送达 1，待重试 0，死信 0；巡检：" in lines[1]
    assert lines[-1] == "工作进程 loop 已停止（共 1 轮）"


@pytest.mark.django_db
def test_the_loop_survives_a_failing_pass(monkeypatch, caplog):
    stop = threading.Event()
    calls = []

    def broken_pass(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        raise RuntimeError("database restarting")

    monkeypatch.setattr(runner, "outbox_drain", broken_pass)
    monkeypatch.setattr(runner, "_ERROR_PAUSE_SECONDS", 0.01)

    WorkerLoop(worker_id="flaky", stop=stop).run_forever()

    assert len(calls) == 2
    assert "本轮出错" in caplog.text


@pytest.mark.parametrize(
    ("enabled", "argv", "environ", "expected"),
    [
        (True, ["kuaiban", "runserver"], {"RUN_MAIN": "true"}, True),
        (True, ["manage.py", "runserver", "0:8000", "--noreload"], {}, True),
        (True, ["kuaiban", "runserver"], {}, False),  # the autoreloader's parent process
        (False, ["kuaiban", "runserver"], {"RUN_MAIN": "true"}, False),
        (True, ["kuaiban", "migrate"], {"RUN_MAIN": "true"}, False),
        (True, ["kuaiban", "worker"], {}, False),
        (True, ["pytest", "tests"], {}, False),
        (True, ["gunicorn"], {}, False),
    ],
)
def test_the_in_process_worker_starts_only_in_the_serving_process(enabled, argv, environ, expected):
    assert inprocess_should_start(enabled=enabled, argv=argv, environ=environ) is expected


def test_the_test_run_has_no_in_process_worker():
    assert not any(t.name == "kuaiban-outbox-worker" for t in threading.enumerate())


def test_in_process_start_starts_one_daemon_thread(monkeypatch):
    started = threading.Event()
    release = threading.Event()

    class FakeLoop:
        def __init__(self, **kwargs):
            self.worker_id = kwargs["worker_id"]

        def run_forever(self, *, start_delay: float) -> None:
            started.set()
            release.wait(5)

    monkeypatch.setattr(runner, "WorkerLoop", FakeLoop)
    monkeypatch.setattr(runner, "_inprocess_thread", None)
    try:
        thread = runner.inprocess_start()
        assert started.wait(5)
        assert thread.daemon and thread.name == "kuaiban-outbox-worker"
        assert runner.inprocess_start() is thread  # once per process
    finally:
        release.set()
        thread.join(5)
