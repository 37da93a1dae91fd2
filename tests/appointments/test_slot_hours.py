"""Slots follow each point's own opening hours as its data file writes them, 延时 and 错时
included: the reader (pure), every shipped point, and the slots generated over a week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from kuaiban.appointments.models import Slot, WindowType
from kuaiban.appointments.slotting import slots_for_hours
from kuaiban.servicepoints.hours import DayKind, half_hours, hours_read
from kuaiban.servicepoints.models import ServicePoint

T = dt.time
MONDAY = dt.date(2031, 3, 3)  # past the calendar's years: Monday to Friday work
TUESDAY, SATURDAY = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=5)
DATA = Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints"


def test_working_days_with_a_later_close_on_two_weekdays() -> None:
    hours = hours_read("工作日 9:00—12:00，13:30—17:00", "周二、周四延时至 18:30")
    assert hours.periods_on(MONDAY, DayKind.WORKING) == [(T(9), T(12)), (T(13, 30), T(17))]
    assert hours.periods_on(TUESDAY, DayKind.WORKING) == [(T(9), T(12)), (T(13, 30), T(18, 30))]
    assert hours.periods_on(SATURDAY, DayKind.REST) == []
    assert hours.periods_on(TUESDAY, DayKind.HOLIDAY) == []  # a holiday on a Tuesday: closed
    assert hours.unread == ()


def test_no_lunch_break_and_saturday_morning() -> None:
    hours = hours_read("工作日 9:00—12:00，13:00—17:00", "午间不间断服务；周六 9:00—12:00 错时服务")
    assert hours.periods_on(MONDAY, DayKind.WORKING) == [(T(9), T(17))]
    assert hours.periods_on(SATURDAY, DayKind.REST) == [(T(9), T(12))]
    assert hours.periods_on(SATURDAY, DayKind.HOLIDAY) == []
    # A Saturday made a working day (调休) opens for the whole day.
    assert hours.periods_on(SATURDAY, DayKind.WORKING) == [(T(9), T(17))]


def test_every_day_and_a_clause_not_understood() -> None:
    bank = hours_read("每日 8:30—17:30")
    assert bank.periods_on(SATURDAY, DayKind.REST) == [(T(8, 30), T(17, 30))]
    assert bank.periods_on(SATURDAY, DayKind.HOLIDAY) == [(T(8, 30), T(17, 30))]
    market = hours_read("工作日 9:00—12:00，13:30—17:00", "赶集日（农历逢三、八）上午提前至 8:00")
    assert market.unread == ("赶集日（农历逢三、八）上午提前至 8:00",)
    assert market.periods_on(MONDAY, DayKind.WORKING) == [(T(9), T(12)), (T(13, 30), T(17))]
    nothing = hours_read("按预约", "")
    assert nothing.unread == ("按预约",) and nothing.periods_on(MONDAY, DayKind.WORKING) == []


def test_half_hours_stay_inside_the_periods() -> None:
    assert half_hours([(T(9), T(11, 30))]) == [
        (T(9), T(9, 30)),
        (T(9, 30), T(10)),
        (T(10), T(10, 30)),
        (T(10, 30), T(11)),
        (T(11), T(11, 30)),
    ]
    assert len(half_hours([(T(8, 30), T(17, 30))])) == 18
    assert half_hours([(T(9), T(9, 20))]) == []  # too short for a slot


def test_every_shipped_point_has_hours_the_reader_understands() -> None:
    seen = 0
    for path in sorted(DATA.glob("*.yaml")):
        for point in yaml.safe_load(path.read_text(encoding="utf-8"))["points"]:
            hours = hours_read(point["hours"], point.get("extended_hours", ""))
            assert hours.periods, point["code"]
            assert point["hours"] not in hours.unread
            # Only the lunar market day (赶集日) is beyond the reader.
            assert all("赶集日" in clause for clause in hours.unread), hours.unread
            seen += 1
    assert seen >= 20


def _times(point: ServicePoint, day: dt.date, window: str) -> list[str]:
    tz = timezone.get_default_timezone()
    return [
        s.starts_at.astimezone(tz).strftime("%H:%M")
        for s in Slot.objects.filter(point=point, window_type=window)
        .filter(starts_at__date=day)
        .order_by("starts_at")
    ]


@pytest.mark.django_db
def test_a_week_of_slots_follows_each_points_hours(points_world) -> None:  # type: ignore[no-untyped-def]
    lixia = ServicePoint.objects.get(code="jn-lixia-hall")  # Tue/Thu until 18:30
    city = ServicePoint.objects.get(code="jn-city-hall")  # no lunch break, Saturday mornings
    bank = ServicePoint.objects.get(code="jn-icbc-quancheng")  # every day 9:00—17:00
    result = slots_for_hours(points=[lixia, city, bank], today=MONDAY, working_days=6, capacity=3)
    assert result.working_days == 6 and result.unread == {}
    monday = _times(lixia, MONDAY, WindowType.GENERAL)
    assert (
        monday[0] == "09:00"
        and monday[5] == "11:30"
        and monday[6] == "13:30"
        and monday[-1] == "16:30"
    )
    assert len(monday) == 6 + 7  # 9:00—12:00 and 13:30—17:00
    tuesday = _times(lixia, TUESDAY, WindowType.GENERAL)
    assert tuesday[-1] == "18:00" and len(tuesday) == 6 + 10  # 延时 to 18:30
    assert _times(lixia, TUESDAY, WindowType.CARD) == tuesday
    assert len(_times(city, MONDAY, WindowType.GENERAL)) == 16  # 9:00—17:00 without a break
    assert "12:30" in _times(city, MONDAY, WindowType.GENERAL)
    assert _times(city, SATURDAY, WindowType.GENERAL) == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    ]
    assert _times(lixia, SATURDAY, WindowType.GENERAL) == []
    assert len(_times(bank, SATURDAY, WindowType.CARD)) == 16
    assert _times(bank, SATURDAY, WindowType.GENERAL) == []  # a bank has the card window only
    # Six working days reach the next Monday: the weekend between is covered (错时, every day).
    lixia_total = Slot.objects.filter(point=lixia, window_type=WindowType.GENERAL).count()
    assert lixia_total == 4 * 13 + 2 * 16
    assert len(_times(bank, SATURDAY + dt.timedelta(days=1), WindowType.CARD)) == 16
    # Running again adds nothing.
    again = slots_for_hours(points=[lixia, city, bank], today=MONDAY, working_days=6, capacity=3)
    assert again.added == 0


@pytest.mark.django_db
def test_the_command_reports_hours_it_cannot_read(points_world, capsys) -> None:  # type: ignore[no-untyped-def]
    market = ServicePoint.objects.filter(extended_hours__contains="赶集日").get()
    call_command("appointments_slots", "--days", "1", "--points", market.code)
    out = capsys.readouterr().out
    assert "未能识别的办理时间说明" in out and "赶集日" in out and market.name in out
    assert Slot.objects.filter(point=market).exists()  # its regular hours still open slots
