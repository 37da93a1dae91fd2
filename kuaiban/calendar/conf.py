"""The calendar's settings, read when used (tests override them) and checked here.

The default and the environment variable are in ``kuaiban/settings.py``; README lists them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

OfficePeriod = tuple[dt.time, dt.time]


def office_periods() -> tuple[OfficePeriod, ...]:
    """``KUAIBAN_OFFICE_HOURS`` as (opens, closes) times in order, e.g. 9:00–12:00, 13:30–17:00."""
    return _periods_of(str(settings.KUAIBAN_OFFICE_HOURS))


@functools.lru_cache(maxsize=16)
def _periods_of(value: str) -> tuple[OfficePeriod, ...]:
    """The periods of a setting's text, parsed once per text: the 即办 figures ask for them once
    per sub-case (a day's 7,000 of them parsed the text 14,000 times)."""
    problem = f"KUAIBAN_OFFICE_HOURS 应为 09:00-12:00,13:30-17:00 这样按时间先后排列的时段，现为 {value!r}"
    periods: list[OfficePeriod] = []
    for part in value.split(","):
        match = _PERIOD.match(part)
        if match is None:
            raise ImproperlyConfigured(problem)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            opens, closes = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise ImproperlyConfigured(problem) from None
        if opens >= closes or (periods and opens < periods[-1][1]):
            raise ImproperlyConfigured(problem)
        periods.append((opens, closes))
    return tuple(periods)
