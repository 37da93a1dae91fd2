"""The overdue lists: sub-cases and rectification steps past their deadline now.

Each page is one COUNT and one SELECT with its joins; the overdue time in working days comes
from one calendar load for the page's dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from kuaiban.calendar.arithmetic import local_date
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.selectors import calendar_load
from kuaiban.cases.models import SubCase
from kuaiban.ratings.models import TicketStep
from kuaiban.supervision.filters import Filters
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import overdue_steps, overdue_subcases
from kuaiban.supervision.tables import Cell, Column, Kind, Link, Table
from kuaiban.supervision.workdays import WorkingClock

# The sub-case page of the agency workbench; the supervisor's way in is the application page.
WORKBENCH_SUBCASE = "/workbench/subcases/{pk}/"


def overdue_subcase_list(scope: Scope, filters: Filters) -> QuerySet[SubCase]:
    return (
        overdue_subcases(scope, filters)
        .select_related("application", "application__region", "item", "agency")
        .only(
            "pk",
            "status",
            "due_at",
            "seed_name",
            "application__number",
            "application__region__name",
            "item__code",
            "item__name",
            "agency__name",
        )
        .order_by("due_at", "pk")
    )


def overdue_step_list(scope: Scope, filters: Filters) -> QuerySet[TicketStep]:
    return (
        overdue_steps(scope, filters)
        .select_related("ticket", "ticket__agency", "ticket__rating", "ticket__rating__application")
        .only(
            "pk",
            "kind",
            "due_at",
            "ticket__status",
            "ticket__agency__name",
            "ticket__rating__level",
            "ticket__rating__real_name",
            "ticket__rating__application__number",
        )
        .order_by("due_at", "pk")
    )


class _Overdue:
    """Working days past a deadline, for a batch of deadlines (one calendar load)."""

    def __init__(self, deadlines: Iterable[dt.datetime]) -> None:
        self.now = timezone.now()
        days = [local_date(d) for d in deadlines]
        self.clock: WorkingClock | None = None
        if days:
            first, last = min(days), local_date(self.now)
            calendar = calendar_load(since=first, until=last)
            self.clock = WorkingClock(calendar, first=first, last=last)

    def days(self, due: dt.datetime) -> Decimal | None:
        if self.clock is None or due >= self.now:
            return None
        try:
            return self.clock.working_days_between(start=due, end=self.now)
        except (CalendarNotConfigured, ValueError):
            return None


def subcase_table(subcases: list[SubCase], *, total: int) -> Table:
    overdue = _Overdue(s.due_at for s in subcases if s.due_at)
    rows: list[list[Cell]] = []
    for s in subcases:
        number = s.application.number
        rows.append(
            [
                Link(number, reverse("applications:detail", args=[number])),
                s.item.label,
                s.agency.name if s.agency else "（未分派）",
                s.application.region.name,
                s.due_at,
                overdue.days(s.due_at) if s.due_at else None,
                s.get_status_display(),
                Link("办理", WORKBENCH_SUBCASE.format(pk=s.pk)),
            ]
        )
    return Table(
        key="overdue-subcases",
        title="超期子件",
        columns=[
            Column("办件编号", width=2.6),
            Column("事项", width=2.8),
            Column("经办机构", width=2.4),
            Column("地区"),
            Column("办结期限", Kind.DATETIME),
            Column("已超期（工作日）", Kind.DAYS),
            Column("状态"),
            Column("子件"),
        ],
        rows=rows,
        note="当前仍在办理且已过办结期限的子件，按期限先后排列；不受统计期限限制。",
        total_rows=total,
    )


def step_table(steps: list[TicketStep], *, total: int) -> Table:
    overdue = _Overdue(s.due_at for s in steps)
    rows: list[list[Cell]] = []
    for step in steps:
        rating = step.ticket.rating
        application = rating.application
        rows.append(
            [
                step.get_kind_display(),
                step.ticket.get_status_display(),
                step.ticket.agency.name,
                step.due_at,
                overdue.days(step.due_at),
                f"{rating.get_level_display()}{'（实名）' if rating.real_name else '（匿名）'}",
                Link(application.number, reverse("applications:detail", args=[application.number]))
                if application
                else "窗口服务评价",
            ]
        )
    return Table(
        key="overdue-steps",
        title="超期整改环节",
        columns=[
            Column("环节", width=1.3),
            Column("工单状态", width=1.5),
            Column("责任机构", width=2.6),
            Column("完成期限", Kind.DATETIME),
            Column("已超期（工作日）", Kind.DAYS),
            Column("差评", width=1.8),
            Column("办件", width=2.6),
        ],
        rows=rows,
        note="当前未完成且已过期限的差评回访、核实、整改、反馈和报告环节；不受统计期限限制。",
        total_rows=total,
    )
