"""``{% rating_panel application is_owner %}``: the rating section of the application page;
``{% visit_rating_link application %}``: the walk-in's rating link on the clerk's receipt."""

from __future__ import annotations

from typing import Any

from django import template

from kuaiban.applications.models import Application
from kuaiban.core.masking import mask_phone
from kuaiban.ratings import conf
from kuaiban.ratings.links import qr_svg, visit_link_expires, visit_link_phone, visit_link_url
from kuaiban.ratings.selectors import is_completed, rating_of, visit_rating, visit_served_by

register = template.Library()


@register.inclusion_tag("ratings/_panel.html")
def rating_panel(application: Application, is_owner: bool) -> dict[str, Any]:
    completed = is_completed(application)
    return {
        "application": application,
        "show": bool(is_owner and completed),
        "rating": rating_of(application) if is_owner and completed else None,
    }


@register.inclusion_tag("ratings/_visit_link.html", takes_context=True)
def visit_rating_link(context: template.Context, application: Application) -> dict[str, Any]:
    """For the clerk who served the walk-in only: the personal link, as text and QR code."""
    request = context.get("request")
    user = getattr(request, "user", None)
    visit = visit_served_by(clerk=user, application=application) if request else None
    if request is None or visit is None:
        return {"visit": None}
    rating = visit_rating(visit)
    if rating is not None:
        return {"visit": visit, "rating": rating}
    base = conf.public_url() or request.build_absolute_uri("/")
    url = visit_link_url(visit, base=base)
    phone = visit_link_phone(visit)
    return {
        "visit": visit,
        "url": url,
        "qr": qr_svg(url),
        "expires_at": visit_link_expires(visit),
        "phone": mask_phone(phone) if phone else "",
    }
