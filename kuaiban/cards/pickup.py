"""Where the new card is collected, chosen on the application form itself (the catalogue field
of type ``card_point``): the bureau's card service points, the applicant's nearest one offered
first — a point in their district that prints cards on the spot (立等可取), else one in the
district, else in the city (`services.point_default`). Still changeable on /me/card/ until
the card is made (`services.card_point_choose`)."""

from __future__ import annotations

from kuaiban.cards.models import CardPoint
from kuaiban.cards.selectors import points_selectable
from kuaiban.cards.services import point_default
from kuaiban.catalogue.models import Region
from kuaiban.shareddata.connectors import SharedProfile

FORM_KEY = "card_point"  # the catalogue field (packs/catalogue.yaml)


def point_label(point: CardPoint) -> str:
    """What the form shows and stores: the name, where, and whether it prints while you wait."""
    printing = "，立等可取" if point.instant_print else ""
    return f"{point.name}（{point.region.name}{printing}）"


def point_choices(profile: SharedProfile | None) -> tuple[list[str], str | None]:
    """`bundles.field_choices` provider: the points of the applicant's province, nearest
    their registered region first (the district's, the city's, then the rest), and the one to
    offer first. A card is collected where the province's card system makes it: another
    province's points are not offered. Where the records tell no region, every point."""
    values = profile.values if profile else {}
    # The 户籍 region when the platform gives it, else the region that issued the ID number
    # (its first six digits): where the applicant lives, as far as the records tell.
    code = values.get("person.region_code", "") or values.get("person.id_number", "")[:6]
    region = Region.objects.filter(code=code).first() if len(code) == 6 else None
    points = list(points_selectable())
    if region is not None:
        own = [p for p in points if p.region.code[:2] == region.code[:2]]
        # Region codes nest by prefix (37 省, 3701 市, 370102 区): the longer the shared
        # prefix, the nearer; a stable sort keeps the points' own order within each rank.
        points = sorted(own or points, key=lambda p: -_shared_prefix(p.region.code, region.code))
    nearest = point_default(region)
    return [point_label(p) for p in points], point_label(nearest) if nearest is not None else None


def _shared_prefix(one: str, other: str) -> int:
    return next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), len(one))


def point_chosen(form: dict[str, object]) -> CardPoint | None:
    """The point the application's form names, or None (not asked, or no longer offered)."""
    label = str(form.get(FORM_KEY, "")).strip()
    if not label:
        return None
    return next((p for p in points_selectable() if point_label(p) == label), None)
