"""The dashboard in a real Chromium: charts drawn from the tables, filters by keyboard, a phone
without sideways scrolling, and the same tables without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in, shot
from tests.supervision.ledger import MARCH, ledger_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_with_charts_and_keyboard_filters(live_server, desktop, phone, world) -> None:  # type: ignore[no-untyped-def]
    ledger_build(world["clerk-lixia"])
    base = live_server.url
    page = desktop
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "supervisor-sd")
    assert page.url == base + "/supervision/"  # supervisors land on their dashboard
    page.goto(f"{base}/supervision/?{MARCH}")
    page.wait_for_selector("figure.sv-chart canvas")
    assert page.locator("figure.sv-chart canvas").count() == 6
    assert page.locator(".sv-card").filter(has_text="按时办结率").inner_text().count("40.0%") == 1
    assert not errors
    # Shandong's targets, from its pack, each beside its figure.
    targets = page.locator("#targets table").inner_text()
    assert "全程网办率" in targets and "≥ 90%" in targets and "省级事项" in targets
    assert "2021年6月底前" in targets and "实名差评回访率" in targets
    online = page.locator(".sv-card").filter(has_text="全程网办率（按事项）").inner_text()
    assert "目标 ≥ 90%（2021年6月底前）" in online
    shot(page, "supervision-desktop")

    # Filters by keyboard: open the disclosure, choose 历下区, tab to 筛选 and press Enter.
    page.locator(".sv-filters > summary").focus()
    page.keyboard.press("Enter")
    page.locator("#f-region").focus()
    page.locator("#f-region").select_option("370102")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "筛选"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "region=370102" in page.url
    assert "地区：历下区" in page.locator(".sv-filters > summary").inner_text()
    assert page.locator(".sv-card").first.inner_text().count("3") >= 1

    # A Shanxi supervisor sees Shanxi's targets: no 全程网办率 target, its ≥ 10 chosen items.
    log_in(page, base, "supervisor-sx", fresh=True, then=f"/supervision/?{MARCH}")
    targets = page.locator("#targets table").inner_text()
    assert "从备选清单选取的提速办事项" in targets and "≥ 90%" not in targets
    shot(page, "supervision-shanxi-targets")

    log_in(phone, base, "supervisor-sd", then=f"/supervision/?{MARCH}")
    phone.wait_for_selector("figure.sv-chart canvas")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone, "supervision-phone")


def test_dashboard_without_javascript(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    ledger_build(world["clerk-lixia"])
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "supervisor-sd")
    page.goto(f"{live_server.url}/supervision/?{MARCH}")
    assert page.locator("canvas").count() == 0
    assert page.locator("table[data-chart]").count() == 6
    assert "济南市" in page.locator("#regions table").inner_text()
    context.close()
