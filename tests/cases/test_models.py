"""The rules that live on the sub-case model: status sets, the deadline state, ``.running()``.

The pure parts need no database; ``.running()`` and ``deadline_state_q`` are checked against
the row-level rule on every combination of status, pause and deadline, so the queryset and the
Python rule cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.cases.models import (
    DeadlineState,
    SubCase,
    SubCaseStatus,
    deadline_state_q,
)

NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
SOON = NOW + dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("due", "soon", "state"),
    [
        (NOW - dt.timedelta(seconds=1), SOON, DeadlineState.OVERDUE),
        (NOW, SOON, DeadlineState.DUE_SOON),
        (SOON, SOON, DeadlineState.DUE_SOON),
        (SOON + dt.timedelta(seconds=1), SOON, DeadlineState.ON_TIME),
        (NOW, None, DeadlineState.ON_TIME),
    ],
)
def test_deadline_state_of_the_one_rule(due, soon, state) -> None:  # type: ignore[no-untyped-def]
    assert DeadlineState.of(due_at=due, now=NOW, due_soon_at=soon) == state


def test_status_sets_running_and_finished_are_disjoint_and_leave_out_waiting_and_correction() -> (
    None
):
    assert set(SubCase.RUNNING) == {SubCaseStatus.OPEN, SubCaseStatus.ACCEPTED}
    assert not set(SubCase.RUNNING) & set(SubCase.FINISHED)
    rest = set(SubCaseStatus) - set(SubCase.RUNNING) - set(SubCase.FINISHED)
    assert rest == {SubCaseStatus.WAITING, SubCaseStatus.CORRECTION}
    assert set(Application.FINISHED) == {
        ApplicationStatus.DONE,
        ApplicationStatus.PARTLY_DONE,
        ApplicationStatus.REJECTED,
    }
    assert Application(status=ApplicationStatus.PARTLY_DONE).finished
    assert not Application(status=ApplicationStatus.WITHDRAWN).finished


def test_current_deadline_state_is_none_while_the_clock_does_not_run() -> None:
    due = NOW - dt.timedelta(hours=1)
    running = SubCase(status=SubCaseStatus.ACCEPTED, due_at=due)
    assert running.current_deadline_state(now=NOW, due_soon_at=SOON) == DeadlineState.OVERDUE
    paused = SubCase(status=SubCaseStatus.ACCEPTED, due_at=due, paused_since=NOW)
    assert paused.current_deadline_state(now=NOW, due_soon_at=SOON) is None
    for status in (SubCaseStatus.CORRECTION, SubCaseStatus.WAITING, SubCaseStatus.APPROVED):
        assert (
            SubCase(status=status, due_at=due).current_deadline_state(now=NOW, due_soon_at=SOON)
            is None
        )
    assert (
        SubCase(status=SubCaseStatus.OPEN).current_deadline_state(now=NOW, due_soon_at=SOON) is None
    )


@pytest.mark.django_db
def test_running_queryset_and_deadline_filters_agree_with_the_row_rule(world) -> None:  # type: ignore[no-untyped-def]
    from tests.cases.test_flow import _submit

    first = _submit(world).subcases.first()
    assert first is not None
    dues = [
        None,
        NOW - dt.timedelta(hours=2),
        NOW + dt.timedelta(hours=2),
        SOON,
        SOON + dt.timedelta(hours=2),
    ]
    seen_running = 0
    for status, paused, due in itertools.product(
        SubCaseStatus, (None, NOW - dt.timedelta(hours=3)), dues
    ):
        SubCase.objects.filter(pk=first.pk).update(status=status, paused_since=paused, due_at=due)
        row = SubCase.objects.get(pk=first.pk)
        in_sql = SubCase.objects.running().filter(pk=row.pk).exists()
        assert row.clock_running == in_sql, (status, paused, due)
        seen_running += in_sql
        state = row.current_deadline_state(now=NOW, due_soon_at=SOON)
        matching = {
            s
            for s in DeadlineState
            if SubCase.objects.filter(
                deadline_state_q(s, now=NOW, due_soon_at=SOON), pk=row.pk
            ).exists()
        }
        assert matching == ({state} if state else set()), (status, paused, due)
    assert seen_running == len(SubCase.RUNNING) * (len(dues) - 1)
