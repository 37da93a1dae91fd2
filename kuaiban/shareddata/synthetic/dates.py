"""Date arithmetic for synthetic careers."""

from __future__ import annotations

import datetime as dt


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Completed years from ``earlier`` to ``later`` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def add_years(day: dt.date, years: int) -> dt.date:
    # dt.date(), not day.replace(year=…): a third of the cost, without keyword arguments.
    try:
        return dt.date(day.year + years, day.month, day.day)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 2, 28)


def add_days(day: dt.date, days: int) -> dt.date:
    """``day + dt.timedelta(days=days)``, without making the timedelta (a quarter of the cost)."""
    return dt.date.fromordinal(day.toordinal() + days)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s (0 when not later)."""
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)


def first_of_next_month(day: dt.date) -> dt.date:
    if day.day == 1:
        return day
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
