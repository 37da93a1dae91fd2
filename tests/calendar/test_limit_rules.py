"""The two policy rules on time limits, as pure functions (no database)."""

from __future__ import annotations

from kuaiban.calendar.limits import (
    LimitUnit,
    TimeLimit,
    parallel_within_longest,
    promised_within_legal,
)

WD = LimitUnit.WORKING_DAYS


def test_promised_within_legal() -> None:
    assert promised_within_legal(promised=TimeLimit(WD, 20), legal=TimeLimit(WD, 20)) is None
    assert promised_within_legal(promised=TimeLimit(WD, 5), legal=None) is None
    assert (
        promised_within_legal(promised=TimeLimit(WD, 21), legal=TimeLimit(WD, 20))
        == "承诺时限21工作日长于法定时限20工作日"
    )
    # 30 calendar days ≈ 21.4 working days: longer than 20 working days.
    assert promised_within_legal(
        promised=TimeLimit(LimitUnit.CALENDAR_DAYS, 30), legal=TimeLimit(WD, 20)
    )


def test_parallel_within_longest() -> None:
    items = [TimeLimit(LimitUnit.INSTANT), TimeLimit(LimitUnit.CALENDAR_DAYS, 7)]  # ≈ 5 days
    assert parallel_within_longest(promised=TimeLimit(WD, 5), item_limits=items) is None
    assert parallel_within_longest(promised=None, item_limits=items) is None
    assert (
        parallel_within_longest(promised=TimeLimit(WD, 6), item_limits=items)
        == "承诺时限6工作日超过了最长的单个事项时限7自然日"
    )
    assert parallel_within_longest(promised=TimeLimit(WD, 1), item_limits=[])
