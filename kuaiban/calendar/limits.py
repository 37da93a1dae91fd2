"""Time limits (办结时限) as values: N working days, N calendar days, N months, or 即办."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# 即办: from receiving the materials to done, at most 30 minutes.
INSTANT_MINUTES = 30


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    MONTHS = "months", _("个月")
    INSTANT = "instant", _("即办")


@dataclass(frozen=True)
class TimeLimit:
    unit: LimitUnit
    value: int = 0

    def __post_init__(self) -> None:
        if self.unit != LimitUnit.INSTANT and self.value < 0:
            raise ValueError("a time limit cannot be negative")

    @classmethod
    def from_parts(cls, value: int | None, unit: str | None) -> TimeLimit | None:
        if not unit:
            return None
        limit_unit = LimitUnit(unit)
        if limit_unit == LimitUnit.INSTANT:
            return cls(LimitUnit.INSTANT)
        return cls(limit_unit, value or 0)

    @property
    def is_instant(self) -> bool:
        return self.unit == LimitUnit.INSTANT

    def label(self) -> str:
        if self.is_instant:
            return "即办（30分钟内）"
        return f"{self.value}{LimitUnit(self.unit).label}"

    def approx_working_days(self) -> float:
        """A rough size for comparisons (speed-up ratios): months ≈ 21.75, calendar days ≈ 5/7."""
        if self.unit == LimitUnit.WORKING_DAYS:
            return float(self.value)
        if self.unit == LimitUnit.CALENDAR_DAYS:
            return self.value * 5 / 7
        if self.unit == LimitUnit.MONTHS:
            return self.value * 21.75
        return INSTANT_MINUTES / (8 * 60)


# ---------------------------------------------------------------------------------------------
# Policy rules on limits: one pure function each, called by the pack parser and the admin forms.
# ---------------------------------------------------------------------------------------------


def promised_within_legal(*, promised: TimeLimit | None, legal: TimeLimit | None) -> str | None:
    """提速办: a promised limit may not be longer than the legal one. The problem, or None."""
    if promised is None or legal is None:
        return None
    if promised.approx_working_days() > legal.approx_working_days():
        return f"承诺时限{promised.label()}长于法定时限{legal.label()}"
    return None


def parallel_within_longest(
    *, promised: TimeLimit | None, item_limits: Iterable[TimeLimit]
) -> str | None:
    """Jiangsu rule: a parallel bundle's promised limit may not exceed its longest item's.

    Serial stages add up, so the rule is for parallel (and integrated) scenarios only; the
    caller decides which scenarios it applies to. The problem, or None.
    """
    if promised is None:
        return None
    longest = max(item_limits, key=lambda lim: lim.approx_working_days(), default=None)
    longest_days = longest.approx_working_days() if longest is not None else 0.0
    if promised.approx_working_days() > longest_days:
        longest_label = longest.label() if longest is not None else "（无事项）"
        return f"承诺时限{promised.label()}超过了最长的单个事项时限{longest_label}"
    return None
