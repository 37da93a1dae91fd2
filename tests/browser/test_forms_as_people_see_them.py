"""Forms as the people using them see them, in a real Chromium: 张建国 on his phone picks an item
by its plain name (no catalogue code) when he reports 办不成事 or asks for 上门办, and finds the
上门办 address already filled in from his records, still his to change; the exam office's officer
sees an applicant's phone masked until asking for it in full, which is audited."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from kuaiban.accounts.models import User
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.masking import mask_phone
from kuaiban.core.models import AuditEvent
from kuaiban.homevisits.models import HomeVisit
from kuaiban.selfservice.models import ExamRegistration, ExamSession
from kuaiban.shareddata.models import Person
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = "370102196503121234"
# A catalogue code at the start of a label: "1.8.1 …", "L-… …", "SD-0301 …".
CODE_FIRST = re.compile(r"^\s*(\d+(\.\d+)+|[A-Z]{1,3}-[\w-]+)\s")


@pytest.fixture
def world(tmp_path: Path, settings, demo_world) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _item_options(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#id_item option", "os => os.filter(o => o.value).map(o => [o.value, o.textContent])"
    )


def test_items_by_name_and_the_address_on_file_on_a_phone(live_server, phone390, world) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(id_number=ZHANG)
    assert person.address
    page = phone390.new_page()
    log_in(page, live_server.url, "zhangjianguo", then="/problems/new/")
    for path in ("/problems/new/", "/home-visits/new/"):
        page.goto(live_server.url + path)
        options = _item_options(page)
        assert len(options) > 20
        for code, label in options:
            assert code not in label and not CODE_FIRST.match(label), (path, label)
        expect(page.locator("#id_item")).to_contain_text("失业保险金申领")
        shot(page, f"forms-items{path.replace('/', '-')}")
    page.locator("#id_item").select_option(label="失业保险金申领")
    assert page.locator("#id_item").input_value() == "1.8.1"

    # The address he lives at, from his records, named as such; he may change it.
    address = page.get_by_label("上门地址")
    expect(address).to_have_value(person.address)
    expect(page.locator("#id_address-hint")).to_have_text(re.compile("常住地址"))
    address.fill("济南市历下区和平路 3 号 2 单元 502")
    page.get_by_label("上门理由").select_option(index=1)
    page.get_by_label("要办的事", exact=True).fill("行动不便，想办理失业保险金申领")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_contain_text("上门服务")
    visit = HomeVisit.objects.get()
    assert visit.address == "济南市历下区和平路 3 号 2 单元 502"
    assert visit.item == ServiceItem.objects.get(code="1.8.1")
    expect(page.locator("main")).to_contain_text("失业保险金申领")
    expect(page.locator("main")).not_to_contain_text("1.8.1")
    shot(page, "forms-home-visit-filed")


def test_the_exam_office_asks_for_the_full_phone(live_server, desktop, world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=9)
    )
    applicant = Client()
    applicant.force_login(User.objects.get(username="wangfang"))
    made = applicant.post(
        "/api/v1/exam-registrations",
        {"session": ExamSession.objects.order_by("pk").first().pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    registration = ExamRegistration.objects.get(number=made.json()["number"])
    log_in(desktop, live_server.url, "officer-jn-exam", then="/exam-office/")
    desktop.get_by_role("link", name=registration.number).click()
    phone = desktop.locator("#office-phone")
    expect(phone).to_have_text(mask_phone(registration.phone))
    expect(desktop.locator("main")).not_to_contain_text(registration.phone)
    shot(desktop, "exam-office-phone-masked")

    def asked() -> int:
        return sum(
            "完整手机号" in e.changes["purpose"]
            for e in AuditEvent.objects.filter(actor__username="officer-jn-exam")
        )

    assert asked() == 0
    desktop.get_by_role("button", name="显示完整号码").click()
    expect(phone).to_have_text(registration.phone)
    expect(phone).to_have_attribute("href", f"tel:{registration.phone}")
    assert asked() == 1
    shot(desktop, "exam-office-phone-shown")
