"""Shandong 7-1 正常退休 from the application to 已办结, in a real Chromium, with demo accounts
only and no administrator step: the retiree applies on a phone, typing one answer, and every
stage is approved by the officer of the agency it is routed to."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCaseStatus
from tests.applications.helpers import PDF
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNTS = Path(settings.BASE_DIR) / "demo" / "accounts.json"


@pytest.fixture
def world(tmp_path: Path, settings, demo_world) -> Path:  # type: ignore[no-untyped-def]
    """The demo as `make demo` sets it up (tests/worlds.py), and a scan to upload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = tmp_path / "archive.pdf"
    scan.write_bytes(PDF)
    return scan


def _officers() -> dict[str, str]:
    """The demo officer of each agency, as demo/accounts.json lists them."""
    rows = json.loads(ACCOUNTS.read_text(encoding="utf-8"))
    return {r["agency"]: r["username"] for r in rows if r["role"] == "officer"}


def _next_month_start() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _apply(page, base: str, scan: Path) -> Application:  # type: ignore[no-untyped-def]
    log_in(page, base, "zhangjianguo", fresh=True, then="/apply/shandong-2020/7/")
    page.get_by_label("正常退休", exact=True).check()
    page.get_by_role("button", name="继续").click()
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name="继续").click()  # required items only
    # One answer to type: everything else is prefilled, settled by 7-1 or the employer's.
    empty = [
        el.get_attribute("id")
        for el in page.locator(".field input, .field select").all()
        if not el.input_value()
    ]
    assert empty == ["f-retirement_date"]
    assert "需您填写 1 项" in page.locator(".burden-line").inner_text()
    assert page.locator("#f-retirement_type").count() == 0
    assert page.locator("#f-contract_start").count() == 0
    shot(page, "retire-form-phone")
    page.fill("#f-retirement_date", _next_month_start().isoformat())
    page.get_by_role("button", name="继续").click()
    assert "核对信息" in page.locator("h1").inner_text()
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(scan))
    page.locator("#credit").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    shot(page, "retire-receipt-phone")
    application = Application.objects.get(number=page.locator(".number").inner_text())
    assert application.burden["fields"]["bundled"] == 1
    return application


def test_a_retirement_goes_from_application_to_done_with_demo_accounts(
    live_server, browser, world
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    application = _apply(phone, base, world)

    officers = _officers()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    walked: list[tuple[int, str, str]] = []
    for _round in range(10):
        open_now = list(
            application.subcases.filter(status=SubCaseStatus.OPEN).select_related("agency", "item")
        )
        if not open_now:
            break
        for subcase in open_now:
            username = officers[subcase.agency.code]  # no stage waits for an account
            log_in(desk, base, username, fresh=True)
            row = desk.locator(f'tr[data-subcase="{subcase.pk}"]')
            assert application.number in row.inner_text()
            row.get_by_role("link").click()
            desk.get_by_role("button", name="受理", exact=True).click()
            assert desk.locator(".wb-state .status").inner_text() == "办理中"
            desk.locator("#approve > summary").click()
            desk.fill("#result1_name", f"{subcase.item.name}结果")
            desk.fill("#result1_number", f"济人社〔2026〕{subcase.pk}号")
            desk.get_by_role("button", name="确认办结").click()
            assert desk.locator(".wb-state .status").inner_text() == "已办结"
            shot(desk, f"retire-stage{subcase.stage}-{subcase.item.code}")
            walked.append((subcase.stage, subcase.item.code, username))
    assert [(s, c) for s, c, _ in walked] == [
        (1, "1.6.1"),
        (2, "L-retire-qualification"),
        (3, "4.1.1"),
        (3, "1.3.1"),
        (3, "L-retire-pension-determination"),
        (4, "L-retire-pension-publicity"),
    ]
    assert {u for _, c, u in walked if c == "L-retire-qualification"} == {"officer-jn-pension"}
    assert {u for _, c, u in walked if c == "4.1.1"} == {"officer-jn-lab"}

    # The retiree sees one consolidated result.
    log_in(phone, base, "zhangjianguo", fresh=True, then=f"/me/applications/{application.number}/")
    assert "已办结" in phone.locator("main").inner_text()
    shot(phone, "retire-done-phone")
    application.refresh_from_db()
    assert not application.subcases.exclude(status=SubCaseStatus.APPROVED).exists()
