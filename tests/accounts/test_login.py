"""The log-in page: Chinese, accessible form, role start pages, no enumeration, safe `next`."""

from __future__ import annotations

import re

import pytest

from kuaiban.accounts.models import Role
from tests.accounts.conftest import (
    LOGIN_URL,
    PASSWORD,
    error_summary,
    logged_in_user_id,
    web_login,
)


def test_login_page_is_in_chinese_with_labelled_fields(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in html
    assert "<h1>登录</h1>" in html
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "accounts/auth.css" in html
    for english in ("Username", "Password", "Log in", "This field is required"):
        assert english not in html
    assert error_summary(html) == ""  # no errors before anything is sent


@pytest.mark.parametrize(
    ("role", "start"),
    [
        (Role.PERSON, "/me/"),
        (Role.UNIT, "/me/"),
        (Role.CLERK, "/window/"),
        (Role.OFFICER, "/workbench/"),
        (Role.SUPERVISOR, "/supervision/"),
        (Role.ADMIN, "/admin/"),
    ],
)
def test_good_login_goes_to_the_start_page_of_the_role(client, make_user, role, start):
    user = make_user(role=role)
    response = web_login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == start
    assert logged_in_user_id(client) == str(user.pk)


def test_accounts_home_redirects_a_logged_in_user_by_role(client, make_user):
    client.force_login(make_user(role=Role.CLERK))
    response = client.get("/accounts/home/")
    assert response.status_code == 302
    assert response["Location"] == "/window/"


def test_accounts_home_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/accounts/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/home/")


def test_wrong_password_shows_the_error_summary_and_the_field_message(client, alice):
    response = web_login(client, "alice", "wrong password")
    html = response.content.decode()
    summary = error_summary(html)
    assert response.status_code == 200
    assert "<title>错误：登录" in html
    assert "出现问题" in summary
    assert 'href="#id_username"' in summary
    assert "用户名或密码不正确" in summary
    assert 'class="field field-error"' in html
    assert 'aria-describedby="id_username-error"' in html
    assert 'id="id_username-error"' in html
    assert 'value="alice"' in html  # the username is kept, the password never echoed
    assert "wrong password" not in html
    assert logged_in_user_id(client) is None


def test_empty_fields_each_get_a_message_linked_from_the_summary(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})
    summary = error_summary(response.content.decode())
    assert '<a href="#id_username">请输入用户名</a>' in summary
    assert '<a href="#id_password">请输入密码</a>' in summary


def test_failure_does_not_reveal_whether_the_username_exists(client, alice, make_user):
    make_user(username="bob", is_active=False)  # right password, but disabled
    unknown = web_login(client, "nobody-here", "wrong password", ip="10.0.0.7")
    wrong_password = web_login(client, "alice", "wrong password", ip="10.0.0.8")
    inactive = web_login(client, "bob", PASSWORD, ip="10.0.0.9")
    summaries = {error_summary(r.content.decode()) for r in (unknown, wrong_password, inactive)}
    assert len(summaries) == 1
    assert "用户名或密码不正确" in summaries.pop()
    assert unknown.status_code == wrong_password.status_code == inactive.status_code == 200
    assert logged_in_user_id(client) is None


def test_a_safe_next_is_followed(client, alice):
    response = web_login(client, "alice", PASSWORD, next="/items/?q=%E5%85%BB%E8%80%81")
    assert response["Location"] == "/items/?q=%E5%85%BB%E8%80%81"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://testserver.evil.example/",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "/accounts/login/",  # back to the log-in page would only show it again
        "/accounts/logout/",
    ],
)
def test_an_unsafe_next_is_ignored(client, alice, target):
    response = web_login(client, "alice", PASSWORD, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_the_login_page_keeps_only_a_safe_next(client):
    safe = client.get(LOGIN_URL, {"next": "/items/"}).content.decode()
    unsafe = client.get(LOGIN_URL, {"next": "https://evil.example/"}).content.decode()
    assert '<input type="hidden" name="next" value="/items/">' in safe
    login_form = re.search(r'<form method="post" action="/accounts/login/".*?</form>', unsafe, re.S)
    assert login_form is not None
    assert 'name="next"' not in login_form.group(0)


def test_the_header_offers_log_in_to_visitors_and_log_out_to_users(client, alice):
    anonymous = client.get("/accounts/logout/").content.decode()
    assert '<a href="/accounts/login/?next=/accounts/logout/">登录</a>' in anonymous
    client.force_login(alice)
    html = client.get("/accounts/logout/").content.decode()
    assert "艾丽丝</a>" in html
    assert '<form method="post" action="/accounts/logout/">' in html
    assert ">退出</button>" in html
    assert ">登录</a>" not in html


def test_the_login_page_says_who_is_already_logged_in(client, alice):
    client.force_login(alice)
    html = client.get(LOGIN_URL).content.decode()
    assert "您已登录为 艾丽丝" in html
    assert '<a href="/me/">进入我的首页</a>' in html


def test_sso_button_appears_when_configured(client, settings):
    assert "统一身份认证" not in client.get(LOGIN_URL).content.decode()
    settings.KUAIBAN_SSO_LOGIN_URL = "/oidc/authenticate/"
    settings.KUAIBAN_SSO_LABEL = "使用山东省统一身份认证平台登录"
    html = client.get(LOGIN_URL, {"next": "/me/"}).content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fme%2F"' in html
    assert "使用山东省统一身份认证平台登录" in html
