"""智能审核 and 秒办 on real submissions: Shandong 10-x social-security-card items, 7-1 retirement.

秒办 needs an item the platform itself performs (`system_performs`). No card item is one today —
the platform has no card system to act in — so the tests of the mechanism mark one the way an
administrator would once a card system is connected; the real catalogue is tested as it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.inputs import ApplicantInput, SubmissionInput
from kuaiban.applications.models import Application, ApplicationStatus, Channel
from kuaiban.applications.services import application_submit
from kuaiban.bundles.models import SpeedUp
from kuaiban.cards.models import CardAction, CardChannel, SocialSecurityCard
from kuaiban.cards.services import card_transition
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.review import AUTO_APPROVAL_NOTE, auto_review
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.models import AuditEvent
from kuaiban.shareddata.models import ECertificate
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db

PASSWORD_RESET = {
    "card_password_request": "重置密码（忘记密码）",
    "card_password_channel": "到社会保障卡服务网点窗口办理",
}


@pytest.fixture
def card_system() -> None:
    """The card items as they would be with a card system connected: the platform acts itself."""
    ServiceItem.objects.filter(code__in=["1.10.1", "1.10.2", "1.10.6", "1.10.7"]).update(
        system_performs=True
    )


@pytest.fixture
def without_card() -> None:
    """张建国 as if he had never had a card: 申领 (10-1) is refused to a card holder."""
    SocialSecurityCard.objects.filter(id_number="370102196503121234").delete()
    ECertificate.objects.filter(
        person__id_number="370102196503121234", kind="social_security_card"
    ).delete()


def submit_card(user: User, scenario: str, **form: str) -> Application:
    """A Shandong 10-x scenario: every field and material comes from shared data."""
    data = SubmissionInput(
        pack="shandong-2020",
        bundle="10",
        scenario=scenario,
        channel=Channel.WEB,
        applicant=ApplicantInput(),
        form=dict(form),
    )
    return application_submit(actor=user, data=data).application


def submit_retirement(world: dict[str, User], **form: Any) -> Application:
    client = Client()
    client.force_login(world["zhangjianguo"])
    body = retirement_body()
    body["form"].update(form)
    response = post_multipart(client, body, {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def review_open(application: Application) -> list[bool]:
    """Run the hook on every open sub-case until no new one opens (serial stages)."""
    answers: list[bool] = []
    reviewed: set[int] = set()
    while True:
        pending = [
            s
            for s in application.subcases.select_related("item", "application")
            if s.status == SubCaseStatus.OPEN and s.pk not in reviewed
        ]
        if not pending:
            return answers
        for subcase in pending:
            reviewed.add(subcase.pk)
            answers.append(auto_review(subcase=subcase))


def assert_done_by_the_system(subcase: SubCase) -> None:
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED
    assert subcase.decision_note == AUTO_APPROVAL_NOTE == "系统自动审核通过（秒办）"
    assert subcase.handled_by is None and subcase.decided_at is not None
    assert subcase.check_results and all(r["passed"] for r in subcase.check_results)
    audit = AuditEvent.objects.get(
        object_type="subcase", object_id=str(subcase.pk), action="subcase.approved"
    )
    assert audit.actor is None and audit.actor_label == "system"
    assert audit.changes["system"] == "秒办"


# ---------------------------------------------------------------------------------------------
# 秒办


def test_an_instant_item_the_system_performs_is_done_by_the_system(
    world: dict[str, User], card_system: None
) -> None:
    application = submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失")
    review_open(application)
    [subcase] = application.subcases.all()
    assert subcase.item.code == "1.10.7"
    assert_done_by_the_system(subcase)
    assert [(r["key"], r["label"], r["detail"]) for r in subcase.check_results] == [
        ("id_number_given", "公民身份号码已提供", "已提供公民身份号码"),
        ("phone_given", "联系电话已提供", "已提供联系电话"),
    ]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DONE


@pytest.mark.parametrize(
    ("scenario", "item", "form"),
    [("10-2", "1.10.6", PASSWORD_RESET), ("10-3", "1.10.7", {"loss_report_type": "挂失"})],
)
def test_a_card_item_waits_for_the_card_service_officer(
    world: dict[str, User], scenario: str, item: str, form: dict[str, str]
) -> None:
    # The real catalogue: the platform cannot change a card's password or block a card itself,
    # so passing every check is advice to the officer, not a decision.
    application = submit_card(world["zhangjianguo"], scenario, **form)
    assert review_open(application) == [False]
    [subcase] = application.subcases.select_related("item", "agency")
    assert subcase.item.code == item and not subcase.item.system_performs
    assert subcase.status == SubCaseStatus.OPEN and subcase.handled_by is None
    assert subcase.agency.kind == "card_service"
    assert subcase.check_results and all(r["passed"] for r in subcase.check_results)
    application.refresh_from_db()
    assert application.status != ApplicationStatus.DONE


def test_the_password_request_records_what_the_person_asked_for(world: dict[str, User]) -> None:
    application = submit_card(world["zhangjianguo"], "10-2", **PASSWORD_RESET)
    assert {k: application.form[k] for k in PASSWORD_RESET} == PASSWORD_RESET
    [subcase] = application.subcases.all()
    assert {r["key"]: r["detail"] for r in subcase.check_results}["request_given"] == (
        "已提供办理内容"
    )


def test_an_item_that_pays_money_is_never_done_by_the_system(
    world: dict[str, User], card_system: None
) -> None:
    application = submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失")
    application.subcases.update(status=SubCaseStatus.OPEN, check_results=[])
    [subcase] = application.subcases.select_related("item", "application")
    # The database refuses the combination (see test_models); an item changed in memory
    # behind its back is refused by the hook too.
    subcase.item.pays_money = True
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert all(r["passed"] for r in subcase.check_results)


def test_serial_instant_items_are_done_stage_after_stage(
    world: dict[str, User], card_system: None, without_card: None
) -> None:
    # 10-1: apply for the card (stage 1), then activate it (stage 2). 1.10.1 is 即办 where the
    # bureau issues cards on the spot: “70%以上区县零星制发实现立等可取” is a coverage target,
    # so the pack's default is 5 working days, and the bureau edits the speed-up row to 即办.
    SpeedUp.objects.filter(pack__code="shandong-2020", item__code="1.10.1").update(
        promised_limit_unit="instant", promised_limit_value=None
    )
    application = submit_card(world["zhangjianguo"], "10-1")
    review_open(application)
    first, second = application.subcases.order_by("stage")
    assert [(s.item.code, s.stage) for s in (first, second)] == [("1.10.1", 1), ("1.10.2", 2)]
    assert_done_by_the_system(first)
    # 启用 needs the card in hand: stage 2 is open but waits until the card is collected.
    second.refresh_from_db()
    assert second.status == SubCaseStatus.OPEN
    card = SocialSecurityCard.objects.get(id_number="370102196503121234")
    for action in (CardAction.PRODUCE, CardAction.FINISH, CardAction.COLLECT):
        card = card_transition(actor=None, card=card, action=action, channel=CardChannel.WINDOW)
    second = application.subcases.select_related("item", "application").get(pk=second.pk)
    assert auto_review(subcase=second) is True
    assert_done_by_the_system(second)
    card.refresh_from_db()
    assert card.status == "normal"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DONE


def test_the_frozen_snapshot_decides_what_is_instant(
    world: dict[str, User], card_system: None
) -> None:
    application = submit_card(world["zhangjianguo"], "10-2", **PASSWORD_RESET)
    # The catalogue changes after submission: the application keeps the limit it was promised.
    ServiceItem.objects.filter(code="1.10.6").update(
        promised_limit_unit="working_days", promised_limit_value=3
    )
    [subcase] = application.subcases.select_related("item", "application")
    if subcase.status == SubCaseStatus.OPEN:  # unless submission already ran the hook
        assert auto_review(subcase=subcase) is True
    assert_done_by_the_system(subcase)

    # And the other way: instant in the catalogue, not in this application's snapshot.
    application = submit_card(world["zhangjianguo"], "10-3", loss_report_type="解挂")
    snapshot = application.snapshot
    for entry in snapshot["items"]:
        entry["promised"] = {"unit": "working_days", "value": 3}
    Application.objects.filter(pk=application.pk).update(snapshot=snapshot)
    SubCase.objects.filter(application=application).update(status=SubCaseStatus.OPEN)
    [subcase] = application.subcases.select_related("item", "application")
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert len(subcase.check_results) == 2 and all(r["passed"] for r in subcase.check_results)


# ---------------------------------------------------------------------------------------------
# Results for the officer, no 秒办


def test_retirement_shows_its_check_results_without_approval(world: dict[str, User]) -> None:
    application = submit_retirement(world, retirement_date="2025-04-12")
    subcase = application.subcases.select_related("item", "application").get(item__code="1.6.1")
    assert subcase.status == SubCaseStatus.OPEN
    assert auto_review(subcase=subcase) is False  # 10 working days in Shandong: not instant
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN and subcase.decision_note == ""
    results = {r["key"]: r for r in subcase.check_results}
    assert list(results) == [
        "retirement_type_normal",
        "retirement_original_age",
        "retirement_date_near",
        "retirement_age",
        "contribution_min_years",
    ]
    assert all(r["passed"] for r in results.values())
    # 张建国 (370102196503121234) applies on 2025-03-03; born 1965-03, he retires at 60 and a
    # month under the 2025 reform.
    assert results["retirement_age"]["detail"] == (
        "男，1965年03月出生，法定退休年龄60岁1个月，应于2025年04月退休；至退休日期2025-04-12已达到"
    )
    # The contribution months came from shared data (prefilled), not from the applicant: the
    # demo draws his months up to the day the data is made, so the figure is read from there.
    from kuaiban.shareddata.models import InsuranceRecord

    months = InsuranceRecord.objects.get(
        person__id_number=world["zhangjianguo"].id_number
    ).contribution_months
    assert months >= 180
    assert results["contribution_min_years"]["detail"] == (
        f"退休日期2025-04-12，2025年最低缴费年限为180个月（15年）；累计缴费月数为{months}，已达到"
    )


def test_retiring_on_the_60th_birthday_fails_under_the_reform(world: dict[str, User]) -> None:
    application = submit_retirement(world)  # retirement_date 2025-03-12
    subcase = application.subcases.select_related("item", "application").get(item__code="1.6.1")
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    failed = [(r["key"], r["detail"]) for r in subcase.check_results if not r["passed"]]
    assert failed == [
        (
            "retirement_age",
            "男，1965年03月出生，法定退休年龄60岁1个月，应于2025年04月退休；"
            "至退休日期2025-03-12未达到（差1个月）；"
            "已达到原法定退休年龄60周岁，如属弹性提前退休，由经办人员审核",
        )
    ]


def test_a_failing_check_is_recorded_with_passed_false(world: dict[str, User]) -> None:
    application = submit_retirement(world, retirement_date="2025-04-12", contribution_months="120")
    subcase = application.subcases.select_related("item", "application").get(item__code="1.6.1")
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    failed = [r for r in subcase.check_results if not r["passed"]]
    assert failed == [
        {
            "key": "contribution_min_years",
            "label": "累计缴费达到最低缴费年限",
            "passed": False,
            "detail": (
                "退休日期2025-04-12，2025年最低缴费年限为180个月（15年）；累计缴费月数为120，差60个月"
            ),
        }
    ]
    assert subcase.status == SubCaseStatus.OPEN


def test_an_instant_item_with_a_failing_check_waits_for_an_officer(
    world: dict[str, User], card_system: None
) -> None:
    ServiceItem.objects.filter(code="1.10.6").update(
        checks=[
            {"key": "phone_given", "label": "联系电话已提供", "kind": "present", "field": "phone"},
            {
                "key": "local_phone",
                "label": "济南本地固话",
                "kind": "equals",
                "field": "phone",
                "value": "053188888888",
            },
        ]
    )
    application = submit_card(world["zhangjianguo"], "10-2", **PASSWORD_RESET)
    [subcase] = application.subcases.select_related("item", "application")
    assert subcase.status == SubCaseStatus.OPEN
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert [r["passed"] for r in subcase.check_results] == [True, False]
    assert subcase.check_results[1]["detail"] == "联系电话为“13905310001”，应为“053188888888”"


@pytest.mark.parametrize(
    "checks",
    [
        [],  # no rule: nothing was checked, so nothing is done automatically
        [{"key": "x", "label": "坏规则", "kind": "eval", "field": "phone"}],  # broken in the admin
    ],
)
def test_no_or_broken_checks_never_approve(
    world: dict[str, User], card_system: None, checks: list[Any]
) -> None:
    ServiceItem.objects.filter(code="1.10.6").update(checks=checks)
    application = submit_card(world["zhangjianguo"], "10-2", **PASSWORD_RESET)
    [subcase] = application.subcases.select_related("item", "application")
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert [r["passed"] for r in subcase.check_results] == [False] * len(checks)


# ---------------------------------------------------------------------------------------------
# When the hook must stand aside


def test_a_waiting_stage_gets_results_but_is_not_approved(
    world: dict[str, User], card_system: None, without_card: None
) -> None:
    ServiceItem.objects.filter(code="1.10.1").update(checks=[])  # keep stage 1 with the officer
    application = submit_card(world["zhangjianguo"], "10-1")
    waiting = application.subcases.select_related("item", "application").get(item__code="1.10.2")
    assert waiting.status == SubCaseStatus.WAITING
    assert auto_review(subcase=waiting) is False
    waiting.refresh_from_db()
    assert waiting.status == SubCaseStatus.WAITING
    assert len(waiting.check_results) == 2


def test_a_decided_sub_case_is_left_alone(world: dict[str, User], card_system: None) -> None:
    application = submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失")
    review_open(application)
    [subcase] = application.subcases.select_related("item", "application")
    assert subcase.status == SubCaseStatus.APPROVED
    version = subcase.version
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.version == version
    assert (
        AuditEvent.objects.filter(object_id=str(subcase.pk), action="subcase.approved").count() == 1
    )


def test_an_officer_who_acted_first_wins(world: dict[str, User], card_system: None) -> None:
    application = submit_card(world["zhangjianguo"], "10-3", loss_report_type="挂失")
    # Submission already ran the hook (秒办); reopen the sub-case to replay the race.
    application.subcases.update(status=SubCaseStatus.OPEN, check_results=[])
    [subcase] = application.subcases.select_related("item", "application")
    # Someone else changed the sub-case after we loaded it (our copy's version is stale).
    SubCase.objects.filter(pk=subcase.pk).update(version=F("version") + 1)
    assert auto_review(subcase=subcase) is False
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    assert len(subcase.check_results) == 2  # the results are kept for the officer
