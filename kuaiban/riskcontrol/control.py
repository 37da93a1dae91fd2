"""`cases.hooks.DecisionControl` from the risk points and the posts."""

from __future__ import annotations

from kuaiban.accounts.models import Role, User
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.regions import region_and_above
from kuaiban.riskcontrol.models import ItemRisk, Post


def item_high_risk(item_id: int) -> bool:
    risk = ItemRisk.objects.filter(item_id=item_id).first()
    return risk is not None and risk.high_risk


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
    def needs_second_officer(self, *, subcase: SubCase) -> bool:
        return item_high_risk(subcase.item_id)

    def may_decide(self, *, actor: User, subcase: SubCase) -> bool:
        posts = list(Post.objects.filter(user=actor))
        if not posts:
            return True
        return any(p.may_decide and p.covers(subcase.item.category) for p in posts)

    def may_review(self, *, actor: User, subcase: SubCase) -> bool:
        return may_review(actor=actor, subcase=subcase)
