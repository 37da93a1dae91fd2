"""The kiosk's idle notice in a real Chromium, on the terminal's screen and on a phone, with large
text: it sits above the page, never over it, so every key of the keypad can be touched while it
counts down; in the last seconds it warns, and any touch starts the count again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import shot

pytestmark = pytest.mark.django_db(transaction=True)

IDLE = 120  # KUAIBAN_KIOSK_IDLE_SECONDS as the settings give it
KEYS = "123456789X0"
# The quiet line, counting down from IDLE (the page's clock runs on as the test works).
CALM = re.compile(rf"无操作 ({IDLE}|1[01]\d) 秒后自动退出")


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1080, 1920)])
def test_the_idle_notice_leaves_the_keypad_usable(live_server, browser, width, height) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.clock.install()
    page.goto(live_server.url + "/kiosk/")
    notice = page.locator("#kiosk-idle")
    expect(notice.locator("[data-idle-calm]")).to_have_text(CALM)
    font = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('kiosk-idle')).fontSize)"
    )
    assert font >= 22, font  # large text, like the rest of the kiosk
    calm_box = notice.bounding_box()

    # The last 30 seconds: a warning, announced once, still above the page.
    page.clock.run_for((IDLE - 25) * 1000)
    expect(notice.locator("[data-idle-warning]")).to_be_visible()
    expect(notice.locator("[data-idle-warning]")).to_contain_text(
        re.compile("即将退出：2[0-5] 秒后")
    )
    expect(page.locator("[data-idle-said]")).to_have_text("即将自动退出，触摸屏幕任意位置继续使用")
    shot(page, f"kiosk-idle-warning-{width}")
    main = page.locator("main").bounding_box()
    box = notice.bounding_box()
    assert main is not None and box is not None
    assert box["y"] + box["height"] <= main["y"] + 0.5  # above the content, not over it
    assert calm_box is not None and box["height"] == calm_box["height"]  # nothing moves
    assert main["y"] <= 0.3 * height  # the header and the notice leave the page most of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Every field and every key can be reached and touched while the warning shows: tapping
    # checks that the key itself, not something laid over it, gets the touch, and the first touch
    # (which ends the warning) lands on the key it was meant for.
    page.get_by_label("身份证号").tap()
    page.clock.run_for(20 * 1000)  # touched just now: the count started again, no warning
    expect(notice.locator("[data-idle-warning]")).to_be_hidden()
    page.clock.run_for((IDLE - 25) * 1000)
    expect(notice.locator("[data-idle-warning]")).to_be_visible()
    for key in KEYS:
        page.locator(f'.kiosk-key[data-key="{key}"]').tap()
        key_box = page.locator(f'.kiosk-key[data-key="{key}"]').bounding_box()
        assert key_box is not None and not _overlap(key_box, notice.bounding_box())
    expect(page.get_by_label("身份证号")).to_have_value(KEYS)
    expect(notice.locator("[data-idle-warning]")).to_be_hidden()  # the touches count as use
    expect(notice.locator("[data-idle-calm]")).to_have_text(CALM)
    expect(page.locator("[data-idle-said]")).to_have_text("")
    shot(page, f"kiosk-idle-keypad-{width}")

    # Left alone, the page ends (here, with nobody identified, it starts afresh).
    page.clock.run_for((IDLE + 1) * 1000)
    page.wait_for_load_state()
    expect(page.get_by_label("身份证号")).to_have_value("")
    context.close()
