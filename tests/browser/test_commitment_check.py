"""告知承诺 checked afterwards, in a real browser: 张建国 signs a commitment instead of the
供养亲属生活来源证明 on his phone, the officer's on-site check finds it false, and he sees the
outcome and objects."""

from __future__ import annotations

import pytest

from kuaiban.applications.models import Application, ApplicationCommitment
from kuaiban.commitments.models import CheckObjection, CheckStatus, CommitmentCheck, ItemPolicy
from tests.browser.test_intake_journeys import (  # noqa: F401  (world is a fixture)
    _answer_no_and_continue,
    _no_horizontal_scroll,
    world,
)
from tests.browser_helpers import form_fill, log_in, shot
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db(transaction=True)

FINDINGS = "入户核查：所述供养亲属在职，有稳定工资收入"


def test_a_commitment_found_false_is_seen_and_objected_to(  # type: ignore[no-untyped-def]
    live_server,
    browser,
    phone390,
    world,  # noqa: F811
) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)  # drawn for sure
    base = live_server.url
    page = phone390.new_page()
    log_in(page, base, "zhangjianguo", fresh=True, then="/apply/shandong-2020/9/")
    _answer_no_and_continue(page)
    page.get_by_role("button", name="继续").click()
    page.fill("#f-person_name", "张德顺")
    page.fill("#f-id_number", make_id_number(birth="19400101", seq="015"))
    form_fill(
        page,
        {
            "death_date": "2025-02-20",
            "claimant_relation": "子女",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": "张建国",
            "dependants_count": "1",
        },
    )
    page.get_by_role("button", name="继续").click()
    assert "核对信息" in page.locator("h1").inner_text(), page.locator(
        ".error-summary"
    ).all_inner_texts()
    # The published 告知承诺书 is read before signing it.
    page.locator("#p-dependant_proof-commitment").check()
    text = page.locator("#m-dependant_proof details.commitment-text")
    text.locator("summary").click()
    assert "无其他生活来源" in text.inner_text() and "追回" in text.inner_text()
    page.locator("#p-cremation_certificate-gap").check()
    for file_input in page.locator("input[type=file]").all():
        if file_input.is_visible():
            file_input.set_input_files(str(world))
    if page.locator("#credit").count():
        page.locator("#credit").check()
    shot(page, "commitment-sign-phone")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    assert "告知承诺书 2026.1 版" in page.locator("main").inner_text()
    number = page.locator(".number").inner_text()
    application = Application.objects.get(number=number)
    signed = ApplicationCommitment.objects.get(
        application=application, material_code="dependant_proof"
    )
    assert signed.text_version == "2026.1" and signed.signed_by.username == "zhangjianguo"
    check = CommitmentCheck.objects.get(application=application, material_code="dependant_proof")
    assert check.status == CheckStatus.PENDING

    # The officer schedules nothing more: the visit found the commitment false.
    officer = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    log_in(officer, base, "officer-jn-si", then="/checks/")
    officer.get_by_role("link", name=number).click()
    officer.get_by_label("不实").check()
    officer.fill("#findings", FINDINGS)
    officer.get_by_role("button", name="记录结论").click()
    assert "核查不实" in officer.locator("#check-status").inner_text()
    shot(officer, "commitment-officer-false")
    officer.context.close()

    # The applicant sees the outcome with the reason, and objects.
    page.goto(base + "/me/commitments/")
    card = page.locator("section.card", has_text=number)
    assert "核查不实" in card.inner_text() and FINDINGS in card.inner_text()
    _no_horizontal_scroll(page)
    card.get_by_label("对核查结论提出异议").fill("走访当日亲属在外地就医，其工资已停发，附证明。")
    card.get_by_role("button", name="提交异议").click()
    assert "异议已提交" in page.locator(".notice").inner_text()
    assert page.locator(".objection-open").count() == 1
    shot(page, "commitment-objection-phone")
    objection = CheckObjection.objects.get()
    assert objection.commitment_check_id == check.pk
    assert objection.submitted_by.username == "zhangjianguo"
