"""Writes to the working-day calendar: seeding from the maintained package, administrators' edits.

Rows carry their source. The package owns `package` rows and may update or remove them on the
next seed; an administrator's row (`admin`) is never touched by seeding, so a correction made in
the admin survives a package upgrade.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar
from django.db import transaction

from kuaiban.calendar.models import CalendarDay, CalendarDayKind, CalendarSource, CalendarYear
from kuaiban.core.policy_cache import policy_changed


@dataclass(frozen=True)
class DayEntry:
    """One special date as announced: 2027-02-06, 调休上班日, 春节."""

    date: dt.date
    kind: CalendarDayKind
    name: str


@dataclass(frozen=True)
class SeedResult:
    first_year: int
    last_year: int
    version: str
    created: int
    updated: int
    unchanged: int
    kept_admin: int
    removed: int


def package_years() -> tuple[int, int]:
    """The first and last year the installed chinesecalendar covers (the same rule it applies)."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def package_days() -> dict[dt.date, DayEntry]:
    """Every special date in the installed package, with the festival's Chinese name."""
    entries: dict[dt.date, DayEntry] = {}
    for source, kind in (
        (chinese_calendar.holidays, CalendarDayKind.HOLIDAY),
        (chinese_calendar.workdays, CalendarDayKind.WORKDAY),
    ):
        for day, english in source.items():
            name = str(chinese_calendar.Holiday(english).chinese)
            entries[day] = DayEntry(date=day, kind=kind, name=name)
    return entries


@transaction.atomic
def calendar_seed_from_package() -> SeedResult:
    """Load every year chinesecalendar covers; running it again changes nothing."""
    first_year, last_year = package_years()
    version = str(chinese_calendar.__version__)
    counts = _seed_days(
        wanted=package_days(), first=dt.date(first_year, 1, 1), last=dt.date(last_year, 12, 31)
    )
    _seed_years(first_year=first_year, last_year=last_year, version=version)
    policy_changed()  # bulk writes send no signal
    return SeedResult(first_year=first_year, last_year=last_year, version=version, **counts)


def _seed_days(*, wanted: dict[dt.date, DayEntry], first: dt.date, last: dt.date) -> dict[str, int]:
    existing = {day.date: day for day in CalendarDay.objects.filter(date__range=(first, last))}
    to_create: list[CalendarDay] = []
    to_update: list[CalendarDay] = []
    kept_admin = 0
    for day, entry in wanted.items():
        row = existing.get(day)
        if row is None:
            to_create.append(
                CalendarDay(
                    date=day, kind=entry.kind, name=entry.name, source=CalendarSource.PACKAGE
                )
            )
        elif row.source == CalendarSource.ADMIN:
            kept_admin += 1
        elif (row.kind, row.name) != (entry.kind, entry.name):
            row.kind, row.name = entry.kind, entry.name
            to_update.append(row)
    # A date the package no longer lists (it corrected itself) must not linger as a holiday.
    stale = [
        row.pk
        for day, row in existing.items()
        if row.source == CalendarSource.PACKAGE and day not in wanted
    ]
    CalendarDay.objects.bulk_create(to_create, batch_size=500)
    CalendarDay.objects.bulk_update(to_update, ["kind", "name"], batch_size=500)
    CalendarDay.objects.filter(pk__in=stale).delete()
    unchanged = len(wanted) - len(to_create) - len(to_update) - kept_admin
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "kept_admin": kept_admin,
        "removed": len(stale),
    }


def _seed_years(*, first_year: int, last_year: int, version: str) -> None:
    note = f"由 chinesecalendar {version} 载入"
    existing = {
        row.year: row for row in CalendarYear.objects.filter(year__range=(first_year, last_year))
    }
    to_create: list[CalendarYear] = []
    to_update: list[CalendarYear] = []
    for year in range(first_year, last_year + 1):
        row = existing.get(year)
        if row is None:
            to_create.append(
                CalendarYear(year=year, complete=True, source=CalendarSource.PACKAGE, note=note)
            )
        elif row.source == CalendarSource.PACKAGE and (row.complete, row.note) != (True, note):
            row.complete, row.note = True, note
            to_update.append(row)
    CalendarYear.objects.bulk_create(to_create)
    CalendarYear.objects.bulk_update(to_update, ["complete", "note"])


@transaction.atomic
def calendar_year_enter(
    *, year: int, days: Iterable[DayEntry], complete: bool = True, note: str = ""
) -> CalendarYear:
    """Enter an administrator's schedule for ``year`` (e.g. 2027, once announced).

    ``days`` may include dates of the year before: a new year's schedule often makes a late
    December weekend a working day. Entered rows become administrator rows.
    """
    for entry in days:
        calendar_day_save(
            day=CalendarDay.objects.filter(date=entry.date).first() or CalendarDay(date=entry.date),
            kind=entry.kind,
            name=entry.name,
        )
    row = CalendarYear.objects.filter(year=year).first() or CalendarYear(year=year)
    row.complete, row.note = complete, note
    return calendar_year_save(year=row)


@transaction.atomic
def calendar_day_save(
    *, day: CalendarDay, kind: str | None = None, name: str | None = None
) -> CalendarDay:
    """Save a special date as an administrator's row, validated like the admin form."""
    if kind is not None:
        day.kind = kind
    if name is not None:
        day.name = name
    day.source = CalendarSource.ADMIN
    day.full_clean()
    day.save()
    return day


@transaction.atomic
def calendar_year_save(*, year: CalendarYear) -> CalendarYear:
    """Save a calendar year as an administrator's row, so seeding leaves it alone."""
    year.source = CalendarSource.ADMIN
    year.full_clean()
    year.save()
    return year
