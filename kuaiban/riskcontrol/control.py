"""`cases.hooks.DecisionControl` from the risk points, the bureau's amount threshold and the
posts."""

from __future__ import annotations

from decimal import Decimal

from kuaiban.accounts.models import Role, User
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.regions import region_and_above
from kuaiban.riskcontrol.models import (
    ItemRisk,
    Post,
    RiskPoint,
    RiskSettings,
    decision_risk_points,
)


def _points(
    subcase: SubCase, risk: ItemRisk | None, default: Decimal, paid_amount: Decimal | None
) -> list[RiskPoint]:
    return decision_risk_points(
        points=list(risk.points) if risk is not None else [],
        paid_amount=paid_amount,
        threshold=risk.threshold(default) if risk is not None else default,
        reopened=subcase.reopened_at is not None,
    )


def subcase_risk_points(*, subcase: SubCase, paid_amount: Decimal | None) -> list[RiskPoint]:
    """The risk points an approval of ``subcase`` paying ``paid_amount`` touches."""
    risk = ItemRisk.objects.filter(item_id=subcase.item_id).first()
    return _points(subcase, risk, RiskSettings.current_threshold(), paid_amount)


def review_reasons(subcases: list[SubCase]) -> dict[int, list[str]]:
    """Sub-case → the labels of the risk points its pending approval touches (two queries)."""
    ids = {s.item_id for s in subcases}
    risks = {r.item_id: r for r in ItemRisk.objects.filter(item_id__in=ids)}
    default = RiskSettings.current_threshold()
    return {
        s.pk: [str(p.label) for p in _points(s, risks.get(s.item_id), default, s.paid_amount)]
        for s in subcases
    }


def amount_threshold(*, subcase: SubCase) -> Decimal | None:
    """The amount that makes an approval of ``subcase`` high-risk, if its item pays a lump sum."""
    risk = ItemRisk.objects.filter(item_id=subcase.item_id).first()
    if risk is None or RiskPoint.LUMP_SUM not in risk.points:
        return None
    return risk.threshold(RiskSettings.current_threshold())


def may_review(*, actor: User, subcase: SubCase) -> bool:
    """A different officer than the first (checked by the service), who either holds a review
    post of the same agency, or a central-review post of the application's region or above."""
    if actor.role != Role.OFFICER:
        return False
    category = subcase.item.category
    posts = [p for p in Post.objects.filter(user=actor) if p.covers(category)]
    same_agency = subcase.agency_id is not None and actor.agency_id == subcase.agency_id
    if same_agency and any(p.may_review for p in posts):
        return True
    if actor.region_id is not None and any(p.central_review for p in posts):
        return actor.region_id in region_and_above(subcase.application.region_id)
    return False


class PostControl:
    def needs_second_officer(self, *, subcase: SubCase, paid_amount: Decimal | None) -> bool:
        return bool(subcase_risk_points(subcase=subcase, paid_amount=paid_amount))

    def may_decide(self, *, actor: User, subcase: SubCase) -> bool:
        posts = list(Post.objects.filter(user=actor))
        if not posts:
            return True
        return any(p.may_decide and p.covers(subcase.item.category) for p in posts)

    def may_review(self, *, actor: User, subcase: SubCase) -> bool:
        return may_review(actor=actor, subcase=subcase)

    def amount_threshold(self, *, subcase: SubCase) -> Decimal | None:
        return amount_threshold(subcase=subcase)
