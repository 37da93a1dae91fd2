"""At the self-service kiosk, in a real Chromium on a touch screen: a person identifies on the
on-screen keypad, registers for a professional qualification exam and has their certificate
mailed to their registered address — by touch alone, nothing typed beyond the ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.selfservice.models import CertificateMailing, ExamRegistration, ExamSession
from kuaiban.shareddata.models import Person
from tests.browser_helpers import shot

pytestmark = pytest.mark.django_db(transaction=True)

WANG = "320102198807150421"


def _tap_keys(page, text: str) -> None:  # type: ignore[no-untyped-def]
    for key in text:
        page.locator(f'.kiosk-key[data-key="{key}"]').tap()


def test_exam_and_mailing_at_the_kiosk_by_touch(live_server, browser, demo_world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30)
    )
    session = ExamSession.objects.order_by("exam_on", "pk").first()
    assert session is not None
    person = Person.objects.get(id_number=WANG)
    context = browser.new_context(
        viewport={"width": 1080, "height": 1920}, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(live_server.url + "/kiosk/")
    page.get_by_label("身份证号").tap()
    _tap_keys(page, WANG + "0001")  # the keypad moves on to the phone tail by itself
    page.get_by_role("button", name="确定").tap()
    page.wait_for_url("**/kiosk/menu/")

    page.get_by_role("link", name="专业技术人员资格考试报名").tap()
    page.get_by_label(session.name, exact=False).first.tap()
    box = page.locator("label.choice").first.bounding_box()
    assert box is not None and box["height"] >= 64  # a touch target, the whole row
    page.get_by_role("button", name="提交报名").tap()
    page.wait_for_selector(".notice")
    made = ExamRegistration.objects.get(id_number=WANG)
    assert made.channel == "kiosk"
    assert f"报名成功，报名编号 {made.number}" in page.locator(".notice").inner_text()
    shot(page, "kiosk-exam-registered")

    page.get_by_role("link", name="返回首页").tap()
    page.get_by_role("link", name="职业资格证书邮寄发放").tap()
    assert page.locator("input[type=text], textarea, input:not([type])").count() == 0
    page.get_by_text(f"户籍地址：{person.household_address}").tap()
    page.get_by_role("button", name="申请邮寄（到付）").tap()
    page.wait_for_selector(".notice")
    mailing = CertificateMailing.objects.get()
    assert (mailing.address, mailing.recipient, mailing.channel) == (
        person.household_address,
        person.name,
        "kiosk",
    )
    assert f"已提交邮寄申请，编号 {mailing.number}" in page.locator(".notice").inner_text()
    assert "已申请" in page.locator("main").inner_text()
    shot(page, "kiosk-mailing-requested")
    context.close()
