"""Public pages in a real browser: desktop, phone, keyboard only, large-text mode."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("KUAIBAN_SCREENSHOTS")  # a folder to keep screenshots in, for people


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_find_a_bundle_guide_on_desktop(live_server, desktop, shandong_world) -> None:  # type: ignore[no-untyped-def]
    page = desktop
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="山东省").first.click()
    page.get_by_role("link", name="职工退休").click()
    assert page.locator("h1").inner_text() == "“职工退休”一件事"
    assert page.get_by_role("heading", name="场景 7-1").is_visible()
    assert page.get_by_text("一套材料").first.is_visible()
    _shot(page, "bundle-desktop")
    with page.expect_response(lambda r: r.url.endswith("guide.pdf")) as info:
        page.get_by_role("link", name="下载办事指南（PDF）").click()
    assert info.value.headers["content-type"] == "application/pdf"


def test_bundle_page_fits_a_phone_and_large_text(live_server, phone, shandong_world) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(live_server.url + "/packs/shandong-2020/7/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone screen"
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_selector("html.large-text")
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert large >= normal * 1.3
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    _shot(page, "bundle-phone-large")
    # The preference follows the person to the next page.
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")


def test_keyboard_only(live_server, desktop, shandong_world) -> None:  # type: ignore[no-untyped-def]
    page = desktop
    page.goto(live_server.url + "/packs/shandong-2020/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab onward to the first bundle link and open it with Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "企业招聘用工":
            break
    else:
        pytest.fail("could not reach the first bundle with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/packs/shandong-2020/1/")
    assert "企业招聘用工" in page.locator("h1").inner_text()


def test_large_text_switches_in_place_and_keeps_what_was_typed(live_server, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(live_server.url + "/items/")
    page.fill("#q", "失业保险金")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_selector("html.large-text")
    # The same page, not a new one: the marker survives, the search box keeps its text.
    assert page.evaluate("window.notReloaded === true")
    assert page.input_value("#q") == "失业保险金"
    button = page.locator("form.display-toggle button")
    assert button.inner_text() == "标准字号" and button.get_attribute("aria-pressed") == "true"
    # The server reads the same cookie: the next page comes in large text.
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    page.get_by_role("button", name="标准字号").click()
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")
