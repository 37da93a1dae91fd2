"""Notifications to the applicant through the configured channels."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail

from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from kuaiban.integrations.notify import Notification, Recipient
from kuaiban.integrations.services import outbox_enqueue
from tests.integrations.conftest import APPLICANT_PHONE
from tests.integrations.helpers import drain, fresh, later

SENT: list[Notification] = []


class RecordingChannel:
    """A channel named by its dotted path in KUAIBAN_NOTIFY_CHANNELS."""

    name = "recording"

    def send(self, notification: Notification) -> None:
        SENT.append(notification)


def submitted(application: Any) -> OutboxMessage:
    return outbox_enqueue(
        kind=OutboxKind.APPLICATION_SUBMITTED,
        key=f"application.submitted:{application.number}",
        payload={"number": application.number, "bundle": application.bundle.name},
    )


def status_changed(application: Any, status: str) -> OutboxMessage:
    return outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key=f"notify:{application.number}:{status}:1",
        payload={"number": application.number, "status": status},
    )


def test_received_is_logged_on_the_console_by_default_with_the_phone_masked(world, caplog):
    application = world.application()
    message = submitted(application)

    with caplog.at_level(logging.INFO, logger="kuaiban.notify"):
        assert drain().delivered == 1

    [line] = [r.getMessage() for r in caplog.records if r.name == "kuaiban.notify"]
    assert "已受理" in line and application.number in line and "企业职工退休一件事" in line
    assert "138****5678" in line and APPLICANT_PHONE not in line
    assert fresh(message).state == OutboxState.DELIVERED


def test_a_status_change_is_emailed_when_email_is_configured(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = ["email"]
    application = world.application()
    status_changed(application, "needs_correction")

    assert drain().delivered == 1

    [sent] = mail.outbox
    assert sent.to == ["zhang@example.cn"]
    assert sent.subject == "【快办】待补正"
    assert application.number in sent.body and "一次性告知" in sent.body


def test_sms_goes_to_the_gateway_with_a_key_per_recipient(world, receiver, settings):
    receiver.require_signature = False
    settings.KUAIBAN_NOTIFY_CHANNELS = "sms"
    settings.KUAIBAN_SMS_URL = receiver.url
    settings.KUAIBAN_SMS_TOKEN = "gateway-token"
    application = world.application()
    message = status_changed(application, "done")

    assert drain().delivered == 1

    [arrival] = receiver.arrivals
    assert arrival.body["to"] == APPLICANT_PHONE
    assert arrival.body["text"].startswith("【快办】您的办件 " + application.number)
    assert arrival.headers["Authorization"] == "Bearer gateway-token"
    assert arrival.headers["Idempotency-Key"].startswith(message.idempotency_key + ":sms:")
    assert APPLICANT_PHONE not in arrival.headers["Idempotency-Key"]


def test_an_sms_gateway_that_fails_is_retried(world, receiver, settings):
    receiver.require_signature = False
    receiver.plan("fail")
    settings.KUAIBAN_NOTIFY_CHANNELS = "sms"
    settings.KUAIBAN_SMS_URL = receiver.url
    message = status_changed(world.application(), "done")

    assert drain().retried == 1
    assert drain(at=later(hours=2)).delivered == 1
    assert len(receiver.arrivals) == 2 and len(receiver.applied) == 1
    assert fresh(message).attempts == 2


def test_sms_without_a_gateway_is_a_dead_letter_that_says_what_to_set(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = "console,sms"
    settings.KUAIBAN_SMS_URL = ""
    message = submitted(world.application())

    assert drain().dead == 1
    assert "KUAIBAN_SMS_URL" in fresh(message).last_error


def test_an_unknown_channel_is_a_dead_letter(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = "carrier-pigeon"
    message = submitted(world.application())

    assert drain().dead == 1
    assert "未知的通知渠道“carrier-pigeon”" in fresh(message).last_error


def test_a_channel_can_be_plugged_in_by_its_dotted_path(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = "tests.integrations.test_notify.RecordingChannel"
    SENT.clear()
    application = world.application()
    status_changed(application, "rejected")

    assert drain().delivered == 1

    [notification] = SENT
    assert notification.subject == "不予办理"
    assert notification.recipients == (
        Recipient(name="张建国", phone=APPLICANT_PHONE, email="zhang@example.cn"),
    )


@pytest.mark.parametrize("number", ["370102-20990101-00001"])
def test_a_notification_about_a_missing_application_is_dead(db, number):
    message = outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key="notify:missing",
        payload={"number": number, "status": "done"},
    )
    assert drain().dead == 1
    assert f"办件 {number} 不存在" in fresh(message).last_error


def test_a_bad_status_in_the_payload_is_dead(world):
    message = status_changed(world.application(), "teleported")
    assert drain().dead == 1
    assert "状态“teleported”无效" in fresh(message).last_error


def test_a_notification_with_its_own_text_is_sent_as_it_is(world, settings):
    settings.KUAIBAN_NOTIFY_CHANNELS = ["email"]
    application = world.application()
    outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key=f"rating.invite:{application.number}",
        payload={
            "number": application.number,
            "status": "done",
            "subject": "邀请您评价",
            "text": "您的办件已办结，欢迎评价。",
        },
    )

    assert drain().delivered == 1
    [sent] = mail.outbox
    assert sent.subject == "【快办】邀请您评价" and sent.body == "您的办件已办结，欢迎评价。"
