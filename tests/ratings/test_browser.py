"""Rating on a phone with the keyboard only, in a real Chromium."""

from __future__ import annotations

import os

import pytest

from kuaiban.ratings.models import Rating, RectificationTicket
from tests.ratings.helpers import complete, officer_of, submit

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


def test_a_bad_rating_on_a_phone_reaches_the_agency_officer(
    world, live_server, phone, desktop
) -> None:
    """非常不满意 on a phone opens a ticket that carries what was rated; the officer of the
    responsible agency finds it in 差评整改 on a desktop and opens it."""
    app = complete(submit(world))
    page = phone
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zhangjianguo")
    page.fill("#id_password", "kuaiban-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{live_server.url}/ratings/applications/{app.number}/")
    groups = page.locator("form fieldset")
    for n in range(groups.count()):  # 非常不满意, the lowest of each question
        groups.nth(n).locator("label[for$='-1']").click()
    page.fill("#comment", "窗口推诿，跑了三次")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    _shot(page, "rating-bad-phone")
    rating = Rating.objects.get(application=app)
    ticket = RectificationTicket.objects.get(rating=rating)
    assert (ticket.region_id, ticket.application_id) == (rating.region_id, app.pk)
    assert (ticket.pack_id, ticket.bundle_id) == (app.pack_id, app.bundle_id)
    officer = officer_of(ticket.agency)
    office = desktop
    office.goto(live_server.url + "/accounts/login/")
    office.fill("#id_username", officer.username)
    office.fill("#id_password", "kuaiban-demo")
    with office.expect_navigation():
        office.keyboard.press("Enter")
    office.goto(live_server.url + "/ratings/tickets/")
    office.locator(f"a[href$='/ratings/tickets/{ticket.pk}/']").first.click()
    office.wait_for_url(f"**/ratings/tickets/{ticket.pk}/")
    assert "窗口推诿，跑了三次" in office.content()
    _shot(office, "ticket-officer-desktop")
