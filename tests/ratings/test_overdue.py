"""Overdue steps are found, and each is alerted once to the supervisors."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from kuaiban.integrations.models import OutboxMessage
from kuaiban.ratings.models import RectificationMode, RectificationTicket, Verification
from kuaiban.ratings.services import (
    ticket_callback,
    ticket_overdue_alert,
    ticket_rectify,
    ticket_steps_overdue,
    ticket_verify,
)
from tests.ratings.helpers import as_user, officer_of, rate

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _ticket(world, app) -> RectificationTicket:
    response = rate(as_user(world["zhangjianguo"]), app.number, level=1, comment="态度差")
    return RectificationTicket.objects.get(pk=response.json()["ticket"]["id"])


def _alerts() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(idempotency_key__startswith="ticket.overdue:"))


def test_an_open_step_past_its_due_time_is_overdue_and_alerted_once(world, done_app) -> None:
    ticket = _ticket(world, done_app)
    step = ticket.steps.get()
    due = step.due_at  # end of Tuesday 2025-03-04
    assert list(ticket_steps_overdue(now=due)) == []
    assert not step.is_overdue(due)
    late = due + dt.timedelta(seconds=1)
    assert list(ticket_steps_overdue(now=late)) == [step]
    assert step.is_overdue(late)
    assert ticket_overdue_alert(now=late) == 1
    assert ticket_overdue_alert(now=late + dt.timedelta(hours=1)) == 0  # claimed once
    (alert,) = _alerts()
    assert alert.kind == "deadline.alert"
    assert alert.payload["ticket_step"] == step.pk and alert.payload["kind"] == "callback"
    assert "超过期限" in alert.payload["text"]
    step.refresh_from_db()
    assert step.overdue_alerted
    # Still overdue (for the lists), but no second alert.
    assert list(ticket_steps_overdue(now=late)) == [step]


def test_two_sweeps_that_saw_the_same_step_send_one_alert(world, done_app) -> None:
    ticket = _ticket(world, done_app)
    late = ticket.steps.get().due_at + dt.timedelta(minutes=1)
    seen_by_both = list(ticket_steps_overdue(now=late))
    # The first sweep claims it; the second still holds the old row in hand.
    assert ticket_overdue_alert(now=late) == 1
    stale = mock.MagicMock()
    stale.filter.return_value.__getitem__.return_value = seen_by_both
    with mock.patch("kuaiban.ratings.tickets.overdue.ticket_steps_overdue", return_value=stale):
        assert ticket_overdue_alert(now=late) == 0
    assert len(_alerts()) == 1


def test_done_steps_are_never_overdue(world, done_app) -> None:
    ticket = _ticket(world, done_app)
    officer = officer_of(ticket.agency)
    ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    callback_due = ticket.steps.get(kind="callback").due_at
    later = callback_due + dt.timedelta(minutes=1)
    overdue = list(ticket_steps_overdue(now=later))
    assert [s.kind for s in overdue] == []  # verify is due later; callback is done
    assert ticket_overdue_alert(now=later) == 0


def test_a_new_ledger_deadline_may_alert_again(world, done_app, frozen_now) -> None:
    ticket = _ticket(world, done_app)
    officer = officer_of(ticket.agency)
    ticket = ticket_callback(actor=officer, ticket=ticket, reached=True, note="已联系")
    ticket = ticket_verify(actor=officer, ticket=ticket, verdict=Verification.TRUE, note="属实")
    rectify = ticket.steps.get(kind="rectify")
    late = rectify.due_at + dt.timedelta(minutes=1)
    assert ticket_overdue_alert(now=late) == 1
    with mock.patch.object(timezone, "now", return_value=late):
        ticket_rectify(
            actor=officer,
            ticket=ticket,
            mode=RectificationMode.LEDGER,
            note="列入台账",
            deadline=dt.date(2025, 4, 30),
        )
    rectify.refresh_from_db()
    assert not rectify.overdue_alerted
    assert ticket_overdue_alert(now=late) == 0  # not due yet
    after = dt.datetime(2025, 5, 1, 0, 0, 1, tzinfo=SHANGHAI)
    assert ticket_overdue_alert(now=after) == 1
    assert len(_alerts()) == 2


def test_the_alert_reaches_the_supervisors_of_the_region(world, done_app, settings, caplog) -> None:
    from kuaiban.ratings.notices import ticket_alert_handle

    settings.KUAIBAN_NOTIFY_CHANNELS = "console"
    ticket = _ticket(world, done_app)
    late = ticket.steps.get().due_at + dt.timedelta(minutes=1)
    ticket_overdue_alert(now=late)
    (alert,) = _alerts()
    with caplog.at_level("INFO", logger="kuaiban.notify"):
        assert ticket_alert_handle(alert) == ""
    told = caplog.text
    assert "刘洋" in told and "超过期限" in told  # 山东行风办
    assert "周晋" not in told  # 太原: another province
