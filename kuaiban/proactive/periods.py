"""Periods of a rule: `once` (a benefit had once), a year `2026`, or a month `2026-12`."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_for(kind: str, on: dt.date) -> str:
    if kind == "once":
        return "once"
    if kind == "year":
        return f"{on.year:04d}"
    return f"{on.year:04d}-{on.month:02d}"


def period_as_of(kind: str, period: str, *, today: dt.date) -> dt.date | None:
    """The date a run of ``period`` evaluates at: the period's last day, or today if earlier;
    None when ``period`` is not a period of this kind."""
    if kind == "once":
        return today if period == "once" else None
    if kind == "year" and (match := _YEAR.match(period)):
        end = dt.date(int(match[1]), 12, 31)
    elif kind == "month" and (match := _MONTH.match(period)):
        year, month = int(match[1]), int(match[2])
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
    else:
        return None
    return min(end, today)


def period_hint(kind: str) -> str:
    return {"once": "once", "year": "YYYY，如 2026", "month": "YYYY-MM，如 2026-12"}[kind]
