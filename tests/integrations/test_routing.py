"""Kinds whose handler lives in the app that writes them (ratings) are routed there."""

from __future__ import annotations

import pytest

from kuaiban.integrations.models import OutboxKind, OutboxState
from kuaiban.integrations.services import outbox_enqueue
from tests.integrations.helpers import drain, fresh


def test_rating_pushes_go_through_the_ratings_handler(db, receiver, settings):
    receiver.require_signature = False
    settings.KUAIBAN_RATING_PUSH_URL = receiver.url
    message = outbox_enqueue(
        kind=OutboxKind.RATING_PUSH,
        key="rating.push:1",
        payload={"schema": "kuaiban.rating/1", "push_id": "rating.push:1", "level": 5},
    )

    assert drain().delivered == 1
    assert fresh(message).state == OutboxState.DELIVERED
    [arrival] = receiver.arrivals
    assert arrival.key == "rating.push:1" and arrival.body["level"] == 5


def test_a_rating_push_without_an_address_is_a_dead_letter(db, settings):
    settings.KUAIBAN_RATING_PUSH_URL = ""
    message = outbox_enqueue(
        kind=OutboxKind.RATING_PUSH, key="rating.push:2", payload={"push_id": "rating.push:2"}
    )
    assert drain().dead == 1
    assert "KUAIBAN_RATING_PUSH_URL" in fresh(message).last_error


@pytest.mark.django_db
def test_a_deadline_alert_about_a_ticket_step_goes_to_the_ratings_handler():
    message = outbox_enqueue(
        kind=OutboxKind.DEADLINE_ALERT, key="ticket.overdue:999:1", payload={"ticket_step": 999}
    )
    assert drain().dead == 1
    assert "整改环节 999 不存在" in fresh(message).last_error
