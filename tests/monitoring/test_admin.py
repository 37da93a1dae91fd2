"""Operators find a request's outbox messages by its id, and see the workers' heartbeats."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.monitoring.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user) -> Client:
    user = make_user(role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_the_outbox_admin_finds_messages_by_request_id(admin_client):
    for key, request_id in (("k-1", "nginx-aaaa1111"), ("k-2", "nginx-bbbb2222")):
        OutboxMessage.objects.create(
            kind=OutboxKind.RATING_PUSH, idempotency_key=key, payload={}, request_id=request_id
        )
    page = admin_client.get("/admin/integrations/outboxmessage/", {"q": "nginx-bbbb2222"})
    assert page.status_code == 200
    assert b"k-2" in page.content and b"k-1" not in page.content


def test_heartbeats_are_listed_and_cannot_be_edited(admin_client):
    beat = WorkerHeartbeat.objects.create(
        worker_id="node1:4242", started_at=timezone.now(), seen_at=timezone.now()
    )
    listing = admin_client.get("/admin/monitoring/workerheartbeat/")
    assert listing.status_code == 200 and b"node1:4242" in listing.content
    assert admin_client.get("/admin/monitoring/workerheartbeat/add/").status_code == 403
    post = admin_client.post(
        f"/admin/monitoring/workerheartbeat/{beat.pk}/change/", {"worker_id": "changed"}
    )
    assert post.status_code == 403
    assert WorkerHeartbeat.objects.get(pk=beat.pk).worker_id == "node1:4242"
