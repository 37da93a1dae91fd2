"""Submissions per pack: the counter moves once per stored application, not on a replay."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.core.metrics import SUBMISSIONS
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


def _count(pack: str, channel: str = "web") -> float:
    return SUBMISSIONS.labels(pack=pack, channel=channel)._value.get()


def test_a_stored_submission_counts_once_for_its_pack(world) -> None:
    client = Client()
    client.force_login(world["zhangjianguo"])
    before = _count("shandong-2020")
    other = _count("shanxi-2020")

    first = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "m-1"}
    )
    replay = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "m-1"}
    )

    assert (first.status_code, replay.status_code) == (201, 200)
    assert _count("shandong-2020") == before + 1
    assert _count("shanxi-2020") == other


def test_a_refused_submission_is_not_counted(world) -> None:
    client = Client()
    client.force_login(world["zhangjianguo"])
    before = _count("shandong-2020")
    response = post_multipart(client, retirement_body(form={}), {})
    assert response.status_code == 422
    assert _count("shandong-2020") == before


def test_the_request_id_of_the_submission_is_on_its_outbox_messages(world) -> None:
    from kuaiban.applications.models import Application
    from kuaiban.integrations.models import OutboxMessage

    client = Client()
    client.force_login(world["zhangjianguo"])
    response = post_multipart(
        client,
        retirement_body(),
        {"personnel_archive": pdf()},
        **{"X-Request-ID": "nginx-0a1b2c3d4e"},
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "nginx-0a1b2c3d4e"
    application = Application.objects.get(number=response.json()["number"])
    messages = OutboxMessage.objects.filter(payload__number=application.number)
    assert messages.exists()
    assert set(messages.values_list("request_id", flat=True)) == {"nginx-0a1b2c3d4e"}
