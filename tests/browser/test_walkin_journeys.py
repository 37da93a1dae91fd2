"""Issue 8's after-intake journeys in a real Chromium, with demo accounts only and no admin step:
a correction answered with a file on a phone, the rating only at the end, and a walk-in who
follows the case publicly and hands in a 容缺 material later at another window."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, Provision
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.ratings.models import Rating
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.browser.test_intake_journeys import (  # noqa: F401  (world is a fixture)
    _answer_no_and_continue,
    _no_horizontal_scroll,
    world,
)
from tests.browser_helpers import form_fill, log_in, shot
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db(transaction=True)
OFFICER_NOTE = "档案扫描件第3页看不清，请用手机重新拍照上传。"


def _page(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()


class Desks:
    """The officers' desktops: each officer logs in once, through the log-in page, and keeps
    the tab open for the rest of the journey, as at work."""

    def __init__(self, browser, base: str) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.base, self.pages = browser, base, {}

    def open(self, username: str, path: str):  # type: ignore[no-untyped-def]
        page = self.pages.get(username)
        if page is None:
            page = self.pages[username] = _page(self.browser)
            log_in(page, self.base, username, then=path)
        else:
            page.goto(self.base + path)
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _officer_of(subcase: SubCase) -> str:
    return str(
        User.objects.filter(role="officer", agency=subcase.agency)
        .order_by("pk")
        .values_list("username", flat=True)
        .first()
    )


def _submitted_retirement() -> Application:
    """张建国's 7-1 (its intake is the intake journeys' own test): the start of these journeys."""
    client = Client()
    client.force_login(User.objects.get(username="zhangjianguo"))
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def _decide(desks: Desks, subcase: SubCase, action: str, **fields: str) -> None:
    page = desks.open(_officer_of(subcase), f"/workbench/subcases/{subcase.pk}/")
    page.locator(f"#{action} summary").click()
    for name, value in fields.items():
        page.fill(f"#{name}", value)
    page.locator(f"#{action} button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, f"walkin-officer-{action}-{subcase.pk}")


def test_correction_with_a_file_on_a_phone_then_the_rating_only_at_the_end(  # type: ignore[no-untyped-def]
    live_server,
    browser,
    phone390,
    world,  # noqa: F811
) -> None:
    base = live_server.url
    desks = Desks(browser, base)
    app = _submitted_retirement()
    first = app.subcases.get(status=SubCaseStatus.OPEN)
    _decide(
        desks,
        first,
        "correction",
        correction_items="人事档案第3页（重新拍照）",
        correction_note=OFFICER_NOTE,
    )
    # The applicant on the phone: the officer's own words, the list, and a file input.
    page = phone390.new_page()
    log_in(page, base, "zhangjianguo", then=f"/me/applications/{app.number}/")
    panel = page.locator("section[aria-labelledby=corr-title]")
    assert OFFICER_NOTE in panel.inner_text() and "人事档案第3页（重新拍照）" in panel.inner_text()
    assert page.get_by_role("link", name="去评价").count() == 0
    _no_horizontal_scroll(page)
    shot(page, "walkin-correction-asked-phone")
    page.get_by_label("补正材料（可选多个文件）").set_input_files(str(world))
    page.get_by_label("补正说明（选填）").fill("已重新拍照上传")
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_load_state()
    assert "补正材料已提交" in page.locator(".notice").inner_text()
    assert (
        "补正材料1：scan.pdf" in page.locator("section[aria-labelledby=given-title]").inner_text()
    )
    shot(page, "walkin-correction-answered-phone")
    # The officer sees the file among the materials, and can download it.
    officer = desks.open(_officer_of(first), f"/workbench/subcases/{first.pk}/")
    row = officer.locator("tr", has_text="补正材料1：scan.pdf")
    assert row.count() == 1 and row.get_by_role("link", name="下载").count() == 1
    shot(officer, "walkin-correction-officer-sees-file")
    assert app.materials.filter(provision=Provision.CORRECTION).count() == 1

    # Stage by stage the officers finish; while any sub-case is open there is no rating link.
    for _stage in range(app.subcases.count()):
        open_now = list(
            app.subcases.filter(status__in=[SubCaseStatus.OPEN, SubCaseStatus.ACCEPTED])
        )
        if not open_now:
            break
        for subcase in open_now:
            _decide(desks, subcase, "approve", result1_name="核准通知书")
            subcase.refresh_from_db()
            assert subcase.status == SubCaseStatus.APPROVED
        app.refresh_from_db()
        page.goto(f"{base}/me/applications/{app.number}/")
        if app.subcases.exclude(status=SubCaseStatus.APPROVED).exists():
            assert app.status == "partly_done"
            assert page.get_by_role("link", name="去评价").count() == 0
            assert page.locator(".rating-waiting").is_visible()
            shot(page, "walkin-partly-done-no-rating-phone")
    assert app.status == "done"
    page.get_by_role("link", name="去评价").click()
    page.wait_for_url(f"**/ratings/applications/{app.number}/")
    page.locator("#level-5").check()
    for indicator in ("efficiency", "guide_accuracy", "convenience", "usability"):
        page.locator(f"#indicator-{indicator}-5").check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert "感谢您的评价" in page.content()
    assert Rating.objects.get(application=app).level == 5
    desks.close()


def test_a_walk_in_follows_the_case_publicly_and_hands_in_the_owed_material_elsewhere(  # type: ignore[no-untyped-def]
    live_server,
    browser,
    phone390,
    world,  # noqa: F811
) -> None:
    base = live_server.url
    clerk = _page(browser)
    log_in(clerk, base, "clerk-lixia", then="/window/")
    clerk.get_by_label("个人").check()
    clerk.fill("#w-name", "张建国")
    clerk.fill("#w-identifier", "370102196503121234")
    clerk.fill("#w-phone", "13905310001")
    clerk.get_by_role("button", name="开始受理").click()
    clerk.goto(base + "/apply/shandong-2020/9/")  # one scenario (9-1): straight to the questions
    _answer_no_and_continue(clerk)
    clerk.get_by_role("button", name="继续").click()
    # The registered identity fills the claimant's fields and they cannot be changed.
    for key, value in (("claimant_name", "张建国"), ("claimant_id_number", "370102196503121234")):
        field = clerk.locator(f"#f-{key}")
        assert field.input_value() == value and field.get_attribute("readonly") is not None
    # The person fields are the late father's: typed over whatever was filled in.
    clerk.fill("#f-person_name", "张德顺")
    clerk.fill("#f-id_number", make_id_number(birth="19400101", seq="015"))
    form_fill(
        clerk,
        {
            "death_date": "2025-02-20",
            "claimant_relation": "子女",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": "张建国",
            "dependants_count": "0",
        },
    )
    shot(clerk, "walkin-window-form")
    clerk.get_by_role("button", name="继续").click()
    assert "核对信息" in clerk.locator("h1").inner_text(), clerk.locator(
        ".error-summary"
    ).all_inner_texts()
    clerk.locator("#p-cremation_certificate-gap").check()
    if clerk.locator("#p-dependant_proof-commitment").count():
        clerk.locator("#p-dependant_proof-commitment").check()
    for file_input in clerk.locator("input[type=file]").all():
        if file_input.is_visible():
            file_input.set_input_files(str(world))
    if clerk.locator("#credit").count():
        clerk.locator("#credit").check()
    clerk.get_by_role("button", name="提交申请").click()
    assert clerk.locator("h1").inner_text() == "申请已受理"
    number = clerk.locator(".number").inner_text()
    shot(clerk, "walkin-window-receipt")
    # The clerk's screen is clean for the next person.
    clerk.get_by_role("link", name="受理下一位申请人").click()
    assert "当前申请人" not in clerk.locator("main").inner_text()
    clerk.context.close()

    # At home, with the receipt and no log-in: the public progress look-up on the phone.
    page = phone390.new_page()
    page.goto(base + "/progress/")
    page.fill("#p-number", number)
    page.fill("#p-id_tail", "1234")
    page.get_by_role("button", name="查询").click()
    result = page.locator("section[aria-labelledby=progress-title]").inner_text()
    assert "火化证明" in result and "张建国" not in page.content()
    assert "370102196503121234" not in page.content()
    _no_horizontal_scroll(page)
    shot(page, "walkin-progress-phone")

    # Days later at the city hall's window: another clerk takes the owed material.
    other = _page(browser)
    log_in(other, base, "clerk-jinan", then="/window/supply/")
    other.fill("#s-number", number)
    other.fill("#s-identifier", "370102196503121234")
    other.get_by_role("button", name="查找办件").click()
    other.get_by_label("火化证明", exact=False).set_input_files(str(world))
    other.get_by_role("button", name="收取").click()
    other.wait_for_load_state()
    assert "已收取" in other.locator(".notice").inner_text()
    shot(other, "walkin-window-supply")
    other.context.close()
    application = Application.objects.get(number=number)
    assert application.form["person_name"] == "张德顺"
    assert application.form["claimant_name"] == "张建国"
    owed = application.materials.get(code="cremation_certificate")
    assert owed.supplied_by is not None and owed.supplied_by.username == "clerk-jinan"

    # The officer sees it arrive; the public look-up no longer lists it.
    subcase = application.subcases.filter(status=SubCaseStatus.OPEN).first()
    assert subcase is not None
    officer = _page(browser)
    log_in(officer, base, _officer_of(subcase), then=f"/workbench/subcases/{subcase.pk}/")
    assert "窗口收件：刘芳" in officer.locator("main").inner_text()
    shot(officer, "walkin-officer-sees-supply")
    officer.context.close()
    page.goto(base + "/progress/")
    page.fill("#p-number", number)
    page.fill("#p-id_tail", "1234")
    page.get_by_role("button", name="查询").click()
    assert "火化证明" not in page.locator("section[aria-labelledby=progress-title]").inner_text()
