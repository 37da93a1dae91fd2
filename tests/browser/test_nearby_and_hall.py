"""就近办 and the hall in a real Chromium: on a phone, find the nearest point that takes
社会保障卡补换 and book a slot there; in the hall, the calling screen shows the ticket the clerk
calls with “下一位”, without reloading. No page logs a Content-Security-Policy problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from kuaiban.appointments.models import Appointment, AppointmentChannel, WindowType
from kuaiban.appointments.services import slots_generate
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.servicepoints.services import servicepoints_load
from tests.browser_helpers import axe_serious as _axe
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints"
TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def world(intake_world: None) -> None:
    for path in sorted(DATA.glob("*.yaml")):
        servicepoints_load(path=path)
    for code, window in (
        ("jn-icbc-quancheng", WindowType.CARD),
        ("jn-lixia-hall", WindowType.GENERAL),
    ):
        slots_generate(
            point=ServicePoint.objects.get(code=code),
            days=[TOMORROW],
            window_type=window,
            times=[(dt.time(9, 0), dt.time(9, 30)), (dt.time(9, 30), dt.time(10, 0))],
            capacity=3,
        )


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_find_the_nearest_point_for_a_card_replacement_and_book_on_a_phone(
    live_server, phone, world
) -> None:  # type: ignore[no-untyped-def]
    page, base = phone, live_server.url
    problems = _watch(page)
    log_in(page, base, "zhangjianguo", then="/service-points/")
    page.get_by_label("要办理的事项").select_option(label="社会保障卡补领、换领、换发")
    page.get_by_label("您的地址").fill("历下区泉城路")
    page.get_by_role("button", name="查找").click()
    first = page.locator("ol.sp-list > li").first
    assert "工商银行济南泉城路支行" in first.inner_text()
    assert "步行约" in first.inner_text() and "可当场办结" in first.inner_text()
    assert page.locator("svg.sp-plot a.sp-mark").count() >= 3  # the plot, numbered like the list
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    shot(page, "nearby-phone-list")
    _axe(page, problems)
    first.get_by_role("link").first.click()
    _axe(page, problems)
    page.get_by_role("link", name="预约办理").click()
    assert page.get_by_label("要办理的事项").input_value() == "1.10.8"
    page.locator("ul.slot-list label").first.click()
    page.get_by_label("接收提醒短信的手机号").fill("13912345678")
    shot(page, "nearby-phone-book")
    _axe(page, problems)
    page.get_by_role("button", name="确认预约").click()
    page.wait_for_selector("#ap-number")
    appointment = Appointment.objects.get()
    assert page.locator("#ap-number").inner_text() == appointment.number
    assert (
        appointment.channel == AppointmentChannel.WEB
        and appointment.slot.point.code == "jn-icbc-quancheng"
    )
    assert page.locator(".qr-code svg").count() == 1
    shot(page, "nearby-phone-booked")
    _axe(page, problems)
    page.get_by_role("link", name="改约其他时段").click()
    _axe(page, problems)
    assert problems == []


def test_the_hall_screen_calls_the_next_ticket(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    screen = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    problems = _watch(screen)
    screen.goto(base + "/hall/jn-lixia-hall/screen/")
    assert "暂未叫号" in screen.locator("#hall-latest").inner_text()

    clerk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    problems += _watch(clerk)
    log_in(clerk, base, "clerk-lixia", then="/hall/jn-lixia-hall/check-in/")
    clerk.get_by_label("身份证号（选填）").fill("370102195001011233")  # 76 years old: 绿色通道
    clerk.get_by_role("button", name="取号").click()
    label = clerk.locator("#ticket-label").inner_text()
    _axe(clerk, problems)
    assert label == "L001" and "老年人" in clerk.locator("[role=status]").inner_text()
    clerk.get_by_role("link", name="叫号窗口").click()
    clerk.get_by_role("button", name="下一位").click()
    assert clerk.locator("#ct-label").inner_text() == "L001"
    _axe(clerk, problems)

    # The screen shows it by itself (it refreshes its board every few seconds).
    from playwright.sync_api import expect

    expect(screen.locator("#hall-latest")).to_contain_text("L001", timeout=15000)
    assert "1号窗口" in screen.locator("#hall-latest").inner_text()
    shot(screen, "hall-screen")
    _axe(screen, problems)
    assert problems == []


def test_a_phone_set_to_english_still_reads_the_weekdays_in_chinese(
    live_server, browser, world
) -> None:  # type: ignore[no-untyped-def]
    """The days to book are named server-side (星期一…), not by the browser's language."""
    from kuaiban.core.templatetags.kuaiban_dates import WEEKDAYS

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    try:
        page = context.new_page()
        problems = _watch(page)
        log_in(
            page,
            live_server.url,
            "zhangjianguo",
            then="/appointments/book/jn-icbc-quancheng/?item=1.10.8",
        )
        days = page.locator("nav.ap-days").inner_text()
        assert f"{TOMORROW.month}月{TOMORROW.day}日 {WEEKDAYS[TOMORROW.weekday()]}" in days
        english = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        assert not any(name in days for name in english)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        shot(page, "booking-days-english-phone")
        _axe(page, problems)
        assert problems == []
    finally:
        context.close()
