"""The three intake journeys of the issue, in a real Chromium: a person on a phone, a unit on a
desktop, and a window clerk taking a walk-in application."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kuaiban.applications.models import Application, Provision
from kuaiban.demo.setup import demo_authorisations
from tests.applications.helpers import PDF
from tests.browser_helpers import (
    axe_serious,
    form_fill,
    log_in,
    retirement_answers,
    shot,
    uploads_fill,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(intake_world: None, tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    """The intake world (tests/worlds.py) and a scan to upload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    return scan


def _answer_no_and_continue(page) -> None:  # type: ignore[no-untyped-def]
    if "/questions/" in page.url:
        for radio in page.locator("input[type=radio][value=no]").all():
            radio.check()
        page.get_by_role("button", name="继续").click()


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_person_retires_on_a_phone(live_server, phone, world) -> None:  # type: ignore[no-untyped-def]
    page, base = phone, live_server.url
    log_in(page, base, "zhangjianguo", then="/apply/shandong-2020/7/")
    page.get_by_label("正常退休", exact=True).check()
    page.get_by_role("button", name="继续").click()
    _answer_no_and_continue(page)
    page.get_by_role("button", name="继续").click()  # the items page: required items only
    assert page.locator("#f-person_name").input_value() == "张建国"  # prefilled from shared data
    fields_shown = page.locator(".field").count()
    settled_shown = page.locator(".settled > div").count()
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="继续").click()  # empty required fields → the error summary
    expect(page.locator(".error-summary")).to_be_visible()  # waits for the answer to the post
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    form_fill(page, retirement_answers(timezone.localdate()))
    page.get_by_role("button", name="继续").click()
    assert "核对信息" in page.locator("h1").inner_text()
    assert page.get_by_text("已通过数据共享获取，无需提交").count() >= 1
    uploads_fill(page, world)
    page.locator("#credit").check()
    shot(page, "intake-person-submit-phone")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    number = page.locator(".number").inner_text()
    application = Application.objects.get(number=number)
    # A phone's browser is the mobile channel (移动端), not the website.
    assert application.channel == "app" and application.applicant.username == "zhangjianguo"
    saved = application.burden["fields"]["separate"] - application.burden["fields"]["bundled"]
    assert f"少填 {saved} 项信息" in page.locator(".saved").inner_text()
    # Every field of the one form is either asked or listed as not needing him, except the one
    # that applies to women only; he types one of them.
    snapshot_keys = {f["key"] for f in application.snapshot["fields"]}
    assert fields_shown + settled_shown == len(snapshot_keys - {"female_original_retirement_age"})
    assert application.burden["fields"]["bundled"] == 1
    _no_horizontal_scroll(page)
    shot(page, "intake-person-receipt-phone")
    with page.expect_response(lambda r: r.url.endswith("receipt.pdf")) as info:
        page.get_by_role("link", name="下载受理回执（PDF）").click()
    assert info.value.headers["content-type"] == "application/pdf"


def test_unit_hires_on_a_desktop(live_server, desktop, world) -> None:  # type: ignore[no-untyped-def]
    page, base = desktop, live_server.url
    log_in(page, base, "unit-jinyang", then="/apply/")
    page.get_by_role("link", name="企业招用工").click()
    _answer_no_and_continue(page)
    page.get_by_role("button", name="继续").click()
    assert page.locator("#f-unit_name").input_value() == "太原晋阳软件科技有限公司"
    form_fill(
        page,
        {
            "contribution_base": "7200",
            "hire_date": "2026-12-01",
            "id_number": "140106199005153010",
            "person_name": "李明",
            "phone": "13812345678",
            "change_date": "2026-12-01",
            "change_type": "增员",
            "contract_start": "2026-12-01",
            "job_title": "软件工程师",
            "contract_type": "固定期限",
            "filing_type": "劳动合同订立",
        },
    )
    page.get_by_role("button", name="继续").click()
    uploads_fill(page, world)
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    application = Application.objects.get(number=page.locator(".number").inner_text())
    assert application.applicant_kind == "unit" and application.pack.code == "shanxi-2020"
    uploaded = application.materials.filter(provision=Provision.UPLOADED).count()
    assert uploaded >= 1
    shot(page, "intake-unit-receipt-desktop")
    # The unit finds it again in its own space.
    page.goto(base + "/me/")
    assert page.get_by_role("link", name=application.number).is_visible()


def test_window_clerk_takes_a_walk_in_application(live_server, desktop, world) -> None:  # type: ignore[no-untyped-def]
    page, base = desktop, live_server.url
    log_in(page, base, "clerk-lixia", then="/window/")
    page.get_by_label("个人").check()
    page.fill("#w-name", "王秀英")
    page.fill("#w-identifier", "370102195808204027")  # a wrong check digit first
    page.get_by_role("button", name="开始受理").click()
    assert "校验位" in page.locator(".error-summary").inner_text()
    page.fill("#w-identifier", "370102195808204028")
    page.get_by_role("button", name="开始受理").click()
    page.get_by_role("link", name="社会保障卡服务").first.click()
    page.get_by_label("申领社会保障卡", exact=True).check()
    page.get_by_role("button", name="继续").click()
    _answer_no_and_continue(page)
    page.get_by_role("button", name="继续").click()
    form_fill(
        page,
        {
            "person_name": "王秀英",
            "id_number": "370102195808204028",
            "phone": "13905319999",
            "address": "山东省济南市历下区解放路1号",
            "mailing_address": "山东省济南市历下区解放路1号",
            "bank_name": "中国银行济南分行",
        },
    )
    page.get_by_role("button", name="继续").click()
    shot(page, "intake-window-after-form")
    uploads_fill(page, world)
    if page.locator("#credit").count():
        page.locator("#credit").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    application = Application.objects.get(number=page.locator(".number").inner_text())
    assert application.channel == "window"
    assert application.submitted_by.username == "clerk-lixia"
    assert application.applicant_id_number == "370102195808204028"
    shot(page, "intake-window-receipt")


def test_a_daughter_applies_for_her_father_on_a_phone(live_server, phone, world) -> None:  # type: ignore[no-untyped-def]
    """亲情代办: 王芳 holds the demo's authorisation from 张建国; she chooses him on /apply/, the
    form is his, and the receipt says who acted for whom."""
    demo_authorisations(today=timezone.localdate())
    page, base = phone, live_server.url
    log_in(page, base, "wangfang", then="/apply/")
    page.get_by_label("为 张建国 代办", exact=False).check()
    page.get_by_role("button", name="确定").click()
    assert "您正在为 张建国 代办" in page.locator(".acting-now").inner_text()
    _no_horizontal_scroll(page)
    problems: list[str] = []
    axe_serious(page, problems)  # the 为谁办理 choice: no serious or critical finding
    assert problems == []
    shot(page, "acting-for-start-phone")
    page.locator('a[href$="/apply/shandong-2020/10/"]').first.click()  # his place's pack
    page.locator('input[name=scenario][value="10-3"]').check()
    page.get_by_role("button", name="继续").click()
    _answer_no_and_continue(page)
    if "/items/" in page.url:
        page.get_by_role("button", name="继续").click()
    assert "亲情代办：申请人 张建国" in page.locator(".acting-now").inner_text()
    form_fill(page, {"loss_report_type": "挂失"})
    page.get_by_role("button", name="继续").click()
    assert "核对信息" in page.locator("h1").inner_text()
    uploads_fill(page, world)
    if page.locator("#credit").count():
        page.locator("#credit").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    number = page.locator(".number").inner_text()
    application = Application.objects.get(number=number)
    assert application.applicant.username == "zhangjianguo"
    assert application.agent is not None and application.agent.username == "wangfang"
    page.goto(f"{base}/me/applications/{number}/receipt/")
    assert "王芳 代 张建国 办理" in page.locator("main").inner_text()
    _no_horizontal_scroll(page)
    shot(page, "acting-for-receipt-phone")
