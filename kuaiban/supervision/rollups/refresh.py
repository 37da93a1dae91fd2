"""Keeping the roll-ups current (the worker, every few minutes) and rebuilding a past period.

`rollup_refresh` rolls up the days that have ended since the last pass (at most
``NEW_DAYS_PER_PASS`` at a time, so a first pass over a year of history does not hold the
worker), then re-rolls the days whose figures changed since the last pass: found through the
time stamps of what changes a past day's figures — a decision (the application's day and the
deadline's day), a correction pause, a rating (its day and the application's), a rectification
step done or a ticket closed (the rating's day). What leaves no time stamp (a withdrawal, a
correction answered) is caught by re-rolling the last ``RECHECK_DAYS`` days once a day, or by
`rollup_rebuild` (``kuaiban supervision_rollup --from … --to …``). Today is never rolled up:
the pages read it live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from kuaiban.applications.models import Application
from kuaiban.calendar.arithmetic import local_date
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.ratings.models import Rating, RectificationTicket, TicketStep
from kuaiban.shareddata.progress import ProgressBar
from kuaiban.supervision.models import (
    InstantProvinceMonth,
    ProcessingProvinceMonth,
    RollupRange,
)
from kuaiban.supervision.parallel import in_processes
from kuaiban.supervision.rollups.build import ROLLUPS, month_rollup, period_rollup

NEW_DAYS_PER_PASS = 31
RECHECK_DAYS = 7
# A change committed a little after its time stamp was taken is still found by the next pass.
_MARGIN = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class RollupResult:
    days: int
    rows: int
    seconds: float
    covered: tuple[dt.date, dt.date] | None

    def __str__(self) -> str:
        if self.covered is None:
            return "尚无可汇总的数据"
        first, until = self.covered
        last = until - dt.timedelta(days=1)
        return (
            f"汇总 {self.days} 天、{self.rows:,} 行，用时 {self.seconds:.1f} 秒；"
            f"汇总覆盖 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
        )


def _days(first: dt.date, until: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((until - first).days)]


def _months_complete(days: Iterable[dt.date], first: dt.date, until: dt.date) -> list[dt.date]:
    """The months of these days lying wholly inside [first, until)."""
    found = []
    for month in sorted({d.replace(day=1) for d in days}):
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if first <= month and following <= until:
            found.append(month)
    return found


# Days rolled up by one set-based build (`period_rollup`): a month of history at a time.
RUN_DAYS = 31


def _runs(days: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The days as runs of consecutive days, each at most ``RUN_DAYS`` long."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs:
            first, last = runs[-1]
            if day == last + dt.timedelta(days=1) and (day - first).days < RUN_DAYS:
                runs[-1] = (first, day)
                continue
        runs.append((day, day))
    return runs


def _roll(
    days: list[dt.date],
    *,
    first: dt.date,
    until: dt.date,
    progress: TextIO | None,
    workers: int = 1,
) -> int:
    """Roll up ``days`` run by run (on PostgreSQL in ``workers`` processes, each every n-th
    run), then the whole months among them."""
    bar = ProgressBar(label="汇总", unit="天", total=len(days), stream=progress)
    runs = _runs(days)
    workers = min(workers, len(runs)) if connection.vendor == "postgresql" else 1
    if workers > 1:
        rows = sum(in_processes(_runs_rollup, runs, workers, bar))
    else:
        rows = _runs_rollup(runs, bar.advance)
    for month in _months_complete(days, first, until):
        month_rollup(month)
    bar.finish()
    return rows


def _runs_rollup(runs: Sequence[tuple[dt.date, dt.date]], advance: Callable[[int], object]) -> int:
    rows = 0
    for first, last in runs:
        rows += period_rollup(first, last)
        advance((last - first).days + 1)
    return rows


def _save(
    first: dt.date, until: dt.date, *, changes_since: dt.datetime, rechecked_on: dt.date | None
) -> None:
    RollupRange.objects.update_or_create(
        pk=1,
        defaults={
            "first": first,
            "until": until,
            "changes_since": changes_since,
            "refreshed_at": timezone.now(),
            "rechecked_on": rechecked_on,
        },
    )


def rollup_rebuild(
    *, first: dt.date, last: dt.date, progress: TextIO | None = None, workers: int = 1
) -> RollupResult:
    """Roll up ``first``…``last`` again (at most up to yesterday), extended so that the
    roll-ups stay one run of days; on PostgreSQL in ``workers`` processes."""
    started = timezone.now()
    today = timezone.localdate()
    until = min(last + dt.timedelta(days=1), today)
    days = set(_days(first, until))
    state = RollupRange.objects.first()
    if state is not None and state.first < state.until:
        held = set(_days(state.first, state.until))
        first, until = min(first, state.first), max(until, state.until)
        days |= set(_days(first, until)) - held  # the gap between, if any
    if first >= until:
        return RollupResult(0, 0, 0.0, None)
    rows = _roll(sorted(days), first=first, until=until, progress=progress, workers=workers)
    # A rebuild does not move the refresh's change watermark: other days may have changed.
    _save(
        first,
        until,
        changes_since=state.changes_since if state else started - _MARGIN,
        rechecked_on=state.rechecked_on if state else None,
    )
    seconds = (timezone.now() - started).total_seconds()
    return RollupResult(len(days), rows, seconds, (first, until))


def rollups_clear() -> None:
    """Forget every roll-up (after the raw rows were replaced wholesale); the next refresh
    starts again from the first application."""
    with transaction.atomic():
        for model in ROLLUPS:
            model.objects.all().delete()
        ProcessingProvinceMonth.objects.all().delete()
        InstantProvinceMonth.objects.all().delete()
        RollupRange.objects.all().delete()


def changed_days(since: dt.datetime) -> set[dt.date]:
    """The days whose roll-ups a change made since ``since`` may have touched."""
    moments: list[dt.datetime | None] = []
    for submitted, due, decided in SubCase.objects.filter(decided_at__gte=since).values_list(
        "application__submitted_at", "due_at", "decided_at"
    ):
        moments += [submitted, due, decided]
    for submitted, due in SubCase.objects.filter(
        status=SubCaseStatus.CORRECTION, paused_since__gte=since
    ).values_list("application__submitted_at", "due_at"):
        moments += [submitted, due]
    for rated, own, visited in Rating.objects.filter(rated_at__gte=since).values_list(
        "rated_at", "application__submitted_at", "visit__application__submitted_at"
    ):
        moments += [rated, own, visited]
    moments += TicketStep.objects.filter(done_at__gte=since).values_list(
        "ticket__rating__rated_at", flat=True
    )
    moments += RectificationTicket.objects.filter(closed_at__gte=since).values_list(
        "rating__rated_at", flat=True
    )
    moments += Application.objects.filter(submitted_at__gte=since).values_list(
        "submitted_at", flat=True
    )
    return {local_date(m) for m in moments if m is not None}


def rollup_refresh(*, progress: TextIO | None = None) -> RollupResult:
    """One pass of the worker: new days, changed days, and once a day the recent days."""
    started = timezone.now()
    today = timezone.localdate()
    state = RollupRange.objects.first()
    if state is None:
        earliest = Application.objects.order_by("submitted_at").values_list(
            "submitted_at", flat=True
        )[:1]
        if not earliest:
            return RollupResult(0, 0, 0.0, None)
        first = until = min(local_date(earliest[0]), today)
        changed: set[dt.date] = set()
        recheck = False
    else:
        first, until = state.first, state.until
        changed = changed_days(state.changes_since)
        recheck = state.rechecked_on != today
    new_until = min(today, until + dt.timedelta(days=NEW_DAYS_PER_PASS))
    days = set(_days(until, new_until))
    days |= {d for d in changed if first <= d < until}
    if recheck:
        days |= set(_days(max(first, until - dt.timedelta(days=RECHECK_DAYS)), until))
    rows = _roll(sorted(days), first=first, until=new_until, progress=progress)
    _save(first, new_until, changes_since=started - _MARGIN, rechecked_on=today)
    seconds = (timezone.now() - started).total_seconds()
    return RollupResult(len(days), rows, seconds, (first, new_until) if first < new_until else None)
