"""Time left in working days: pure functions, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kuaiban.calendar.arithmetic import SHANGHAI, WorkCalendar, end_of_day
from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
from kuaiban.workbench.timeleft import Clock, TimeLeft, signed_working_days, time_left

# 2025-03-03 is a Monday; 2025-04-04 (清明) is a holiday in this hand-made calendar.
CALENDAR = WorkCalendar(years=frozenset({2025}), holidays=frozenset({dt.date(2025, 4, 4)}))
MONDAY_NOON = dt.datetime(2025, 3, 3, 12, 0, tzinfo=SHANGHAI)


def _subcase(status: str, due: dt.datetime | None, paused: dt.datetime | None = None) -> SubCase:
    return SubCase(status=status, due_at=due, paused_since=paused)


def test_remaining_counts_working_time_only_to_one_decimal() -> None:
    friday_end = end_of_day(dt.date(2025, 3, 7))
    assert signed_working_days(now=MONDAY_NOON, due=friday_end, calendar=CALENDAR) == Decimal("4.5")
    next_monday_end = end_of_day(dt.date(2025, 3, 10))
    # The weekend does not count.
    assert signed_working_days(now=MONDAY_NOON, due=next_monday_end, calendar=CALENDAR) == Decimal(
        "5.5"
    )


def test_overdue_is_negative_and_a_weekend_costs_nothing() -> None:
    due = dt.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI)
    assert signed_working_days(now=MONDAY_NOON, due=due, calendar=CALENDAR) == Decimal("-0.1")
    friday_end = end_of_day(dt.date(2025, 3, 7))
    saturday = dt.datetime(2025, 3, 8, 15, 0, tzinfo=SHANGHAI)
    assert str(signed_working_days(now=saturday, due=friday_end, calendar=CALENDAR)) == "0.0"


def test_a_correction_stops_the_clock_where_it_stood() -> None:
    due = end_of_day(dt.date(2025, 3, 7))
    paused = dt.datetime(2025, 3, 4, 0, 0, tzinfo=SHANGHAI)
    a_month_later = dt.datetime(2025, 4, 3, 12, 0, tzinfo=SHANGHAI)
    left = time_left(
        subcase=_subcase(SubCaseStatus.CORRECTION, due, paused),
        now=a_month_later,
        calendar=CALENDAR,
        due_soon_at=None,
    )
    assert left.clock == Clock.PAUSED
    assert left.remaining == Decimal("4.0")
    assert left.deadline is None and not left.overdue


def test_finished_and_waiting_sub_cases_have_no_time_left() -> None:
    due = end_of_day(dt.date(2025, 3, 7))
    for status in (SubCaseStatus.APPROVED, SubCaseStatus.REJECTED, SubCaseStatus.STOPPED):
        left = time_left(
            subcase=_subcase(status, due), now=MONDAY_NOON, calendar=CALENDAR, due_soon_at=None
        )
        assert left.clock == Clock.FINISHED and left.remaining is None
    waiting = time_left(
        subcase=_subcase(SubCaseStatus.WAITING, None),
        now=MONDAY_NOON,
        calendar=CALENDAR,
        due_soon_at=None,
    )
    assert waiting.clock == Clock.NOT_STARTED


def test_an_unconfigured_year_leaves_the_figure_unknown_but_the_state_known() -> None:
    due = end_of_day(dt.date(2026, 1, 9))
    left = time_left(
        subcase=_subcase(SubCaseStatus.OPEN, due),
        now=MONDAY_NOON,
        calendar=CALENDAR,
        due_soon_at=end_of_day(dt.date(2025, 3, 5)),
    )
    assert left.clock == Clock.RUNNING
    assert left.remaining is None
    assert left.deadline == DeadlineState.ON_TIME


def test_the_time_left_is_said_in_plain_words_never_a_bare_zero() -> None:
    def words(remaining: str | None, state: DeadlineState = DeadlineState.ON_TIME) -> str:
        value = None if remaining is None else Decimal(remaining)
        return TimeLeft(Clock.RUNNING, value, state).words

    assert words("10.5") == "剩 10.5 个工作日"
    assert words("4.0") == "剩 4 个工作日"
    assert words("1.0") == "剩 1 个工作日"
    assert words("0.4", DeadlineState.DUE_SOON) == "不足 1 个工作日"
    assert words("0.0", DeadlineState.DUE_SOON) == "不足 1 个工作日"
    assert words("0.0", DeadlineState.OVERDUE) == "已到期"
    assert words("-0.1", DeadlineState.OVERDUE) == "已超期不足 1 个工作日"
    assert words("-2.0", DeadlineState.OVERDUE) == "已超期 2 个工作日"
    assert words(None) == "期限无法计算（工作日历未配置）"
