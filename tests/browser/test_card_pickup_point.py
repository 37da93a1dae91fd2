"""Applying for a social security card on a phone (390 × 844) in a real Chromium: the form
offers the nearest card-printing point of the applicant's district, the applicant picks another
one, and the card made on approval goes there; /me/card/ shows it and can still change it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cards.models import CardAction, CardChannel, CardPoint, CardStatus, SocialSecurityCard
from kuaiban.cards.pickup import point_label
from kuaiban.cards.services import card_transition
from kuaiban.cases.models import SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_decide
from tests.applications.helpers import PDF
from tests.browser_helpers import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pickup_point_is_chosen_when_applying_on_a_phone(  # type: ignore[no-untyped-def]
    live_server, phone390, intake_world, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    holder = User.objects.get(username="zhangjianguo")
    old = SocialSecurityCard.objects.get(id_number=holder.id_number, status=CardStatus.NORMAL)
    card_transition(actor=None, card=old, action=CardAction.CANCEL, channel=CardChannel.WINDOW)
    hall, city = (
        CardPoint.objects.get(code="370102-hall"),
        CardPoint.objects.get(code="370100-card"),
    )

    page, base = phone390.new_page(), live_server.url
    log_in(page, base, "zhangjianguo", then="/apply/shandong-2020/10/")
    page.get_by_label("申领社会保障卡", exact=True).check()
    page.get_by_role("button", name="继续").click()
    if "/questions/" in page.url:
        for radio in page.locator("input[type=radio][value=no]").all():
            radio.check()
        page.get_by_role("button", name="继续").click()
    page.get_by_role("button", name="继续").click()  # the items page
    chooser = page.get_by_label("领卡网点（选填）")
    assert chooser.input_value() == point_label(hall)  # the district's printing point, offered
    # Only the points of the applicant's province, the nearest first: no 太原 or 南京 hall.
    offered = [o for o in chooser.locator("option").all_inner_texts() if o != "请选择"]
    assert offered == [point_label(hall), point_label(city)]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    chooser.select_option(point_label(city))
    shot(page, "card-apply-pickup-point-phone")
    page.get_by_role("button", name="继续").click()
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(scan))
    if page.locator("#credit").count():
        page.locator("#credit").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("h1").inner_text() == "申请已受理"
    application = Application.objects.get(number=page.locator(".number").inner_text())
    assert application.form["card_point"] == point_label(city)

    first = application.subcases.filter(status=SubCaseStatus.OPEN).order_by("pk").first()
    assert first is not None and first.item.code == "1.10.1"
    officer = User.objects.get(username="officer-jn-card")
    subcase_decide(actor=officer, subcase=first, outcome=Outcome.APPROVED)
    page.goto(base + "/me/card/")
    shown = page.locator("dt:has-text('领卡网点') + dd").inner_text()
    assert city.name in shown and city.address in shown
    # Still changeable until the card is made: the chooser starts at the point chosen.
    assert page.locator("#point").input_value() == str(city.pk)
    shot(page, "card-applied-pickup-point-phone")
