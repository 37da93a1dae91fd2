"""免申即办 in a real Chromium on a 390×844 phone: the demo applicant sees the offers the
bureau found for him, with why he qualifies, accepts one in two clicks, and the application
appears at once with nothing to fill in."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application, Channel
from kuaiban.demo.setup import demo_setup
from kuaiban.proactive.demo import proactive_demo
from tests.browser_helpers import log_in, shot
from tests.guides.conftest import load_real_packs

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNTS = Path(settings.BASE_DIR) / "demo" / "accounts.json"


@pytest.fixture
def world(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    load_real_packs("shandong-2020")
    demo_setup(accounts_file=ACCOUNTS)
    proactive_demo(
        author=User.objects.get(username="admin"),
        reviewer=User.objects.get(username="supervisor-sd"),
    )


def test_a_person_accepts_an_offer_in_two_clicks(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    log_in(page, base, "zhangjianguo", fresh=True)
    page.get_by_role("link", name="为您找到的服务").first.click()
    card = page.locator("li.offer", has_text="职工正常退休")
    text = card.inner_text()
    assert "为什么符合条件" in text
    assert "达到法定退休年龄（渐进式延迟）" in text and "应于2025年04月退休" in text
    assert "请于" in text  # the deadline to confirm
    assert page.locator("li.offer", has_text="遗属待遇").count() == 1  # his late father's
    shot(page, "proactive-offers-phone")
    before = Application.objects.count()

    card.get_by_role("link", name="查看并确认办理").click()  # click 1
    shot(page, "proactive-offer-detail-phone")
    page.get_by_role("button", name="确认办理").click()  # click 2

    assert "/me/applications/" in page.url
    assert "已为您生成办件，无需再填写表单" in page.locator("main").inner_text()
    assert Application.objects.count() == before + 1
    application = Application.objects.latest("submitted_at")
    assert application.channel == Channel.PROACTIVE
    assert application.number in page.locator("main").inner_text()
    assert page.locator("main form input[type=text], main form textarea").count() == 0
    shot(page, "proactive-application-phone")
