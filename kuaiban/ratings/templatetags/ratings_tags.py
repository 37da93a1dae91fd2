"""``{% rating_panel application is_owner %}``: the rating section of the application page;
``{% visit_rating_link application %}``: the walk-in's rating link on the clerk's receipt."""

from __future__ import annotations

from typing import Any

from django import template

from kuaiban.applications.models import Application
from kuaiban.core.masking import mask_phone
from kuaiban.ratings import conf
from kuaiban.ratings.links import qr_svg
from kuaiban.ratings.selectors import is_completed, rating_of, visit_offer

register = template.Library()


@register.inclusion_tag("ratings/_panel.html")
def rating_panel(application: Application, is_owner: bool) -> dict[str, Any]:
    completed = is_completed(application)
    return {
        "application": application,
        "show": bool(is_owner and completed),
        # 部分办结 with work still open: say when the rating comes, offer no link yet.
        "waiting": bool(is_owner and not completed and application.status == "partly_done"),
        "rating": rating_of(application) if is_owner and completed else None,
    }


@register.inclusion_tag("ratings/_visit_link.html", takes_context=True)
def visit_rating_link(context: template.Context, application: Application) -> dict[str, Any]:
    """For the clerk who served the walk-in only: the personal link, as text and QR code."""
    request = context.get("request")
    if request is None:
        return {"visit": None}
    base = conf.public_url() or request.build_absolute_uri("/")
    offer = visit_offer(clerk=getattr(request, "user", None), application=application, base=base)
    if offer is None:
        return {"visit": None}
    if offer.rating is not None:
        return {"visit": offer.visit, "rating": offer.rating}
    return {
        "visit": offer.visit,
        "url": offer.url,
        "qr": qr_svg(offer.url),
        "expires_at": offer.expires_at,
        "phone": mask_phone(offer.phone) if offer.phone else "",
    }
