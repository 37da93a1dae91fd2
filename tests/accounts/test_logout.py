"""Log-out: only by POST with the CSRF token; a GET asks for confirmation."""

from __future__ import annotations

from django.test import Client

from tests.accounts.conftest import logged_in_user_id


def test_get_does_not_log_out_but_asks(client, alice):
    client.force_login(alice)
    response = client.get("/accounts/logout/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "确定要退出吗" in html
    assert logged_in_user_id(client) == str(alice.pk)


def test_post_logs_out_and_says_so_on_the_login_page(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert logged_in_user_id(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "您已安全退出登录" in page
    assert client.get("/api/v1/auth/me").status_code == 401


def test_post_without_csrf_token_does_not_log_out(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert logged_in_user_id(client) == str(alice.pk)


def test_post_with_csrf_token_logs_out(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/accounts/logout/")  # the confirmation page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert logged_in_user_id(client) is None
