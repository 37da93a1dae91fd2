"""``{% rating_panel application is_owner %}``: the rating section of the application page."""

from __future__ import annotations

from typing import Any

from django import template

from kuaiban.applications.models import Application
from kuaiban.ratings.selectors import is_completed, rating_of

register = template.Library()


@register.inclusion_tag("ratings/_panel.html")
def rating_panel(application: Application, is_owner: bool) -> dict[str, Any]:
    completed = is_completed(application)
    return {
        "application": application,
        "show": bool(is_owner and completed),
        "rating": rating_of(application) if is_owner and completed else None,
    }
