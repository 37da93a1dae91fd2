"""The 10-x sub-cases drive the card: an officer's approval of a card item changes the card
(`cases.hooks.DecisionListener`), and a card holder may not apply for a first card again
(`applications.hooks.SubmissionRule`). Both registered by `CardsConfig.ready()`.

Which item does what comes from the Shandong 2020 序号10 社会保障卡服务 rows (packs/
shandong-2020.yaml 10-1 … 10-5, and 9-1 必做事项4 for the 去世 bundle); the form of the
application says whose card and, for 挂失/补换/注销, which variant.
"""

from __future__ import annotations

from collections.abc import Callable

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.bundles.planning import Plan
from kuaiban.cards.models import CardAction, CardChannel, SocialSecurityCard
from kuaiban.cards.pickup import point_chosen
from kuaiban.cards.selectors import card_current
from kuaiban.cards.services import (
    REGISTRY_KIND,
    card_create,
    card_from_registry,
    card_replace,
    card_transition,
)
from kuaiban.cases.models import SubCase
from kuaiban.core.errors import Conflict
from kuaiban.core.masking import mask_card_number

CARD = REGISTRY_KIND  # the catalogue's material code of the card (first_issue)


def card_for(*, actor: User | None, application: Application) -> SocialSecurityCard:
    """The card of the person the application is about (``id_number`` of its form: for the
    去世 bundle the deceased's): ours, or the one the card registry shows, taken in."""
    form = application.form or {}
    id_number = str(form.get("id_number") or application.applicant_id_number).upper()
    card = card_current(id_number) or card_from_registry(
        actor=actor,
        id_number=id_number,
        name=str(form.get("person_name", "")),
        region=application.region,
    )
    if card is None:
        raise Conflict("没有查到该人员的社会保障卡记录，请核实身份证号", code="card_not_found")
    return card


def _apply(actor: User | None, subcase: SubCase, application: Application) -> None:
    form = application.form or {}
    card_create(
        actor=actor,
        id_number=str(form.get("id_number") or application.applicant_id_number),
        name=str(form.get("person_name") or application.applicant_name),
        region=application.region,
        channel=CardChannel.SUBCASE,
        bank_name=str(form.get("bank_name", "")),
        application_number=application.number,
        point=point_chosen(form),  # None: the region's default point
    )


def _enable(actor: User | None, subcase: SubCase, application: Application) -> None:
    """启用（含银行账户激活）: both steps, in the order the card still needs them."""
    card = card_for(actor=actor, application=application)
    for action in (CardAction.ENABLE, CardAction.BANK_ACTIVATE):
        if card.status == "normal":
            break
        card = card_transition(
            actor=actor,
            card=card,
            action=action,
            channel=CardChannel.SUBCASE,
            application_number=application.number,
        )


def _password(actor: User | None, subcase: SubCase, application: Application) -> None:
    """The window verified the holder and the holder keyed the password on the PIN pad: the
    platform records that it was done, never the value."""
    form = application.form or {}
    request = str(form.get("card_password_request", ""))
    action = CardAction.PASSWORD_CHANGE if request.startswith("修改") else CardAction.PASSWORD_RESET
    card_transition(
        actor=actor,
        card=card_for(actor=actor, application=application),
        action=action,
        channel=CardChannel.SUBCASE,
        note=str(form.get("card_password_channel", ""))[:100],
        application_number=application.number,
    )


def _loss(actor: User | None, subcase: SubCase, application: Application) -> None:
    """挂失 at the card service is the formal loss; 解挂 lifts either kind."""
    form = application.form or {}
    action = CardAction.UNLOSS if form.get("loss_report_type") == "解挂" else CardAction.LOSS_FORMAL
    card_transition(
        actor=actor,
        card=card_for(actor=actor, application=application),
        action=action,
        channel=CardChannel.SUBCASE,
        application_number=application.number,
    )


def _replace(actor: User | None, subcase: SubCase, application: Application) -> None:
    """补领 for a lost card (the old one must be formally reported lost or cancelled);
    换领/换发 for a damaged card, changed details or an expired card."""
    form = application.form or {}
    reason = str(form.get("card_service_reason", ""))
    card_replace(
        actor=actor,
        card=card_for(actor=actor, application=application),
        action=CardAction.REISSUE if reason == "遗失" else CardAction.EXCHANGE,
        channel=CardChannel.SUBCASE,
        reason=reason,
        application_number=application.number,
        point=point_chosen(form),
    )


def _cancel(actor: User | None, subcase: SubCase, application: Application) -> None:
    """注销; a person with no card on record (nor in the card registry) has none to cancel, so
    the approval stands (e.g. 去世 of someone who never had a card)."""
    form = application.form or {}
    try:
        card = card_for(actor=actor, application=application)
    except Conflict as missing:
        if missing.code == "card_not_found":
            return
        raise
    if card.status in ("replaced", "cancelled"):
        return  # already invalid
    card_transition(
        actor=actor,
        card=card,
        action=CardAction.CANCEL,
        channel=CardChannel.SUBCASE,
        note=str(form.get("cancel_reason", "")),
        application_number=application.number,
    )


# Catalogue item → what its approval does to the card (packs/catalogue.yaml 1.10.x).
ON_APPROVAL: dict[str, Callable[[User | None, SubCase, Application], None]] = {
    "1.10.1": _apply,  # 社会保障卡申领
    "1.10.2": _enable,  # 社会保障卡启用（含社会保障卡银行账户激活）
    "1.10.6": _password,  # 社会保障卡密码修改与重置
    "1.10.7": _loss,  # 社会保障卡挂失与解挂
    "1.10.8": _replace,  # 社会保障卡补领、换领、换发
    "1.10.9": _cancel,  # 社会保障卡注销 (10-5, and 9-1 去世)
}


class CardDecisions:
    """`cases.hooks.DecisionListener`: a refused card change refuses the approval (409)."""

    def approved(self, *, actor: User | None, subcase: SubCase) -> None:
        handler = ON_APPROVAL.get(subcase.item.code)
        if handler is not None:
            handler(actor, subcase, subcase.application)


class CardSubmissionRule:
    """`applications.hooks.SubmissionRule`: 申领 is for people without a card."""

    def refusal(self, *, plan: Plan, form: dict[str, str]) -> dict[str, list[str]]:
        codes = {s.code for s in plan.subitems}
        first = {
            code
            for bi in plan.scenario.bundle_items.all()
            if bi.item.code in codes
            for code in (bi.item.first_issue or ())
        }
        if CARD not in first or not form.get("id_number"):
            return {}
        card = card_current(form["id_number"])
        held = next((h for h in plan.held_certificates if h.code == CARD), None)
        if card is not None and card.status not in ("replaced", "cancelled"):
            number, state = mask_card_number(card.number), card.get_status_display()
        elif card is None and held is not None:
            number, state = held.masked_number, "在用"
        else:
            return {}
        instead = "、".join(f"“{name}”" for _code, name in held.instead) if held else ""
        hint = f"如需补办或挂失，请办理{instead}" if instead else "遗失请挂失后补领，损坏请换领"
        message = f"您已持有社会保障卡（卡号 {number}，{state}），不能再次申领；{hint}"
        return {"scenario": [message]}
