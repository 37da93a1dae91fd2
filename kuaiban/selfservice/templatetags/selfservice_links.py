"""`{% service_link item.code as link %}`: the working service of an item, for its page."""

from __future__ import annotations

from django import template

from kuaiban.selfservice import links

register = template.Library()


@register.simple_tag
def service_link(code: str) -> tuple[str, str] | None:
    return links.service_link(code)
