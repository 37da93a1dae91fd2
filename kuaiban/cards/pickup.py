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
    """`bundles.field_choices` provider: every point, and the one nearest the applicant's
    registered region to offer first."""
    labels = [point_label(p) for p in points_selectable()]
    values = profile.values if profile else {}
    # The 户籍 region when the platform gives it, else the region that issued the ID number
    # (its first six digits): where the applicant lives, as far as the records tell.
    code = values.get("person.region_code", "") or values.get("person.id_number", "")[:6]
    region = Region.objects.filter(code=code).first() if len(code) == 6 else None
    nearest = point_default(region)
    return labels, point_label(nearest) if nearest is not None else None


def point_chosen(form: dict[str, object]) -> CardPoint | None:
    """The point the application's form names, or None (not asked, or no longer offered)."""
    label = str(form.get(FORM_KEY, "")).strip()
    if not label:
        return None
    return next((p for p in points_selectable() if point_label(p) == label), None)
