"""Time left on a sub-case in working days: pure functions over a loaded calendar, no queries.

The queue and the sub-case page show the same figure: the working time from now to the due
date (negative once overdue), rounded to one decimal. While a correction request stands the
clock is stopped (补正期间不计时), so the figure is frozen at the moment it stopped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from kuaiban.calendar.arithmetic import WorkCalendar
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus

_TENTH = Decimal("0.1")


class Clock(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class TimeLeft:
    clock: Clock
    # Working days to the due date, one decimal, negative once overdue; None when not known.
    remaining: Decimal | None = None
    deadline: DeadlineState | None = None

    @property
    def deadline_label(self) -> str:
        return str(self.deadline.label) if self.deadline else ""

    @property
    def overdue(self) -> bool:
        return self.deadline == DeadlineState.OVERDUE

    @property
    def words(self) -> str:
        """The remaining time as the pages say it: "剩 3.5 个工作日", "不足 1 个工作日",
        "已超期 2 个工作日"; never a bare "0.0"."""
        if self.remaining is None:
            return "期限无法计算（工作日历未配置）"
        if self.remaining < 0:
            late = -self.remaining
            return "已超期不足 1 个工作日" if late < 1 else f"已超期 {_days(late)} 个工作日"
        if self.remaining == 0 and self.overdue:
            return "已到期"
        if self.remaining < 1:
            return "不足 1 个工作日"
        return f"剩 {_days(self.remaining)} 个工作日"


def _days(value: Decimal) -> str:
    # 4.0 → "4", 3.5 → "3.5"
    return f"{value:f}".removesuffix(".0")


def signed_working_days(*, now: dt.datetime, due: dt.datetime, calendar: WorkCalendar) -> Decimal:
    """Working days from ``now`` to ``due``; negative when ``due`` has passed. One decimal."""
    if due >= now:
        days = calendar.working_days_between(start=now, end=due)
    else:
        days = -calendar.working_days_between(start=due, end=now)
    rounded = days.quantize(_TENTH, rounding=ROUND_HALF_UP)
    # An overdue item on a weekend has lost no working time yet: show 0.0, not -0.0.
    return rounded if rounded != 0 else Decimal("0.0")


def time_left(
    *,
    subcase: SubCase,
    now: dt.datetime,
    calendar: WorkCalendar | None,
    due_soon_at: dt.datetime | None,
) -> TimeLeft:
    """What the queue shows in its last column; ``calendar`` None means it could not be loaded."""
    if subcase.finished:
        return TimeLeft(Clock.FINISHED)
    if subcase.due_at is None:
        return TimeLeft(Clock.NOT_STARTED)
    paused = subcase.status == SubCaseStatus.CORRECTION or subcase.paused_since is not None
    start = (subcase.paused_since or now) if paused else now
    remaining = None
    if calendar is not None:
        try:
            remaining = signed_working_days(now=start, due=subcase.due_at, calendar=calendar)
        except CalendarNotConfigured:
            remaining = None
    if paused:
        return TimeLeft(Clock.PAUSED, remaining)
    # Computed live (the sweeper's rule) so the queue is right between sweeps.
    state = DeadlineState.of(due_at=subcase.due_at, now=now, due_soon_at=due_soon_at)
    return TimeLeft(Clock.RUNNING, remaining, state)
