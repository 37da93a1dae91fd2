"""The social security card on a phone, in a real Chromium: the holder reports a temporary
loss and sees it, lifts it, shows the 亮证 QR; a clerk's scan page verifies what that QR
encodes, and refuses a QR from minutes ago (a screenshot)."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
import segno

from kuaiban.accounts.models import User
from kuaiban.cards.models import CardStatus, SocialSecurityCard
from kuaiban.cards.showing import WINDOW_SECONDS, show_token
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(tmp_path: Path, settings, demo_world) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", scale=6, border=4, title="亮证二维码")
    return buffer.getvalue()


def _token(user: User, window: int) -> str:
    return show_token(
        user=user, kind="card", now=dt.datetime.fromtimestamp(window * WINDOW_SECONDS, tz=dt.UTC)
    )


def _decoded(svg: bytes, base: str, user: User) -> str:
    """The scan link the QR encodes: the one of this minute or the last whose rendering is
    the very image the phone got (no QR decoder needed — the codes are deterministic)."""
    now = int(time.time()) // WINDOW_SECONDS
    for window in (now, now - 1):
        url = f"{base}/cards/scan/?t={_token(user, window)}"
        if _qr_svg(url) == svg:
            return url
    raise AssertionError("the QR on the phone encodes no current scan link")


def test_loss_state_and_a_qr_the_clerk_verifies(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    log_in(page, base, "zhangjianguo", fresh=True)
    page.get_by_role("link", name="社保卡").first.click()
    assert page.locator("#card-status").inner_text() == "正常"
    page.get_by_role("button", name="临时挂失").click()
    assert page.locator("#card-status").inner_text() == "临时挂失"
    main = page.locator("main").inner_text()
    assert "已临时挂失" in main and "暂停使用（实体卡挂失中）" in main and "临时挂失至" in main
    shot(page, "card-temporary-loss-phone")
    holder = User.objects.get(username="zhangjianguo")
    card = SocialSecurityCard.objects.get(
        id_number=holder.id_number, status=CardStatus.TEMPORARY_LOSS
    )
    assert card.events.filter(action="loss_temporary", actor=holder).exists()

    # While lost the electronic card shows no QR; after 解挂 it does.
    page.get_by_role("link", name="亮证（出示电子证照）").click()
    assert page.locator("li.credential[data-kind=card] img.show-qr").count() == 0
    page.go_back()
    page.get_by_role("button", name="解除挂失").click()
    assert page.locator("#card-status").inner_text() == "正常"
    page.get_by_role("link", name="亮证（出示电子证照）").click()
    qr = page.locator("li.credential[data-kind=card] img.show-qr")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "card-show-qr-phone")
    svg = page.request.get(base + qr.get_attribute("src")).body()
    scan_url = _decoded(svg, base, holder)

    clerk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(clerk, base, "clerk-lixia", then="/cards/scan/")
    clerk.goto(scan_url)
    result = clerk.locator("#scan-result").inner_text()
    assert "核验通过" in result and "证照真实有效" in result
    details = clerk.locator("main dl").inner_text()
    assert "张*国" in details and "370102********1234" in details and "电子社会保障卡" in details
    shot(clerk, "card-scan-verified")

    # A screenshot from a few minutes ago: refused, nothing about the holder shown.
    old = f"{base}/cards/scan/?t={_token(holder, int(time.time()) // WINDOW_SECONDS - 3)}"
    clerk.goto(old)
    assert "二维码已过期" in clerk.locator("#scan-result").inner_text()
    assert "张*国" not in clerk.locator("main").inner_text()
    context.close()
    clerk.context.close()
