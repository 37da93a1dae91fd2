"""subcase.dispatch against a real receiver on 127.0.0.1: signed, retried, dead, exactly once."""

from __future__ import annotations

import pytest

from kuaiban.core.masking import mask_id_number
from kuaiban.integrations.models import OutboxState
from tests.integrations.conftest import APPLICANT_ID, APPLICANT_PHONE
from tests.integrations.helpers import drain, fresh, later


def test_a_sub_case_is_posted_signed_with_its_key_and_contract_body(world, receiver, settings):
    settings.KUAIBAN_PUBLIC_URL = "https://kuaiban.example.gov.cn/"
    subcase = world.subcase()
    message = world.dispatch(subcase)

    result = drain()

    assert (result.claimed, result.delivered) == (1, 1)
    message = fresh(message)
    assert message.state == OutboxState.DELIVERED and message.delivered_at is not None
    assert message.attempts == 1 and message.claimed_by == "w1"
    [arrival] = receiver.arrivals
    assert arrival.signature_ok
    assert arrival.key == message.idempotency_key
    assert arrival.headers["X-Kuaiban-Agency"] == "jn-si"
    assert arrival.headers["X-Kuaiban-Event"] == "subcase.dispatch"
    body = arrival.body
    assert body["idempotency_key"] == message.idempotency_key
    assert body["subcase"]["id"] == subcase.pk
    assert body["subcase"]["stage"] == 1
    assert body["subcase"]["item"] == {"code": "1.1.5", "name": "职工参保登记"}
    assert body["subcase"]["due_at"].startswith(str(subcase.due_at.astimezone().year))
    assert body["application"]["number"] == subcase.application.number
    assert body["application"]["applicant"]["name"] == "张建国"
    assert body["application"]["applicant"]["id_number"] == mask_id_number(APPLICANT_ID)
    assert body["form"] == {
        "id_number": mask_id_number(APPLICANT_ID),
        "mobile": "138****5678",
        "unit_name": "济南齐鲁精工机械有限公司",
    }
    assert [m["code"] for m in body["materials"]] == ["id_card", "labour_contract"]
    assert body["materials"][1]["due_date"] == "2025-03-17"
    assert body["callback"]["decision"] == (
        f"https://kuaiban.example.gov.cn/api/v1/subcases/{subcase.pk}/decision"
    )
    raw = str(body)
    assert APPLICANT_ID not in raw and APPLICANT_PHONE not in raw


def test_two_failures_then_success_is_delivered_after_backoff(world, receiver):
    receiver.plan("fail", "fail")
    message = world.dispatch(world.subcase())

    first = drain()
    assert (first.claimed, first.retried) == (1, 1)
    message = fresh(message)
    assert message.state == OutboxState.PENDING and message.attempts == 1
    assert "HTTP 500" in message.last_error
    assert drain().claimed == 0  # not due yet: backing off

    assert drain(at=message.next_attempt_at).retried == 1
    message = fresh(message)
    assert message.attempts == 2

    assert drain(at=later(hours=2)).delivered == 1
    message = fresh(message)
    assert message.state == OutboxState.DELIVERED and message.attempts == 3
    assert receiver.arrivals_of(message.idempotency_key) == 3
    assert receiver.effective[message.idempotency_key] == 1


def test_a_receiver_slower_than_the_timeout_is_retried(world, receiver, settings):
    settings.KUAIBAN_WEBHOOK_TIMEOUT = 0.5
    receiver.stall_sleep = 1.5
    receiver.plan("sleep")
    message = world.dispatch(world.subcase())

    assert drain().retried == 1
    message = fresh(message)
    assert message.state == OutboxState.PENDING
    assert "0.5 秒内没有响应" in message.last_error

    assert drain(at=later(hours=2)).delivered == 1
    # The slow receiver did apply the first arrival; the retry was acknowledged, not applied.
    assert receiver.arrivals_of(message.idempotency_key) == 2
    assert receiver.effective[message.idempotency_key] == 1


def test_a_receiver_that_is_down_is_retried_then_dead(world, down_url, settings):
    settings.KUAIBAN_OUTBOX_MAX_ATTEMPTS = 3
    world.agency.webhook_url = down_url
    world.agency.save()
    message = world.dispatch(world.subcase())

    assert drain().retried == 1
    assert drain(at=later(hours=2)).retried == 1
    last = drain(at=later(hours=4))

    assert last.dead == 1
    message = fresh(message)
    assert message.state == OutboxState.DEAD and message.attempts == 3
    assert "无法连接接收方" in message.last_error
    assert drain(at=later(days=30)).claimed == 0  # dead letters are not retried by themselves


def test_the_default_maximum_is_eight_attempts(world, down_url):
    world.agency.webhook_url = down_url
    world.agency.save()
    message = world.dispatch(world.subcase())
    for hour in range(8):
        drain(at=later(hours=2 * hour + 1))
    message = fresh(message)
    assert message.state == OutboxState.DEAD and message.attempts == 8


def test_a_flaky_receiver_gets_every_sub_case_exactly_once(world, receiver):
    # It applies the 2nd and 4th arrivals but answers 500, so those are sent again.
    receiver.plan("ok", "apply_then_fail", "ok", "apply_then_fail", "ok")
    messages = [world.dispatch(world.subcase()) for _ in range(5)]

    first = drain()
    assert (first.delivered, first.retried) == (3, 2)
    assert drain(at=later(hours=2)).delivered == 2

    keys = {m.idempotency_key for m in messages}
    assert set(receiver.applied) == keys
    assert all(receiver.effective[key] == 1 for key in keys)
    assert len(receiver.arrivals) == 7  # two were sent twice
    assert all(fresh(m).state == OutboxState.DELIVERED for m in messages)


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(world, receiver):
    world.agency.webhook_secret = "not-the-shared-secret"
    world.agency.save()
    message = world.dispatch(world.subcase())

    assert drain().retried == 1
    assert receiver.arrivals[0].signature_ok is False
    assert "HTTP 401" in fresh(message).last_error
    assert receiver.applied == {}


def test_an_agency_without_webhook_settings_is_a_dead_letter_at_once(world):
    world.agency.webhook_secret = ""
    world.agency.save()
    message = world.dispatch(world.subcase())

    assert drain().dead == 1
    message = fresh(message)
    assert message.state == OutboxState.DEAD and message.attempts == 1
    assert "未配置 Webhook 地址或签名密钥" in message.last_error


def test_a_transferred_sub_case_is_not_sent_to_its_former_agency(world, receiver):
    subcase = world.subcase()
    message = world.dispatch(subcase)
    subcase.agency = world.other_agency
    subcase.save()

    assert drain().delivered == 1
    assert receiver.arrivals == []
    assert "已转至其他机构" in fresh(message).last_error


@pytest.mark.parametrize("missing", ["subcase", "agency"])
def test_a_message_about_something_missing_is_dead(world, missing):
    message = world.dispatch(world.subcase())
    message.payload[missing] = 999999 if missing == "subcase" else "no-such-agency"
    message.save()

    assert drain().dead == 1
    assert "不存在" in fresh(message).last_error
