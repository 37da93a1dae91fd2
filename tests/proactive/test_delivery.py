"""Each delivery mode to its end: confirm → application (channel proactive, no form to fill)
→ 办结; confirm → lapse; grant → 公示 → objection held, upheld or dismissed → granted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import ApplicationStatus, Channel, Provision
from kuaiban.cases.models import SubCaseStatus
from kuaiban.core.errors import Conflict
from kuaiban.proactive.models import ObjectionStatus, Offer, OfferStatus
from kuaiban.proactive.selectors import offer_explain
from kuaiban.proactive.services.offers import (
    objection_decide,
    objection_file,
    offer_accept,
    offer_decline,
    offers_sweep,
)
from kuaiban.shareddata.models import DeathRecord
from tests.conftest import make_credit_code
from tests.proactive.conftest import decide_all, person, run_now, unit, unit_values

pytestmark = pytest.mark.django_db
ZHANG = "370102196503121234"  # the demo applicant, in the demo's shared data


@pytest.fixture
def father(published):  # type: ignore[no-untyped-def]
    row = person("37010219380405123X", status="已退休")
    DeathRecord.objects.create(
        person=row,
        died_on=timezone.localdate() - dt.timedelta(days=5),
        next_of_kin_id_number=ZHANG,
        next_of_kin_relation="子女",
        dependants=0,
    )
    run_now(published["survivors"])
    return Offer.objects.get(rule_code="survivors")


def test_accepting_makes_a_proactive_application_that_runs_to_done(father: Offer) -> None:
    zhang = User.objects.get(username="zhangjianguo")
    explained = offer_explain(father)
    assert "逝者为退休人员" in explained.reason
    application = offer_accept(actor=zhang, offer=father)
    father.refresh_from_db()
    assert father.status == OfferStatus.ACCEPTED and father.application == application
    assert application.channel == Channel.PROACTIVE
    assert application.form["id_number"] == "37010219380405123X"  # the deceased, from data
    assert application.form["claimant_id_number"] == ZHANG
    assert application.burden["fields"]["bundled"] >= 0
    provisions = set(application.materials.values_list("provision", flat=True))
    assert Provision.UPLOADED not in provisions
    decide_all(application)
    assert application.status == ApplicationStatus.DONE
    assert set(application.subcases.values_list("status", flat=True)) == {SubCaseStatus.APPROVED}


def test_an_offer_is_accepted_once(father: Offer) -> None:
    zhang = User.objects.get(username="zhangjianguo")
    offer_accept(actor=zhang, offer=father)
    father.refresh_from_db()
    with pytest.raises(Conflict):
        offer_accept(actor=zhang, offer=father)
    with pytest.raises(Conflict):
        offer_decline(actor=zhang, offer=father)


def test_an_unconfirmed_offer_lapses_after_its_deadline(father: Offer) -> None:
    assert offers_sweep(today=father.deadline).lapsed == 0
    counts = offers_sweep(today=father.deadline + dt.timedelta(days=1))
    father.refresh_from_db()
    assert counts.lapsed == 1 and father.status == OfferStatus.LAPSED


def test_declining_closes_the_offer(father: Offer) -> None:
    zhang = User.objects.get(username="zhangjianguo")
    offer_decline(actor=zhang, offer=father)
    father.refresh_from_db()
    assert father.status == OfferStatus.DECLINED
    assert offers_sweep(today=father.deadline + dt.timedelta(days=1)).lapsed == 0


@pytest.fixture
def refund(published):  # type: ignore[no-untyped-def]
    unit(make_credit_code("91370100MA3C0001"), size="中型")
    run_now(published["stabilisation-refund"])
    return Offer.objects.get(rule_code="stabilisation-refund")


def test_grant_publicises_then_grants_without_objection(refund: Offer) -> None:
    assert refund.status == OfferStatus.PUBLICISED
    assert refund.amount is not None and refund.amount == 30000  # 50,000 × 60% (中型)
    assert offers_sweep(today=refund.publicity_until).granted == 0
    assert offers_sweep(today=refund.publicity_until + dt.timedelta(days=1)).granted == 1
    refund.refresh_from_db()
    assert refund.status == OfferStatus.GRANTED


def test_an_open_objection_holds_the_grant_and_an_upheld_one_withdraws_it(refund: Offer) -> None:
    objection = objection_file(actor=None, offer=refund, text="该单位上年实际裁员较多", contact="")
    after = refund.publicity_until + dt.timedelta(days=1)
    assert offers_sweep(today=after).granted == 0
    officer = User.objects.get(username="officer-jn-si")
    objection = objection_decide(actor=officer, objection=objection, upheld=True, note="核实属实")
    refund.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and refund.status == OfferStatus.WITHDRAWN
    assert offers_sweep(today=after).granted == 0


def test_a_dismissed_objection_lets_the_grant_go_ahead(refund: Offer) -> None:
    objection = objection_file(actor=None, offer=refund, text="不符合", contact="13900001111")
    officer = User.objects.get(username="officer-jn-si")
    objection_decide(actor=officer, objection=objection, upheld=False, note="核实不属实")
    assert offers_sweep(today=refund.publicity_until + dt.timedelta(days=1)).granted == 1


def test_silent_certification_is_granted_at_once(published) -> None:  # type: ignore[no-untyped-def]
    person("370102195001010054", status="已退休", last_activity_on=timezone.localdate())
    run_now(published["silent-certification"])
    offer = Offer.objects.get(rule_code="silent-certification")
    assert offer.status == OfferStatus.GRANTED and offer.decided_at is not None


def test_a_granted_money_benefit_becomes_the_application_that_pays_it(
    demo_world: None, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A grant rule whose service is a bundle: after 公示 the sub-cases that pay it exist."""
    from tests.proactive.conftest import RULES
    from tests.proactive.test_review import _copy

    text = RULES.read_text(encoding="utf-8").replace(
        "    delivery: {mode: confirm, days: 90}\n",
        "    delivery: {mode: grant, days: 5}\n    amount: {fixed: 5000}\n",
    )
    path = _copy(tmp_path, text)
    from kuaiban.proactive.services.rules import rule_approve, rule_publish, rules_load

    admin, reviewer = User.objects.get(username="admin"), User.objects.get(username="supervisor-sd")
    loaded = {r.version.rule.code: r.version for r in rules_load(actor=admin, path=path)}
    survivors = rule_publish(
        actor=reviewer, version=rule_approve(actor=reviewer, version=loaded["survivors"])
    )
    row = person("37010219380405123X", status="已退休")
    DeathRecord.objects.create(
        person=row,
        died_on=timezone.localdate(),
        next_of_kin_id_number=ZHANG,
        next_of_kin_relation="配偶",
    )
    run_now(survivors)
    offer = Offer.objects.get(rule_code="survivors")
    assert offer.status == OfferStatus.PUBLICISED and offer.amount == 5000
    offers_sweep(today=offer.publicity_until + dt.timedelta(days=1))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.GRANTED and offer.application is not None
    assert offer.application.channel == Channel.PROACTIVE
    assert offer.application.subcases.filter(item__pays_money=True).exists()


def test_a_granted_refund_is_paid_through_a_case_decided_by_an_officer(published) -> None:  # type: ignore[no-untyped-def]
    """稳岗返还 is a single item: after 公示 its own application (one sub-case, the refund item,
    routed to the social-insurance agency) is made for the unit's account and runs to 办结."""
    from kuaiban.shareddata.models import Enterprise

    facts = unit_values(size="中型")
    for key in ("name", "legal_representative", "region_code"):
        facts.pop(key)
    Enterprise.objects.filter(credit_code="91370100MA3C4X5K7L").update(**facts)  # the demo unit
    run_now(published["stabilisation-refund"])
    offer = Offer.objects.get(rule_code="stabilisation-refund")
    assert offers_sweep(today=offer.publicity_until + dt.timedelta(days=1)).granted == 1
    offer.refresh_from_db()
    application = offer.application
    assert offer.status == OfferStatus.GRANTED and application is not None
    assert application.channel == Channel.PROACTIVE
    assert application.applicant.username == "unit-qilu"
    assert application.form["employees_count"] in (100, "100")
    assert not application.materials.filter(provision=Provision.UPLOADED).exists()
    [subcase] = application.subcases.select_related("item", "agency")
    assert subcase.item.code == "1.8.9" and subcase.item.pays_money
    assert subcase.agency.kind == "social_insurance"
    decide_all(application)
    assert application.status == ApplicationStatus.DONE


def test_a_granted_disability_grant_is_paid_through_a_case(published) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from kuaiban.shareddata.models import InsuranceRecord

    # The demo applicant (with an account) assessed grade 7 while still insured.
    InsuranceRecord.objects.filter(person__id_number=ZHANG).update(
        injury_grade=7, monthly_wage=Decimal("6000.00"), status="正常参保"
    )
    run_now(published["disability-lump-sum"])
    offer = Offer.objects.get(rule_code="disability-lump-sum")
    assert offer.amount == 78000  # 七级：13 个月 × 6,000 元
    offers_sweep(today=offer.publicity_until + dt.timedelta(days=1))
    offer.refresh_from_db()
    assert offer.application is not None
    assert offer.application.applicant.username == "zhangjianguo"
    assert offer.application.form["bank_account"]  # from his social security card
    [subcase] = offer.application.subcases.select_related("item")
    assert subcase.item.code == "L-disability-benefits"
    decide_all(offer.application)
    assert offer.application.status == ApplicationStatus.DONE


def test_a_subject_without_an_account_stays_granted_without_a_case(published) -> None:  # type: ignore[no-untyped-def]
    unit(make_credit_code("91370100MA3C0002"))
    run_now(published["stabilisation-refund"])
    offer = Offer.objects.get(rule_code="stabilisation-refund")
    offers_sweep(today=offer.publicity_until + dt.timedelta(days=1))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.GRANTED and offer.application is None
