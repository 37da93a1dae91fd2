"""`{% menu_links user as links %}`: the role's own pages for the site menu."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.accounts.selectors import menu_for

register = template.Library()


@register.simple_tag
def menu_links(user: AbstractBaseUser | AnonymousUser) -> list[tuple[str, str]]:
    return menu_for(user)
