"""`{{ value|weekday_zh }}`: the weekday in Simplified Chinese (星期一…星期日), whatever language
the browser asks for. Django's ``date:"D"`` follows the active language, so an English browser
read “Mon” on a page that is otherwise Chinese."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@register.filter
def weekday_zh(value: dt.date | None) -> str:
    """A date's weekday; a datetime's in local time (as ``date`` shows it); "" for none."""
    if value is None or not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return WEEKDAYS[value.weekday()]
