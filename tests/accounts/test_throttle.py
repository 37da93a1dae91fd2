"""Brute-force throttle: 5 failures for a username from an address within 15 minutes suspend
log-ins for that pair for 15 minutes, on the page and on the token endpoint alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory

from kuaiban.accounts.client_ip import client_ip
from kuaiban.accounts.models import LoginFailure
from kuaiban.accounts.services import login_unlock
from tests.accounts.conftest import (
    PASSWORD,
    api_token,
    error_summary,
    logged_in_user_id,
    web_login,
)


def fail(client, username="alice", times=5, ip="10.0.0.1"):
    for _ in range(times):
        response = web_login(client, username, "wrong password", ip=ip)
        assert logged_in_user_id(client) is None
    return response


def test_four_failures_do_not_lock_and_a_success_resets_the_count(client, alice, clock):
    fail(client, times=4)
    assert web_login(client, "alice", PASSWORD).status_code == 302
    assert LoginFailure.objects.count() == 0
    client.logout()
    fail(client, times=4)
    assert web_login(client, "alice", PASSWORD).status_code == 302


def test_fifth_failure_locks_even_the_right_password_out(client, alice, clock):
    fifth = fail(client)
    assert "用户名或密码不正确。登录失败次数过多" in error_summary(fifth.content.decode())
    clock.advance(minutes=1)
    response = web_login(client, "alice", PASSWORD)
    summary = error_summary(response.content.decode())
    assert response.status_code == 429
    assert "登录失败次数过多" in summary
    assert "请在14分钟后" in summary
    assert logged_in_user_id(client) is None


def test_failures_are_stored_in_the_database_and_shared_between_clients(alice, clock):
    # Each Client has its own cookies: a lock that lived in the session would not hold here.
    for _ in range(5):
        fail(Client(), times=1)
    assert LoginFailure.objects.filter(username="alice", ip="10.0.0.1").count() == 5
    locked = LoginFailure.objects.get(locks_until__isnull=False)
    assert locked.locks_until == clock.now + dt.timedelta(minutes=15)
    assert web_login(Client(), "alice", PASSWORD).status_code == 429


def test_lock_lasts_fifteen_minutes_then_log_in_works(client, alice, clock):
    fail(client)
    clock.advance(minutes=14, seconds=59)
    assert web_login(client, "alice", PASSWORD).status_code == 429
    clock.advance(seconds=1)
    response = web_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


def test_attempts_during_the_lock_do_not_extend_it(client, alice, clock):
    fail(client)
    clock.advance(minutes=10)
    fail(client, times=3)  # refused, not counted
    clock.advance(minutes=5)
    assert web_login(client, "alice", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(client, alice, clock):
    fail(client, times=4)
    clock.advance(minutes=15, seconds=1)
    fifth = fail(client, times=1)
    summary = error_summary(fifth.content.decode())
    assert "用户名或密码不正确" in summary
    assert "登录失败次数过多" not in summary
    assert web_login(client, "alice", PASSWORD).status_code == 302


def test_lock_is_per_username_and_address(client, alice, make_user, clock):
    make_user(username="bob")
    fail(client, ip="10.0.0.1")
    assert web_login(Client(), "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    assert web_login(Client(), "bob", PASSWORD, ip="10.0.0.1").status_code == 302


def test_an_unknown_username_is_throttled_the_same_way(client, db, clock):
    fail(client, username="nobody-here")
    response = web_login(client, "nobody-here", "whatever")
    assert response.status_code == 429
    assert "登录失败次数过多" in error_summary(response.content.decode())


def test_api_is_refused_with_429_after_five_failures(client, alice, clock):
    for _ in range(5):
        assert api_token(client, "alice", "wrong password").status_code == 401
    clock.advance(minutes=3)
    response = api_token(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(12 * 60)
    body = response.json()
    assert body["error"]["code"] == "throttled"
    assert "登录失败次数过多" in body["error"]["message"]
    assert "token" not in body
    clock.advance(minutes=12)
    assert api_token(client, "alice", PASSWORD).status_code == 201


def test_web_and_api_failures_share_one_count(client, alice, clock):
    fail(client, times=3)
    for _ in range(2):
        api_token(client, "alice", "wrong password")
    assert api_token(client, "alice", PASSWORD).status_code == 429
    assert web_login(client, "alice", PASSWORD).status_code == 429


def test_unlock_lifts_the_suspension(client, alice, clock):
    fail(client)
    assert login_unlock(username="alice") == 5
    assert web_login(client, "alice", PASSWORD).status_code == 302


def test_old_failure_rows_are_pruned(client, db, clock):
    LoginFailure.objects.create(
        username="old", ip="10.0.0.1", created_at=clock.now - dt.timedelta(days=2)
    )
    fail(client, username="someone", times=1)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["someone"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "192.0.2.9"),  # no proxy trusted: the header is ignored
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.5", "1.1.1.1"),
        (2, "1.1.1.1", "192.0.2.9"),  # fewer entries than proxies: not trustworthy
    ],
)
def test_client_ip_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.KUAIBAN_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
