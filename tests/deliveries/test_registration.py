"""The deliveries app gives the outbox core a handler for every kind of message at start-up."""

from __future__ import annotations

import pytest

from kuaiban.deliveries.handlers import deadline_alert
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.registry import HANDLERS, handler_for
from kuaiban.ratings.pushes import rating_push_handle


def test_every_outbox_kind_has_a_handler_once_django_has_started() -> None:
    assert set(HANDLERS) == set(OutboxKind.values)
    assert handler_for(OutboxKind.DEADLINE_ALERT) is deadline_alert
    assert handler_for(OutboxKind.RATING_PUSH) is rating_push_handle


def test_a_kind_without_a_handler_is_refused_with_a_reason() -> None:
    with pytest.raises(DeliveryRefused, match="未知的消息类型"):
        handler_for("no.such.kind")
