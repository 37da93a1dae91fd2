"""Dead letters back into the queue: the service and the admin action, audited."""

from __future__ import annotations

import pytest

from kuaiban.accounts.models import Role, User
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage, OutboxState
from kuaiban.integrations.services import outbox_resend
from tests.integrations.helpers import drain, fresh

CHANGELIST = "/admin/integrations/outboxmessage/"


@pytest.fixture
def dead_dispatch(world, down_url, settings):
    """A dispatch that died because the agency's system was down."""
    settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS = 1
    good_url = world.agency.webhook_url
    world.agency.webhook_url = down_url
    world.agency.save()
    message = world.dispatch(world.subcase())
    assert drain().dead == 1
    world.agency.webhook_url = good_url  # the agency's system is back
    world.agency.save()
    settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS = 8
    return fresh(message)


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser(
        username="admin", email="admin@example.cn", password="x", role=Role.ADMIN
    )
    client.force_login(admin)
    return client


def test_the_admin_resends_a_dead_letter_and_it_is_delivered(admin_client, dead_dispatch, receiver):
    response = admin_client.post(
        CHANGELIST, {"action": "resend", "_selected_action": [dead_dispatch.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "已重新排队发送 1 条死信消息" in response.content.decode()
    message = fresh(dead_dispatch)
    assert message.state == OutboxState.PENDING and message.attempts == 0
    assert "无法连接接收方" in message.last_error  # kept until the next attempt
    [event] = AuditEvent.objects.filter(action="outbox.resend")
    assert event.actor_label == "admin" and event.object_id == str(message.pk)
    assert event.changes["idempotency_key"] == message.idempotency_key

    assert drain().delivered == 1
    message = fresh(message)
    assert message.state == OutboxState.DELIVERED and message.attempts == 1
    assert receiver.effective[message.idempotency_key] == 1


def test_the_admin_action_leaves_live_messages_alone(admin_client, world, dead_dispatch):
    pending = world.dispatch(world.subcase())

    response = admin_client.post(
        CHANGELIST,
        {"action": "resend", "_selected_action": [dead_dispatch.pk, pending.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "已重新排队发送 1 条" in page and "1 条消息不是死信" in page
    assert AuditEvent.objects.filter(action="outbox.resend").count() == 1
    assert fresh(pending).attempts == 0 and fresh(pending).state == OutboxState.PENDING


def test_the_changelist_shows_dead_letters_by_state(admin_client, dead_dispatch):
    response = admin_client.get(CHANGELIST, {"state__exact": "dead"})
    assert response.status_code == 200
    assert dead_dispatch.idempotency_key in response.content.decode()


def test_resending_twice_resets_once(dead_dispatch):
    assert [m.pk for m in outbox_resend(actor=None, message_ids=[dead_dispatch.pk])] == [
        dead_dispatch.pk
    ]
    assert outbox_resend(actor=None, message_ids=[dead_dispatch.pk]) == []
    [event] = AuditEvent.objects.filter(action="outbox.resend")
    assert event.actor_label == "system"


def test_an_officer_cannot_reach_the_outbox_admin(client, world):
    officer = User.objects.create_user(username="o", role=Role.OFFICER, agency=world.agency)
    client.force_login(officer)
    response = client.post(CHANGELIST, {"action": "resend", "_selected_action": [1]})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not OutboxMessage.objects.exists()
