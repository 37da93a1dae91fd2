"""The 10-x sub-cases drive the card: the card service officer's approval changes the card,
a change the rules refuse refuses the approval (409, nothing changes), and 申领 is refused to a
card holder at submission."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cards.models import CardAction, CardChannel, CardStatus, SocialSecurityCard
from kuaiban.cards.services import card_report_loss, card_transition
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.core.errors import Conflict
from tests.cases.test_checks_auto_review import PASSWORD_RESET, submit_card

pytestmark = pytest.mark.django_db

ZHANG = "370102196503121234"


def _approve(world: dict[str, User], application: Application) -> SubCase:
    [subcase] = application.subcases.filter(status=SubCaseStatus.OPEN)
    return subcase_decide(actor=world["officer-jn-card"], subcase=subcase, outcome=Outcome.APPROVED)


def _card(number: str = "370100D156000005") -> SocialSecurityCard:
    return SocialSecurityCard.objects.get(number=number)


def test_loss_at_the_card_service_is_a_formal_loss_and_unloss_lifts_it(world) -> None:  # type: ignore[no-untyped-def]
    _approve(world, submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失"))
    card = _card()
    assert card.status == CardStatus.FORMAL_LOSS
    event = card.events.get(action=CardAction.LOSS_FORMAL)
    assert event.actor == world["officer-jn-card"] and event.channel == CardChannel.SUBCASE
    assert event.application_number.startswith("370102-")
    _approve(world, submit_card(world["zhangjianguo"], "10-3", loss_report_type="解挂"))
    assert _card().status == CardStatus.NORMAL


def test_reissue_needs_a_formal_loss_else_the_approval_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    card_report_loss(actor=None, card=_card(), temporary=True, channel=CardChannel.ONLINE)
    application = submit_card(world["zhangjianguo"], "10-4", card_service_reason="遗失")
    [subcase] = application.subcases.all()
    with pytest.raises(Conflict, match="补领须先将原卡正式挂失或注销"):
        subcase_decide(actor=world["officer-jn-card"], subcase=subcase, outcome=Outcome.APPROVED)
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN  # nothing was decided
    assert _card().status == CardStatus.TEMPORARY_LOSS

    card_report_loss(actor=None, card=_card(), temporary=False, channel=CardChannel.WINDOW)
    _approve(world, application)
    old = _card()
    new = SocialSecurityCard.objects.get(replaces=old)
    assert old.status == CardStatus.REPLACED
    assert new.status == CardStatus.APPLIED and new.number != old.number
    assert new.application_number == application.number


def test_a_damaged_card_is_exchanged(world) -> None:  # type: ignore[no-untyped-def]
    _approve(world, submit_card(world["zhangjianguo"], "10-4", card_service_reason="损坏"))
    assert _card().status == CardStatus.REPLACED
    assert SocialSecurityCard.objects.get(replaces=_card()).status == CardStatus.APPLIED


def test_cancel_and_the_password_are_recorded(world) -> None:  # type: ignore[no-untyped-def]
    _approve(world, submit_card(world["zhangjianguo"], "10-2", **PASSWORD_RESET))
    event = _card().events.get(action=CardAction.PASSWORD_RESET)
    assert event.note == "到社会保障卡服务网点窗口办理"
    assert _card().pin_hash == ""  # keyed on the window's PIN pad, never known to the platform
    _approve(world, submit_card(world["zhangjianguo"], "10-5", cancel_reason="出国（境）定居"))
    card = _card()
    assert card.status == CardStatus.CANCELLED
    assert card.events.get(action=CardAction.CANCEL).note == "出国（境）定居"


def test_a_card_only_the_registry_knows_is_taken_in_by_the_decision(world) -> None:  # type: ignore[no-untyped-def]
    SocialSecurityCard.objects.filter(id_number=ZHANG).delete()
    _approve(world, submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失"))
    card = _card()
    assert card.status == CardStatus.FORMAL_LOSS
    assert list(card.events.order_by("pk").values_list("action", flat=True)) == [
        "adopt",
        "loss_formal",
    ]


def test_enabling_needs_the_card_in_hand(world) -> None:  # type: ignore[no-untyped-def]
    SocialSecurityCard.objects.filter(id_number=ZHANG).delete()
    from kuaiban.shareddata.models import ECertificate

    ECertificate.objects.filter(person__id_number=ZHANG, kind="social_security_card").delete()
    application = submit_card(world["zhangjianguo"], "10-1")
    first = application.subcases.get(stage=1)
    subcase_decide(actor=world["officer-jn-card"], subcase=first, outcome=Outcome.APPROVED)
    card = SocialSecurityCard.objects.get(id_number=ZHANG)
    assert card.status == CardStatus.APPLIED and card.application_number == application.number
    second = application.subcases.get(stage=2)
    assert second.status == SubCaseStatus.OPEN
    with pytest.raises(Conflict, match="启用社会保障功能须先领取社会保障卡"):
        subcase_decide(actor=world["officer-jn-card"], subcase=second, outcome=Outcome.APPROVED)
    for action in (CardAction.PRODUCE, CardAction.FINISH, CardAction.COLLECT):
        card = card_transition(actor=None, card=card, action=action, channel=CardChannel.WINDOW)
    second.refresh_from_db()
    subcase_decide(actor=world["officer-jn-card"], subcase=second, outcome=Outcome.APPROVED)
    card.refresh_from_db()
    assert card.status == CardStatus.NORMAL


def test_a_card_holder_cannot_submit_a_first_card_application(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    body = {
        "pack": "shandong-2020",
        "bundle": "10",
        "scenario": "10-1",
        "items": [],
        "form": {},
        "materials": {},
        "channel": "web",
    }
    before = Application.objects.count()
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 422, response.content
    message = response.json()["error"]["fields"]["scenario"][0]
    assert message.startswith("您已持有社会保障卡（卡号 ************0005，正常），不能再次申领")
    assert "挂失社保卡" in message and "补换社保卡" in message
    assert Application.objects.count() == before


def test_after_cancellation_a_first_card_may_be_applied_for_again(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.shareddata.models import ECertificate

    card_transition(actor=None, card=_card(), action=CardAction.CANCEL, channel=CardChannel.WINDOW)
    # Our record says cancelled; the registry's copy still lists the card but ours wins.
    assert ECertificate.objects.filter(number="370100D156000005").exists()
    application = submit_card(world["zhangjianguo"], "10-1")
    assert application.subcases.count() == 2


def _death_bundle(world, *, id_number: str, name: str) -> Application:  # type: ignore[no-untyped-def]
    """张建国 submits the 9-1 bundle (退休人员过世) for the deceased over the API, as a relative."""
    from tests.applications.helpers import pdf, post_multipart
    from tests.applications.test_submit_api import _survivor_body

    body = _survivor_body(cremation_certificate="gap")
    body["form"].update(person_name=name, id_number=id_number)
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = post_multipart(client, body, {"death_certificate": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def _decide_card_subcase(world, application: Application) -> SubCase:  # type: ignore[no-untyped-def]
    """The card officer approves the 社会保障卡注销 sub-case on the workbench, over HTTP."""
    subcase = application.subcases.get(item__code="1.10.9")
    client = Client()
    client.force_login(world["officer-jn-card"])
    response = client.post(
        f"/workbench/subcases/{subcase.pk}/approve/", {"version": str(subcase.version)}
    )
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    subcase.refresh_from_db()
    return subcase


def test_the_death_bundle_cancels_the_deceased_s_card(world) -> None:  # type: ignore[no-untyped-def]
    # 去世 (9-1): a relative applies; the form's 姓名 and 公民身份号码 are the deceased's, and
    # its 社会保障卡注销 (1.10.9) is decided by the card officer like 10-5's.
    deceased = "370102197803154526"  # 刘秀英 in the demo, her card 临时挂失
    application = _death_bundle(world, id_number=deceased, name="刘秀英")
    assert application.form["cancel_reason"] == "死亡"  # settled by the scenario
    assert application.subcases.filter(item__code="1.10.9").exists()
    card = SocialSecurityCard.objects.get(id_number=deceased)
    assert card.status == CardStatus.TEMPORARY_LOSS
    subcase = _decide_card_subcase(world, application)
    assert subcase.status == SubCaseStatus.APPROVED
    card.refresh_from_db()
    assert card.status == CardStatus.CANCELLED
    event = card.events.get(action=CardAction.CANCEL)
    assert event.actor == world["officer-jn-card"] and event.channel == CardChannel.SUBCASE
    assert event.application_number == application.number and event.note == "死亡"
    assert _card().status == CardStatus.NORMAL  # the applicant's own card is untouched


def test_the_death_bundle_for_someone_without_a_card_lets_the_approval_stand(world) -> None:  # type: ignore[no-untyped-def]
    application = _death_bundle(world, id_number="370102193001011234", name="张德顺")
    subcase = _decide_card_subcase(world, application)
    assert subcase.status == SubCaseStatus.APPROVED
    assert not SocialSecurityCard.objects.filter(id_number="370102193001011234").exists()


def test_the_officer_s_workbench_says_why_the_card_refuses_the_approval(world) -> None:  # type: ignore[no-untyped-def]
    application = submit_card(world["zhangjianguo"], "10-4", card_service_reason="遗失")
    [subcase] = application.subcases.all()
    client = Client()
    client.force_login(world["officer-jn-card"])
    response = client.post(
        f"/workbench/subcases/{subcase.pk}/approve/", {"version": str(subcase.version)}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "社会保障卡当前状态为“正常”，不能补领：补领须先将原卡正式挂失或注销" in page
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert _card().status == CardStatus.NORMAL


def _first_card_application(world, **form: str) -> Application:  # type: ignore[no-untyped-def]
    card_transition(actor=None, card=_card(), action=CardAction.CANCEL, channel=CardChannel.WINDOW)
    return submit_card(world["zhangjianguo"], "10-1", **form)


def _new_card() -> SocialSecurityCard:
    return SocialSecurityCard.objects.get(id_number=ZHANG, status=CardStatus.APPLIED)


def test_the_pickup_point_chosen_on_the_application_form_is_where_the_card_goes(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.cards.models import CardPoint
    from kuaiban.cards.pickup import point_label

    city = CardPoint.objects.get(code="370100-card")  # no card printer: the 零星制发 time limit
    application = _first_card_application(world, card_point=point_label(city))
    assert application.form["card_point"] == point_label(city)
    assert _new_card_after(world, application).point == city


def _new_card_after(world, application: Application) -> SocialSecurityCard:  # type: ignore[no-untyped-def]
    first = application.subcases.filter(status=SubCaseStatus.OPEN).order_by("pk").first()
    assert first is not None and first.item.code == "1.10.1"
    subcase_decide(actor=world["officer-jn-card"], subcase=first, outcome=Outcome.APPROVED)
    return _new_card()


def test_the_form_offers_the_nearest_printing_point_of_the_applicant_s_district(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.cards.models import CardPoint
    from kuaiban.cards.pickup import point_label

    hall = CardPoint.objects.get(code="370102-hall")  # 历下区, prints while you wait
    client = Client()
    client.force_login(world["zhangjianguo"])
    card_transition(actor=None, card=_card(), action=CardAction.CANCEL, channel=CardChannel.WINDOW)
    plan = client.post(
        "/api/v1/bundles/shandong-2020/10/plan",
        {"scenario": "10-1", "applicant": {"id_number": ZHANG}},
        content_type="application/json",
    )
    assert plan.status_code == 200, plan.content
    [field] = [f for f in plan.json()["fields"] if f["key"] == "card_point"]
    assert field["prefill"] == point_label(hall)
    # The applicant's province only (a 济南 card is not collected in 太原 or 南京), the
    # district's point first, then the city's.
    assert field["choices"] == [
        point_label(CardPoint.objects.get(code=code)) for code in ("370102-hall", "370100-card")
    ]
    assert CardPoint.objects.exclude(region__code__startswith="37").exists()
    application = submit_card(world["zhangjianguo"], "10-1")  # left as offered
    card = _new_card_after(world, application)
    assert card.point == hall and card.due_at is not None
    assert timezone_local_date(card.due_at) == timezone_local_date(card.applied_at)  # 立等可取


def timezone_local_date(at):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localtime(at).date()


def test_a_pickup_point_that_is_not_offered_is_refused_at_submission(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.core.errors import Unprocessable

    with pytest.raises(Unprocessable) as refused:
        _first_card_application(world, card_point="不存在的网点")
    assert "form.card_point" in (refused.value.fields or {})
    assert not SocialSecurityCard.objects.filter(status=CardStatus.APPLIED).exists()


def test_a_replacement_card_goes_to_the_point_chosen_on_its_application(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.cards.models import CardPoint
    from kuaiban.cards.pickup import point_label

    city = CardPoint.objects.get(code="370100-card")
    application = submit_card(
        world["zhangjianguo"], "10-4", card_service_reason="损坏", card_point=point_label(city)
    )
    _approve(world, application)
    new = SocialSecurityCard.objects.get(replaces=_card())
    assert new.point == city and new.status == CardStatus.APPLIED
