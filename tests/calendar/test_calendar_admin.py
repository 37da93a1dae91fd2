"""The calendar admin: the expiry warning, and edits that become administrators' rows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.messages import WARNING

from kuaiban.calendar import admin as calendar_admin
from kuaiban.calendar.models import CalendarDay, CalendarSource, CalendarYear
from kuaiban.calendar.selectors import calendar_expiry_warning

D = dt.date
CHANGELISTS = ["/admin/workcalendar/calendaryear/", "/admin/workcalendar/calendarday/"]


@pytest.fixture
def today(monkeypatch):
    """Freeze the admin's idea of today (only the admin module's reference to timezone)."""

    def freeze(day: dt.date) -> None:
        monkeypatch.setattr(calendar_admin, "timezone", SimpleNamespace(localdate=lambda: day))

    return freeze


def warnings_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == WARNING]


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize("url", CHANGELISTS)
def test_the_changelist_warns_when_the_calendar_ends_within_90_days(admin_client, today, url):
    today(D(2026, 11, 21))
    response = admin_client.get(url)
    assert response.status_code == 200
    [warning] = warnings_on(response)
    assert "只配置到2026年12月31日（还剩40天）" in warning
    assert "请尽快录入2027年的放假和调休安排" in warning
    assert "请尽快录入2027年" in response.content.decode()


@pytest.mark.usefixtures("official_calendar")
def test_no_warning_while_the_calendar_reaches_far_enough(admin_client, today):
    today(D(2026, 10, 1))  # 91 days before 2026-12-31
    assert warnings_on(admin_client.get(CHANGELISTS[0])) == []


@pytest.mark.usefixtures("official_calendar")
def test_the_warning_says_when_the_calendar_has_run_out(admin_client, today):
    today(D(2027, 1, 4))
    [warning] = warnings_on(admin_client.get(CHANGELISTS[1]))
    assert "工作日历未配置2027年的节假日安排" in warning
    assert "请立即录入2027年的放假和调休安排" in warning


@pytest.mark.usefixtures("official_calendar")
@pytest.mark.parametrize(
    ("day", "expected"),
    [(D(2026, 10, 1), None), (D(2026, 10, 2), "还剩90天"), (D(2026, 12, 31), "还剩0天")],
)
def test_the_warning_starts_exactly_90_days_before_the_end(day, expected):
    warning = calendar_expiry_warning(today=day, warn_days=90)
    if expected is None:
        assert warning is None
    else:
        assert expected in (warning or "")


def test_an_empty_calendar_names_this_year(db):
    warning = calendar_expiry_warning(today=D(2026, 5, 1), warn_days=90)
    assert warning is not None
    assert "工作日历未配置2026年的节假日安排" in warning


def test_entering_a_year_in_the_admin_makes_it_an_administrators_row(admin_client):
    response = admin_client.post(
        "/admin/workcalendar/calendaryear/add/",
        {"year": "2027", "complete": "on", "note": "国办发明电〔2026〕示例号"},
    )
    assert response.status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert (row.complete, row.source) == (True, CalendarSource.ADMIN)


@pytest.mark.usefixtures("official_calendar")
def test_editing_a_package_day_in_the_admin_protects_it_from_seeding(admin_client):
    row = CalendarDay.objects.get(date=D(2025, 2, 8))
    response = admin_client.post(
        f"/admin/workcalendar/calendarday/{row.pk}/change/",
        {"date": "2025-02-08", "kind": "workday", "name": "春节调休"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.source) == ("春节调休", CalendarSource.ADMIN)


def test_the_admin_refuses_a_make_up_working_day_on_a_weekday(admin_client):
    response = admin_client.post(
        "/admin/workcalendar/calendarday/add/",
        {"date": "2027-03-03", "kind": "workday", "name": "春节"},
    )
    assert response.status_code == 200
    assert "调休上班日只能是周六或周日" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_the_calendar_admin_needs_a_staff_login(client, db):
    response = client.get(CHANGELISTS[0])
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
