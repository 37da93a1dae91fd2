"""Fixtures for the identity tests: a controllable clock, users by role, log-in helpers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests.conftest import make_id_number

PASSWORD = "correct horse battery"  # the `make_user` default
LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Freeze django.utils.timezone.now (used by the services, sessions and Django's auth)."""
    frozen = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen.now)
    return frozen


@pytest.fixture
def alice(make_user):
    """An applicant (个人) with a real-looking ID number and phone on file."""
    return make_user(
        username="alice",
        display_name="艾丽丝",
        id_number=ALICE_ID,
        phone=ALICE_PHONE,
    )


def web_login(client: Client, username: str, password: str, *, ip: str = "10.0.0.1", **data):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, **data}, REMOTE_ADDR=ip
    )


def api_token(client: Client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def error_summary(html: str) -> str:
    """The error summary block of a page, or "" when there is none."""
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return found.group(0) if found else ""


ALICE_ID = make_id_number(region="370102", birth="19650315", seq="123")
ALICE_PHONE = "13912345678"

CJK = re.compile(r"[\u4e00-\u9fff]")
