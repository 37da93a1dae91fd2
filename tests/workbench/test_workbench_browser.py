"""An officer's day in a real Chromium: log in, the queue, a sub-case, accept (by keyboard) and
approve with a result (by keyboard); the same pages on a phone, without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.accounts.models import User
from kuaiban.cases.models import SubCaseStatus
from tests.browser_helpers import log_in, shot
from tests.workbench.helpers import JN_SI, first_open, submit_retirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(intake_world: None, tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return {u.username: u for u in User.objects.all()}


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_an_officer_accepts_and_approves_with_the_keyboard(
    live_server, desktop, phone, world
) -> None:  # type: ignore[no-untyped-def]
    application = submit_retirement(world)
    subcase = first_open(application, JN_SI)
    page, base = desktop, live_server.url

    log_in(page, base, "officer-jn-si")
    assert page.url == base + "/workbench/"  # officers land on their queue
    assert page.locator("h1").inner_text() == "经办工作台"
    row = page.locator(f'tr[data-subcase="{subcase.pk}"]')
    assert application.number in row.inner_text() and "370102********1234" in row.inner_text()
    shot(page, "workbench-queue-desktop")

    row.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "职工正常退休（职）申请核准"
    shot(page, "workbench-subcase-desktop")

    # 受理 by keyboard: focus the button, press Enter.
    page.get_by_role("button", name="受理", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已受理" in page.locator(".wb-message").inner_text()
    assert page.locator(".wb-state .status").inner_text() == "办理中"

    # 办结: open the disclosure with the keyboard, fill one result, submit with Enter.
    page.locator("#approve > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#approve").get_attribute("open") is not None
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the type select keeps 文书; on to the name
    page.keyboard.type("退休申请核准通知书")
    page.keyboard.press("Tab")
    page.keyboard.type("鲁社退〔2025〕17号")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".wb-message").inner_text() == "已办结。"
    assert page.locator(".wb-state .status").inner_text() == "已办结"
    assert "鲁社退〔2025〕17号" in page.locator("#outcome-heading + dl").inner_text()
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED
    assert subcase.results == [
        {"kind": "document", "name": "退休申请核准通知书", "number": "鲁社退〔2025〕17号"}
    ]
    assert application.subcases.get(stage=2).status == SubCaseStatus.OPEN
    shot(page, "workbench-subcase-approved-desktop")

    # The same pages on a phone.
    second = submit_retirement(world)
    log_in(phone, base, "officer-jn-si")
    assert phone.locator(f'tr[data-subcase="{first_open(second, JN_SI).pk}"]').is_visible()
    _no_horizontal_scroll(phone)
    shot(phone, "workbench-queue-phone")
    phone.goto(f"{base}/workbench/subcases/{first_open(second, JN_SI).pk}/")
    phone.locator("#approve > summary").click()
    _no_horizontal_scroll(phone)
    shot(phone, "workbench-subcase-phone")
