"""A 济南 applicant on a 390×844 phone: /apply/ offers the 济南 pack — its local bundle and its
shortened limits — and the local bundle's guide shows the 济南 limit."""

from __future__ import annotations

import pytest

from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_jinan_applicant_sees_the_local_bundle_and_the_shortened_limit(
    live_server, phone390, jinan_world
) -> None:  # type: ignore[no-untyped-def]
    page, base = phone390.new_page(), live_server.url
    log_in(page, base, "zhangjianguo")
    page.goto(base + "/apply/")
    assert page.get_by_role("heading", name="济南市", exact=True).is_visible()
    faster = page.get_by_role("region", name="济南市提速承诺")
    assert faster.is_visible()
    assert "就业登记：3工作日办结（山东省为5工作日）" in faster.inner_text()
    local = page.get_by_role("link", name="高校毕业生来济就业")
    assert local.is_visible()
    assert page.locator(".card", has=local).get_by_text("济南市本地").is_visible()
    # Every bundle offered is the 济南 pack's: the province's are in it (向上兼容).
    hrefs = page.locator(".card-list a").evaluate_all("links => links.map(a => a.pathname)")
    assert hrefs and all(h.startswith("/apply/jinan-2020/") for h in hrefs)
    _no_horizontal_scroll(page)
    shot(page, "city-pack-apply")
    local.click()
    page.wait_for_url("**/apply/jinan-2020/L1/**")
    assert page.get_by_text("您是否需要同时申领《就业创业证》？").is_visible()
    # The guide of the local bundle: 就业登记 promised in 济南's 3 working days.
    page.goto(base + "/packs/jinan-2020/L1/")
    row = page.locator("tr", has_text="就业登记").first
    assert "3工作日" in row.inner_text()
    _no_horizontal_scroll(page)
    shot(page, "city-pack-guide")
