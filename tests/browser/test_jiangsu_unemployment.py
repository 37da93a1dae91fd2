"""Jiangsu 失业一件事 in a real Chromium, with the demo accounts only and no admin step: a
Nanjing jobseeker on her phone applies with every optional item, switching to large text half
way through the form; the employment, social-insurance and card-service officers each approve
their sub-cases on the desktop; she sees one finished application with all its results."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, ApplicationStatus, Channel
from kuaiban.cases.models import SubCaseStatus
from tests.applications.helpers import PDF
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)

# Who approves what: every item of 9-1 and the Nanjing agency whose demo officer works it.
OFFICERS = {
    "失业登记": "officer-nj-emp",
    "失业保险金申领": "officer-nj-si",
    "就业意愿采集": "officer-nj-emp",
    "就业困难人员认定": "officer-nj-emp",
    "社会保障卡申领": "officer-nj-card",
}


@pytest.fixture
def world(tmp_path: Path, settings, demo_world):  # type: ignore[no-untyped-def]
    """The demo as `make demo` sets it up (tests/worlds.py), and a scan to upload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    return scan


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _apply(page, base: str, scan: Path) -> str:  # type: ignore[no-untyped-def]
    log_in(page, base, "wangfang", fresh=True, then="/apply/")
    # Only her province's bundles, only those a person may apply for.
    assert page.locator("h2").all_inner_texts() == ["江苏省"]
    page.get_by_role("link", name="失业一件事").click()
    assert "第 1 步，共 4 步：回答问题" in page.locator(".step-count").inner_text()
    page.get_by_role("button", name="继续").click()  # nothing answered: the summary names each
    summary = page.locator(".error-summary").inner_text()
    assert "请回答：您是否还没有社会保障卡？" in summary
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_role("button", name="继续").click()
    assert "第 2 步，共 4 步：确认事项" in page.locator(".step-count").inner_text()
    boxes = page.locator("input[type=checkbox]")
    assert boxes.count() == 4
    assert page.locator("input[type=checkbox]:checked").count() == 3  # ticked by the answers
    for box in boxes.all():
        box.check()  # and 就业意愿采集, which no question decides
    page.get_by_role("button", name="继续").click()
    # The form: what shared data knows is filled in; she types the rest.
    assert page.locator("#f-person_name").input_value() == "王芳"
    assert page.locator("#f-unemployment_date").input_value() == "2026-10-31"
    page.select_option("#f-unemployment_reason", "劳动合同期满终止")
    page.fill("#f-job_intention", "软件测试、数据分析，希望在玄武区就业")
    page.fill("#f-bank_name", "中国建设银行南京中山路支行")
    page.fill("#f-bank_account", "6217001370012345678")
    page.fill("#f-account_holder", "王芳")
    page.select_option("#f-hardship_category", "长期失业人员")
    # Large text half way through: nothing typed is lost.
    page.get_by_role("button", name="大字模式").click()
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.locator("#f-job_intention").input_value() == "软件测试、数据分析，希望在玄武区就业"
    assert page.locator("#f-bank_account").input_value() == "6217001370012345678"
    assert page.locator("#f-hardship_category").input_value() == "长期失业人员"
    _no_horizontal_scroll(page)
    shot(page, "jiangsu-form-large-phone")
    page.get_by_role("button", name="继续").click()
    assert "核对信息" in page.locator("h1").inner_text()
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(scan))
    page.locator("#credit").check()  # 失业保险金 pays money: the credit commitment
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    shot(page, "jiangsu-receipt-phone")
    return page.locator(".number").inner_text()


def _approve_all(page, base: str, number: str, username: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Approve, with a result document, every open sub-case of ``number`` in this queue."""
    log_in(page, base, username, fresh=True)
    assert page.url == base + "/workbench/"
    done = []
    open_rows = f'tr:has-text("{number}"):has(.wb-status-open, .wb-status-accepted) a'
    while page.locator(open_rows).count():
        page.locator(open_rows).first.click()
        title = page.locator("h1").inner_text()
        page.get_by_role("button", name="受理", exact=True).click()
        page.locator("#approve > summary").click()
        page.fill("#result1_name", f"{title}结果通知")
        page.fill("#result1_number", f"宁人社〔2026〕{len(done) + 1}号")
        page.get_by_role("button", name="确认办结").click()
        assert page.locator(".wb-message").inner_text() == "已办结。"
        done.append(title)
        page.goto(base + "/workbench/")
    return done


def test_a_nanjing_jobseeker_gets_every_unemployment_service_done(  # type: ignore[no-untyped-def]
    live_server, phone, desktop, world
) -> None:
    base = live_server.url
    number = _apply(phone, base, world)
    application = Application.objects.get(number=number)
    assert application.channel == Channel.APP  # her phone's browser: 移动端
    assert application.applicant == User.objects.get(username="wangfang")
    subcases = {s.seed_name: s for s in application.subcases.select_related("agency")}
    assert set(subcases) == set(OFFICERS)
    # Every sub-case went to a Nanjing agency that has a demo officer.
    for name, subcase in subcases.items():
        officer = User.objects.get(username=OFFICERS[name])
        assert subcase.agency == officer.agency, name
    # Her page: each item with its agency and status; no results notice yet.
    phone.goto(f"{base}/me/applications/{number}/")
    progress = phone.locator(".item-progress").inner_text()
    assert "南京市公共就业和人才服务中心" in progress and "待前序阶段办结" in progress
    assert phone.get_by_text("打印办理结果通知书").count() == 0

    # Stage 1 (失业登记) first: the stage-2 agencies have nothing to do until it is done.
    assert _approve_all(desktop, base, number, "officer-nj-si") == []
    done = _approve_all(desktop, base, number, "officer-nj-emp")
    assert done[0] == "失业登记"
    assert sorted(done[1:]) == ["就业困难人员认定", "就业意愿采集"]
    assert _approve_all(desktop, base, number, "officer-nj-si") == ["失业保险金申领"]
    assert _approve_all(desktop, base, number, "officer-nj-card") == ["社会保障卡申领"]
    shot(desktop, "jiangsu-workbench-card-desktop")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DONE
    for subcase in application.subcases.select_related("handled_by"):
        assert subcase.status == SubCaseStatus.APPROVED
        assert subcase.handled_by is not None
        assert subcase.handled_by.username == OFFICERS[subcase.seed_name]  # not the system

    log_in(phone, base, "wangfang", fresh=True, then=f"/me/applications/{number}/")
    assert "已办结" in phone.locator(".status-line").inner_text()
    results = phone.locator("#results-title + .table-wrap").inner_text()
    for n in range(1, 3):
        assert f"宁人社〔2026〕{n}号" in results
    with phone.expect_response(lambda r: r.url.endswith("results.pdf")) as info:
        phone.get_by_role("link", name="打印办理结果通知书（PDF）").click()
    assert info.value.status == 200
    _no_horizontal_scroll(phone)
    shot(phone, "jiangsu-done-phone")
