"""`/api/v1/cards/me`, `…/loss`, `…/unloss`, `…/credentials` and the 亮证 check: the holder's
own card only (404 for anyone else), reads audited, QR codes fresh, expired and forged, and
every answer in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.cards.models import CardStatus, SocialSecurityCard
from kuaiban.cards.showing import SALT
from kuaiban.core.models import AuditEvent
from tests.worlds import NOW

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_holder_reads_their_card_and_the_read_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    response = _client(world["zhangjianguo"]).get("/api/v1/cards/me")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "370100D156000005"
    assert (body["status"], body["status_label"]) == ("normal", "正常")
    assert (body["ecard_state"], body["ecard_label"]) == ("valid", "有效")
    assert body["can"] == ["loss_temporary", "password_change", "password_reset"]
    assert body["history"][0]["action"] == "从持卡库导入"
    card = SocialSecurityCard.objects.get(number="370100D156000005")
    audit = AuditEvent.objects.get(action="card.read", object_id=str(card.pk))
    assert audit.actor == world["zhangjianguo"] and audit.changes["card"].endswith("0005")


@pytest.mark.parametrize("who", ["wangfang", "unit-qilu", "officer-jn-card", "clerk-lixia"])
def test_anyone_without_a_card_gets_404_on_every_card_endpoint(world, who: str) -> None:  # type: ignore[no-untyped-def]
    client = _client(world[who])
    assert client.get("/api/v1/cards/me").status_code == 404
    for path, body in [
        ("/api/v1/cards/me/loss", {"temporary": True}),
        ("/api/v1/cards/me/unloss", None),
    ]:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 404, (path, response.content)
        assert response.json()["error"]["code"] == "not_found"
    assert SocialSecurityCard.objects.get(number="370100D156000005").status == CardStatus.NORMAL


def test_anonymous_callers_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(None)
    assert client.get("/api/v1/cards/me").status_code == 401
    assert client.get("/api/v1/cards/me/credentials").status_code == 401


def test_loss_and_unloss_through_the_api(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    formal = client.post(
        "/api/v1/cards/me/loss", {"temporary": False}, content_type="application/json"
    )
    assert formal.status_code == 409
    assert "正式挂失须本人持身份证到社会保障卡服务网点办理" in formal.json()["error"]["message"]
    lost = client.post(
        "/api/v1/cards/me/loss", {"temporary": True}, content_type="application/json"
    )
    assert lost.status_code == 200
    body = lost.json()
    assert body["status"] == "temporary_loss" and body["ecard_state"] == "suspended"
    assert body["hold_until"] == (NOW + dt.timedelta(days=5)).isoformat()
    assert body["can"] == ["unloss"]
    again = client.post(
        "/api/v1/cards/me/loss", {"temporary": True}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["message"].startswith(
        "社会保障卡当前状态为“临时挂失”，不能临时挂失"
    )
    back = client.post("/api/v1/cards/me/unloss")
    assert back.status_code == 200 and back.json()["status"] == "normal"
    assert client.post("/api/v1/cards/me/unloss").status_code == 409


@pytest.mark.parametrize("body", [{}, {"temporary": "maybe"}, {"temporary": True, "x": 1}])
def test_bad_loss_bodies_are_422_and_change_nothing(world, body) -> None:  # type: ignore[no-untyped-def]
    response = _client(world["zhangjianguo"]).post(
        "/api/v1/cards/me/loss", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert SocialSecurityCard.objects.get(number="370100D156000005").status == CardStatus.NORMAL


def _token(world, who: str = "zhangjianguo", kind: str = "card") -> str:  # type: ignore[no-untyped-def]
    response = _client(world[who]).get("/api/v1/cards/me/credentials")
    assert response.status_code == 200
    found = {c["kind"]: c for c in response.json()}
    return found[kind]["token"]


def _verify(world, token: str, who: str = "clerk-lixia"):  # type: ignore[no-untyped-def]
    return _client(world[who]).post(
        "/api/v1/cards/credentials/verify", {"token": token}, content_type="application/json"
    )


def test_the_holder_s_credentials_each_carry_a_fresh_token(world) -> None:  # type: ignore[no-untyped-def]
    response = _client(world["zhangjianguo"]).get("/api/v1/cards/me/credentials")
    listed = {c["kind"]: c for c in response.json()}
    assert set(listed) == {"card", "graduation"}
    assert listed["card"]["title"] == "电子社会保障卡" and listed["card"]["number_masked"].endswith(
        "0005"
    )
    assert listed["graduation"]["title"] == "技工院校毕业证书"
    # 王芳 has no card, but her 《就业创业证》.
    theirs = _client(world["wangfang"]).get("/api/v1/cards/me/credentials").json()
    assert [c["kind"] for c in theirs] == ["employment_card"]
    # 刘秀英's card is lost: shown with its state, no token.
    lost = _client(world["liuxiuying"]).get("/api/v1/cards/me/credentials").json()
    assert lost[0]["state"] == "suspended" and lost[0]["token"] is None


def test_a_fresh_qr_verifies_with_the_holder_masked(world) -> None:  # type: ignore[no-untyped-def]
    response = _verify(world, _token(world))
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["code"] == "ok"
    assert body["holder"] == {"name": "张*国", "id_number": "370102********1234"}
    assert body["title"] == "电子社会保障卡" and body["state_label"] == "有效"
    audit = AuditEvent.objects.filter(action="credential.verify").latest("pk")
    assert audit.actor == world["clerk-lixia"] and audit.object_id == "370102********1234"
    employment = _verify(world, _token(world, "wangfang", "employment_card")).json()
    assert employment["valid"] is True and employment["holder"]["name"] == "王*"


def test_an_old_qr_fails_and_the_grace_is_half_a_minute(world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world)  # made at 09:30:00
    at = NOW.replace(second=0)
    for later, valid in [(59, True), (60 + 29, True), (60 + 30, False), (3600, False)]:
        with mock.patch.object(timezone, "now", return_value=at + dt.timedelta(seconds=later)):
            body = _verify(world, token).json()
        assert body["valid"] is valid, later
        if not valid:
            assert body["code"] == "expired" and "截图或旧码无效" in body["reason"]
            assert body["holder"] is None


def test_a_forged_or_changed_qr_fails(world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world)
    payload, _sep, signature = token.rpartition(":")
    forged = signing.Signer(key="another key", salt=SALT).sign_object(
        {"u": world["wangfang"].pk, "k": "card", "w": 0}
    )
    for bad in [payload + ":" + signature[::-1], forged, "hello", token + "x"]:
        body = _verify(world, bad).json()
        assert body == {
            "valid": False,
            "code": "forged",
            "reason": "二维码无效：不是本平台签发的亮证码，或内容已被改动",
            "kind": None,
            "title": None,
            "number_masked": None,
            "state_label": None,
            "holder": None,
        }


def test_a_card_lost_after_showing_fails_the_check(world) -> None:  # type: ignore[no-untyped-def]
    token = _token(world)
    _client(world["zhangjianguo"]).post(
        "/api/v1/cards/me/loss", {"temporary": True}, content_type="application/json"
    )
    body = _verify(world, token).json()
    assert body["valid"] is False and body["code"] == "not_valid"
    assert body["state_label"] == "暂停使用（实体卡挂失中）"


@pytest.mark.parametrize("who", ["zhangjianguo", "unit-qilu", "supervisor-sd"])
def test_only_clerks_and_officers_verify(world, who: str) -> None:  # type: ignore[no-untyped-def]
    response = _verify(world, _token(world), who=who)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert _verify(world, _token(world), who="officer-jn-card").json()["valid"] is True


def test_the_api_document_lists_the_card_operations_and_their_errors(world) -> None:  # type: ignore[no-untyped-def]
    paths = _client(None).get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/cards/me"]["get"]["responses"]) >= {"200", "401", "404"}
    assert set(paths["/api/v1/cards/me/loss"]["post"]["responses"]) >= {
        "200",
        "401",
        "404",
        "409",
        "422",
    }
    assert set(paths["/api/v1/cards/me/unloss"]["post"]["responses"]) >= {"200", "404", "409"}
    assert set(paths["/api/v1/cards/credentials/verify"]["post"]["responses"]) >= {
        "200",
        "401",
        "403",
        "422",
    }
    assert "/api/v1/cards/me/credentials" in paths


def test_the_document_describes_the_card_answers_by_their_own_names(world) -> None:  # type: ignore[no-untyped-def]
    # ninja keeps one component per class name: a same-named schema of another app would
    # silently describe these answers (schemathesis then finds them “not as documented”).
    document = _client(None).get("/api/v1/openapi.json").json()
    verify = document["paths"]["/api/v1/cards/credentials/verify"]["post"]["responses"]["200"]
    ref = verify["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/CardVerifyOut"
    schema = document["components"]["schemas"]["CardVerifyOut"]
    assert set(schema["properties"]) == {
        "valid",
        "code",
        "reason",
        "kind",
        "title",
        "number_masked",
        "state_label",
        "holder",
    }


def test_a_card_only_the_registry_knows_is_taken_in_when_its_holder_looks(world) -> None:  # type: ignore[no-untyped-def]
    SocialSecurityCard.objects.filter(number="370100D156000005").delete()
    client = _client(world["zhangjianguo"])
    body = client.get("/api/v1/cards/me").json()
    assert body["number"] == "370100D156000005" and body["status"] == "normal"
    assert body["history"][0]["action"] == "从持卡库导入"
    client.get("/api/v1/cards/me")
    assert SocialSecurityCard.objects.filter(number="370100D156000005").count() == 1
    # A card replaced here is not taken in again from the registry's stale copy.
    SocialSecurityCard.objects.filter(number="370100D156000005").update(status="replaced")
    assert client.get("/api/v1/cards/me").json()["status"] == "replaced"
