"""The strict Content-Security-Policy breaks nothing: pages in Chromium log no violation and
their scripts still run (the charts, the API documentation)."""

from __future__ import annotations

import pytest

from kuaiban.accounts.models import User
from tests.browser_helpers import log_in
from tests.supervision.ledger import MARCH, ledger_build

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors (a refused script or style is one) and uncaught script errors."""
    problems: list[str] = []

    def console(message) -> None:  # type: ignore[no-untyped-def]
        # The admin names no icon, so the browser asks for /favicon.ico: not a policy matter.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_public_pages_and_forms_keep_the_policy(live_server, desktop, intake_world) -> None:  # type: ignore[no-untyped-def]
    page, base = desktop, live_server.url
    problems = _watch(page)
    for path in ("/", "/packs/shandong-2020/", "/packs/shandong-2020/7/", "/accounts/login/"):
        response = page.goto(base + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
    log_in(page, base, "zhangjianguo")
    for path in ("/me/", "/apply/", "/apply/shandong-2020/7/"):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
    assert problems == []


def test_the_dashboard_draws_its_charts_under_the_policy(
    live_server, desktop, intake_world
) -> None:  # type: ignore[no-untyped-def]
    ledger_build(User.objects.get(username="clerk-lixia"))
    page, base = desktop, live_server.url
    problems = _watch(page)
    log_in(page, base, "supervisor-sd", then=f"/supervision/?{MARCH}")
    page.wait_for_selector("figure.sv-chart canvas")
    assert page.locator("figure.sv-chart canvas").count() == 6
    assert problems == []


def test_the_api_documentation_and_the_admin_work_under_their_policy(
    live_server, desktop, intake_world
) -> None:  # type: ignore[no-untyped-def]
    page, base = desktop, live_server.url
    problems = _watch(page)
    page.goto(base + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "kuaiban-admin")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base + "/admin/"
    page.goto(base + "/admin/bundles/pack/")
    assert page.locator("#result_list").count() == 1
    assert problems == []
