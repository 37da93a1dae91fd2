"""Seeding from chinesecalendar: complete, idempotent, and respectful of administrators' rows."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kuaiban.calendar.models import CalendarDay, CalendarDayKind, CalendarSource, CalendarYear
from kuaiban.calendar.services import (
    calendar_day_save,
    calendar_seed_from_package,
    calendar_year_save,
)

D = dt.date
PACKAGE_LAST_YEAR = max(day.year for day in chinese_calendar.holidays)


def all_rows() -> list[tuple[object, ...]]:
    days = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "source"))
    years = list(CalendarYear.objects.order_by("year").values_list("year", "complete", "source"))
    return [*days, *years]


def test_seed_loads_every_year_the_package_covers(db):
    result = calendar_seed_from_package()

    assert (result.first_year, result.last_year) == (2004, PACKAGE_LAST_YEAR)
    assert result.version == chinese_calendar.__version__
    expected_days = len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert result.created == CalendarDay.objects.count() == expected_days
    years = CalendarYear.objects.filter(complete=True, source=CalendarSource.PACKAGE)
    assert list(years.values_list("year", flat=True)) == list(range(2004, PACKAGE_LAST_YEAR + 1))


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (D(2024, 2, 10), CalendarDayKind.HOLIDAY, "春节"),
        (D(2024, 2, 4), CalendarDayKind.WORKDAY, "春节"),
        (D(2024, 10, 12), CalendarDayKind.WORKDAY, "国庆节"),
        (D(2025, 10, 6), CalendarDayKind.HOLIDAY, "中秋"),
        (D(2026, 1, 4), CalendarDayKind.WORKDAY, "元旦"),
    ],
)
def test_seeded_rows_carry_kind_and_chinese_name(db, day, kind, name):
    calendar_seed_from_package()
    row = CalendarDay.objects.get(date=day)
    assert (row.kind, row.name, row.source) == (kind, name, CalendarSource.PACKAGE)


def test_seeding_twice_changes_nothing(db):
    calendar_seed_from_package()
    before = all_rows()

    again = calendar_seed_from_package()

    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert all_rows() == before


def test_seeding_keeps_administrators_rows_and_years(db):
    calendar_seed_from_package()
    corrected = calendar_day_save(day=CalendarDay.objects.get(date=D(2025, 2, 8)), name="春节调休")
    added = calendar_day_save(
        day=CalendarDay(date=D(2025, 3, 3)), kind=CalendarDayKind.HOLIDAY, name="地方假日"
    )
    year = CalendarYear.objects.get(year=2025)
    year.complete = False
    calendar_year_save(year=year)

    result = calendar_seed_from_package()

    assert result.kept_admin == 1  # 02-08 is in the package; 03-03 is not, and is not removed
    assert CalendarDay.objects.get(pk=corrected.pk).name == "春节调休"
    assert CalendarDay.objects.filter(pk=added.pk, source=CalendarSource.ADMIN).exists()
    assert CalendarYear.objects.get(year=2025).complete is False


def test_seeding_repairs_and_removes_package_rows(db):
    calendar_seed_from_package()
    CalendarDay.objects.filter(date=D(2024, 2, 10)).update(name="改错的名字")
    CalendarDay.objects.create(
        date=D(2024, 3, 1), kind=CalendarDayKind.HOLIDAY, name="不存在", source="package"
    )

    result = calendar_seed_from_package()

    assert (result.updated, result.removed) == (1, 1)
    assert CalendarDay.objects.get(date=D(2024, 2, 10)).name == "春节"
    assert not CalendarDay.objects.filter(date=D(2024, 3, 1)).exists()


def test_a_make_up_working_day_must_fall_on_a_weekend(db):
    with pytest.raises(ValidationError) as caught:
        calendar_day_save(
            day=CalendarDay(date=D(2027, 3, 3)), kind=CalendarDayKind.WORKDAY, name="春节"
        )
    assert "调休上班日只能是周六或周日" in str(caught.value)
    assert not CalendarDay.objects.exists()


def test_the_seed_command_is_idempotent(db):
    first, second = StringIO(), StringIO()

    call_command("calendar_seed", stdout=first)
    before = all_rows()
    call_command("calendar_seed", stdout=second)

    assert f"2004–{PACKAGE_LAST_YEAR} 年" in first.getvalue()
    assert "新增 0 天，更新 0 天" in second.getvalue()
    assert all_rows() == before
    assert len(before) > 700
