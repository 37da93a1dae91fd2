"""The booking pages name the weekday in Simplified Chinese, whatever the browser's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.appointments.models import Appointment
from kuaiban.core.templatetags.kuaiban_dates import WEEKDAYS, weekday_zh
from tests.appointments.conftest import TOMORROW, slot_at

pytestmark = pytest.mark.django_db

ENGLISH_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def test_weekday_names_for_dates_and_local_times() -> None:
    assert [weekday_zh(dt.date(2026, 11, 30) + dt.timedelta(days=n)) for n in range(7)] == list(
        WEEKDAYS
    )
    # 2026-12-06 23:30 UTC is Monday 07:30 in Beijing: the weekday of the local time.
    late = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    assert weekday_zh(late) == "星期一"
    assert weekday_zh(None) == "" and weekday_zh("2026-12-06") == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["en-US,en;q=0.9", "zh-CN,zh;q=0.9", ""])
def test_booking_pages_say_the_weekday_in_chinese(hall, person, language: str) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    client.force_login(person())
    expected = WEEKDAYS[TOMORROW.weekday()]
    page = client.get(f"/appointments/book/{hall.code}/", {"item": "1.10.8"}).content.decode()
    assert f"{TOMORROW.month}月{TOMORROW.day}日 {expected}" in page
    booked = client.post(
        f"/appointments/book/{hall.code}/",
        {"item": "1.10.8", "slot": slot_at(hall, 9, 0).pk, "phone": "13812345678"},
    )
    assert booked.status_code == 302
    detail = client.get(booked["Location"]).content.decode()
    mine = client.get("/me/appointments/").content.decode()
    starts = timezone.localtime(Appointment.objects.get().slot.starts_at)
    assert weekday_zh(starts) == expected
    for shown in (page, detail, mine):
        assert expected in shown
        assert not any(f">{name}" in shown or f" {name} " in shown for name in ENGLISH_NAMES)
