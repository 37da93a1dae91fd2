"""The log-in page in a real browser: keyboard only, a phone, large-text mode."""

from __future__ import annotations

import os

import pytest

from kuaiban.core.middleware import LARGE_TEXT_COOKIE
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KUAIBAN_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _tab_to(page, element_id: str) -> None:
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_log_in_with_the_keyboard_only(live_server, desktop, make_user):
    make_user(username="alice", display_name="艾丽丝")
    page = desktop
    page.goto(live_server.url + "/accounts/login/?next=/items/")
    _tab_to(page, "id_username")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    # The error summary takes the focus, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert "用户名或密码不正确" in page.locator(".error-summary").inner_text()
    _shot(page, "login-error-desktop")
    _tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/items/")
    assert page.get_by_role("link", name="我的首页：艾丽丝").is_visible()


def test_login_page_fits_a_phone_in_large_text(live_server, phone):
    page = phone
    page.goto(live_server.url + "/accounts/login/")
    normal = page.evaluate("getComputedStyle(document.getElementById('id_username')).fontSize")
    page.context.add_cookies([{"name": LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url}])
    page.goto(live_server.url + "/accounts/login/")
    large = page.evaluate("getComputedStyle(document.getElementById('id_username')).fontSize")
    assert float(large.rstrip("px")) > float(normal.rstrip("px"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    button = page.get_by_role("button", name="登录")
    box = button.bounding_box()
    assert box is not None
    assert box["width"] > 300  # full width on a phone: an easy target
    _shot(page, "login-phone-large-text")
