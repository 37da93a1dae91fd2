from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``{{ values|get:field.key }}``: a dict lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
