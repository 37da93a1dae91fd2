"""拆包分办 → 综合反馈: stages, decisions, corrections, concurrency, status, notifications."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import (
    Outcome,
    application_withdraw,
    correction_answer,
    subcase_accept,
    subcase_decide,
    subcase_transfer,
)
from kuaiban.cases.status import derive_status
from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.integrations.models import OutboxMessage
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


def _submit(world) -> Application:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def _officer(subcase: SubCase) -> User:
    return (
        User.objects.get(role="officer", agency=subcase.agency)
        if User.objects.filter(role="officer", agency=subcase.agency).exists()
        else User.objects.create(
            username=f"o-{subcase.agency.code}", role="officer", agency=subcase.agency
        )
    )


def _approve_stage(app: Application, stage: int) -> None:
    for subcase in app.subcases.filter(stage=stage):
        subcase_decide(
            actor=_officer(subcase),
            subcase=subcase,
            outcome=Outcome.APPROVED,
            results=[{"kind": "document", "name": "核准通知书", "number": f"N{subcase.pk}"}],
        )


def test_serial_stages_open_in_order_and_the_status_follows(world) -> None:
    app = _submit(world)
    stages = sorted(set(app.subcases.values_list("stage", flat=True)))
    assert len(stages) > 1  # Shandong 7-1 is serial
    assert set(app.subcases.filter(stage=stages[0]).values_list("status", flat=True)) == {"open"}
    assert set(app.subcases.filter(stage__gt=stages[0]).values_list("status", flat=True)) == {
        "waiting"
    }
    _approve_stage(app, stages[0])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PARTLY_DONE
    second = app.subcases.filter(stage=stages[1])
    assert all(s.status == SubCaseStatus.OPEN and s.due_at is not None for s in second)
    for stage in stages[1:]:
        _approve_stage(app, stage)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DONE
    # One notification per meaningful change, not one per step.
    notes = OutboxMessage.objects.filter(kind="notify.applicant", payload__number=app.number)
    assert [m.payload["status"] for m in notes.order_by("pk")] == ["partly_done", "done"]


def test_a_rejection_in_a_serial_chain_stops_later_stages_and_says_why(world) -> None:
    app = _submit(world)
    first = app.subcases.order_by("stage").first()
    assert first is not None
    with pytest.raises(Unprocessable):
        subcase_decide(actor=_officer(first), subcase=first, outcome=Outcome.REJECTED, note="")
    subcase_decide(
        actor=_officer(first), subcase=first, outcome=Outcome.REJECTED, note="未达到法定退休年龄"
    )
    later = app.subcases.filter(stage__gt=first.stage)
    assert set(later.values_list("status", flat=True)) == {"stopped"}
    assert all("未达到法定退休年龄" in s.decision_note for s in later)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED


def test_two_officers_at_once_one_wins_and_no_update_is_lost(world) -> None:
    app = _submit(world)
    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    seen_by_a = SubCase.objects.get(pk=subcase.pk)
    seen_by_b = SubCase.objects.get(pk=subcase.pk)
    officer = _officer(subcase)
    subcase_decide(
        actor=officer, subcase=seen_by_a, outcome=Outcome.APPROVED, version=seen_by_a.version
    )
    with pytest.raises(Conflict) as info:
        subcase_decide(
            actor=officer,
            subcase=seen_by_b,
            outcome=Outcome.REJECTED,
            note="x",
            version=seen_by_b.version,
        )
    assert info.value.code in ("concurrent_update", "invalid_state")
    assert SubCase.objects.get(pk=subcase.pk).status == SubCaseStatus.APPROVED


def test_correction_stops_the_clock_and_the_answer_restarts_it(world, frozen_now) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    app = _submit(world)
    subcase = app.subcases.filter(status="open").order_by("due_at").last()
    assert subcase is not None and subcase.due_at is not None
    due_before = subcase.due_at
    with pytest.raises(Unprocessable):
        subcase_decide(actor=_officer(subcase), subcase=subcase, outcome=Outcome.CORRECTION)
    subcase_decide(
        actor=_officer(subcase),
        subcase=subcase,
        outcome=Outcome.CORRECTION,
        correction_items=["请补充近三个月工资流水", "劳动合同第3页不清晰"],
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.NEEDS_CORRECTION
    # The applicant answers a week later (5 working days): the deadline moves by 5 working days.
    later = frozen_now + dt.timedelta(days=7)
    with mock.patch.object(timezone, "now", return_value=later):
        correction_answer(actor=world["zhangjianguo"], application=app, note="已补充")
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.ACCEPTED and subcase.paused_since is None
    assert len(subcase.pauses) == 1
    assert subcase.due_at is not None and subcase.due_at > due_before
    from kuaiban.calendar.selectors import working_days_between

    assert working_days_between(start=due_before, end=subcase.due_at) == pytest.approx(5, abs=1)


def test_transfer_moves_the_case_to_another_agency_with_a_reason(world) -> None:
    app = _submit(world)
    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    other = Agency.objects.exclude(pk=subcase.agency_id).filter(kind=subcase.agency.kind).first()
    assert other is not None
    with pytest.raises(Unprocessable):
        subcase_transfer(actor=_officer(subcase), subcase=subcase, agency=other, reason=" ")
    moved = subcase_transfer(
        actor=_officer(subcase), subcase=subcase, agency=other, reason="属太原市管辖"
    )
    assert moved.agency == other and moved.status == SubCaseStatus.OPEN


def test_withdraw_only_before_work_starts(world) -> None:
    app = _submit(world)
    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    subcase_accept(actor=_officer(subcase), subcase=subcase)
    with pytest.raises(Conflict):
        application_withdraw(actor=world["zhangjianguo"], application=app)
    fresh = _submit(world)
    application_withdraw(actor=world["zhangjianguo"], application=fresh)
    fresh.refresh_from_db()
    assert fresh.status == ApplicationStatus.WITHDRAWN
    assert set(fresh.subcases.values_list("status", flat=True)) == {"withdrawn"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "received"),
        (["open", "waiting"], "received"),
        (["accepted", "waiting"], "in_progress"),
        (["approved", "open"], "partly_done"),
        (["correction", "approved"], "needs_correction"),
        (["approved", "approved"], "done"),
        (["approved", "rejected"], "partly_done"),
        (["rejected", "stopped"], "rejected"),
        (["withdrawn", "withdrawn"], "withdrawn"),
    ],
)
def test_derived_status(statuses, expected) -> None:  # type: ignore[no-untyped-def]
    assert derive_status(statuses) == expected
