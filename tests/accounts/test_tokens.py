"""Bearer tokens: issue, use, expire, revoke; only the hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client

from kuaiban.accounts.models import ApiToken, Role
from tests.accounts.conftest import CJK, ME_URL, PASSWORD, TOKEN_URL, api_token, bearer


def issue(client, username="alice", password=PASSWORD) -> str:
    response = api_token(client, username, password)
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_issue_returns_201_with_token_and_expiry(client, alice, clock):
    response = api_token(client, "alice", PASSWORD)
    body = response.json()
    assert response.status_code == 201
    assert set(body) == {"token", "expires_at"}
    assert len(body["token"]) == 43  # secrets.token_urlsafe(32)
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires == clock.now + dt.timedelta(hours=12)
    assert expires.utcoffset() == dt.timedelta(hours=8)  # shown in Beijing time


def test_ttl_comes_from_settings(client, alice, clock, settings):
    settings.KUAIBAN_TOKEN_TTL_HOURS = 2
    body = api_token(client, "alice", PASSWORD).json()
    assert dt.datetime.fromisoformat(body["expires_at"]) == clock.now + dt.timedelta(hours=2)


def test_only_the_hash_of_the_token_is_stored(client, alice):
    raw = issue(client)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(raw in value for value in stored)


def test_every_issue_gives_a_new_token(client, alice):
    assert issue(client) != issue(client)
    assert ApiToken.objects.filter(user=alice).count() == 2


def test_token_opens_a_protected_endpoint(alice):
    raw = issue(Client())
    response = Client().get(ME_URL, **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "role": "person", "display_name": "艾丽丝"}


def test_display_name_falls_back_to_the_username(make_user):
    make_user(username="carol", role=Role.OFFICER)
    raw = issue(Client(), "carol")
    body = Client().get(ME_URL, **bearer(raw)).json()
    assert body == {"username": "carol", "role": "officer", "display_name": "carol"}


@pytest.mark.parametrize("username", ["alice", "nobody-here"])
def test_wrong_credentials_get_401_with_one_message(client, alice, username):
    response = api_token(client, username, "wrong password")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "invalid_credentials", "message": "用户名或密码不正确"}
    }
    assert ApiToken.objects.count() == 0


def test_missing_fields_get_422(client):
    response = client.post(TOKEN_URL, {"username": "alice"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"password": ["缺少此项"]}


def test_inactive_user_cannot_get_a_token(client, make_user):
    make_user(username="dave", is_active=False)
    response = api_token(client, "dave", PASSWORD)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "用户名或密码不正确"
    assert ApiToken.objects.count() == 0


def test_inactive_user_cannot_use_a_token(alice):
    raw = issue(Client())
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = Client().get(ME_URL, **bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_expired_token_is_refused(alice, clock):
    raw = issue(Client())
    clock.advance(hours=11, minutes=59)
    assert Client().get(ME_URL, **bearer(raw)).status_code == 200
    clock.advance(minutes=1)
    response = Client().get(ME_URL, **bearer(raw))
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert CJK.search(error["message"])


def test_delete_revokes_the_presented_token_only(alice):
    first, second = issue(Client()), issue(Client())
    response = Client().delete(TOKEN_URL, **bearer(first))
    assert response.status_code == 204
    assert ApiToken.objects.get(revoked_at__isnull=False).key_hash == (
        hashlib.sha256(first.encode()).hexdigest()
    )
    assert Client().get(ME_URL, **bearer(first)).status_code == 401
    assert Client().delete(TOKEN_URL, **bearer(first)).status_code == 401
    assert Client().get(ME_URL, **bearer(second)).status_code == 200


def test_delete_needs_a_token_not_a_session(client, alice):
    client.force_login(alice)
    assert client.delete(TOKEN_URL).status_code == 401


def test_admin_can_revoke_tokens(alice, make_user):
    raw = issue(Client())
    admin = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    token = ApiToken.objects.get()
    response = staff.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(ME_URL, **bearer(raw)).status_code == 401


def test_admin_can_revoke_all_tokens_of_a_user(alice, make_user):
    raws = [issue(Client()), issue(Client())]
    admin = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    staff.post(
        "/admin/accounts/user/", {"action": "revoke_all_tokens", "_selected_action": [alice.pk]}
    )
    assert [Client().get(ME_URL, **bearer(raw)).status_code for raw in raws] == [401, 401]


def test_last_used_at_is_recorded_about_once_a_minute(alice, clock):
    raw = issue(Client())
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    Client().get(ME_URL, **bearer(raw))
    first_use = clock.now
    token.refresh_from_db()
    assert token.last_used_at == first_use
    clock.advance(seconds=30)
    Client().get(ME_URL, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first_use
    clock.advance(minutes=1)
    Client().get(ME_URL, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == clock.now


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer not-a-token", "bearer " + "x" * 1000, "Bearer a b"],
)
def test_malformed_or_unknown_tokens_are_refused(client, alice, header):
    issue(client)
    response = client.get(ME_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_model_knows_when_it_is_usable():
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    token = ApiToken(expires_at=now + dt.timedelta(seconds=1))
    assert token.is_usable_at(now)
    assert not token.is_usable_at(now + dt.timedelta(seconds=1))
    token.revoked_at = now
    assert not token.is_usable_at(now)
