"""Rating on a phone with the keyboard only, in a real Chromium."""

from __future__ import annotations

import os

import pytest

from kuaiban.ratings.models import Rating
from tests.ratings.helpers import complete, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KUAIBAN_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_person_rates_on_a_phone_with_the_keyboard(world, live_server, phone) -> None:
    app = complete(submit(world))
    page = phone
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zhangjianguo")
    page.fill("#id_password", "kuaiban-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server.url}/me/applications/{app.number}/")
    page.get_by_role("link", name="去评价").click()
    page.wait_for_url(f"**/ratings/applications/{app.number}/")
    # Nothing fits sideways on a 375 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Submitting nothing: the error summary takes the focus and links to the first question.
    page.get_by_role("button", name="提交评价").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    _shot(page, "rating-errors-phone")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "level-5"
    # The keyboard alone: arrows move within a radio group, Tab to the next group.
    page.keyboard.press("ArrowDown")  # 5 → 4 满意
    for _ in range(4):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the first level of each indicator: 非常满意
    page.keyboard.press("Tab")
    page.keyboard.type("手机上办很方便")
    _shot(page, "rating-filled-phone")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "感谢您的评价" in page.content()
    _shot(page, "rating-done-phone")
    rating = Rating.objects.get(application=app)
    assert rating.level == 4 and rating.comment == "手机上办很方便"
    assert rating.indicators == {
        "overall": 4,
        "efficiency": 5,
        "guide_accuracy": 5,
        "convenience": 5,
        "usability": 5,
    }
