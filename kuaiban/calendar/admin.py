"""Admin for the working-day calendar: administrators enter each new year's schedule here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kuaiban.calendar.models import CalendarDay, CalendarYear
from kuaiban.calendar.selectors import calendar_expiry_warning
from kuaiban.calendar.services import calendar_day_save, calendar_year_save


def _warn_if_calendar_ends_soon(request: HttpRequest) -> None:
    # Only on GET: a POST (an action) redirects back here and would show the warning twice.
    if request.method != "GET":
        return
    warning = calendar_expiry_warning(
        today=timezone.localdate(), warn_days=settings.KUAIBAN_CALENDAR_WARN_DAYS
    )
    if warning:
        messages.warning(request, warning)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "complete", "source", "note"]
    list_filter = ["complete", "source"]
    readonly_fields = ["source"]
    ordering = ["-year"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_if_calendar_ends_soon(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: Any) -> None:
        calendar_year_save(year=obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = ["kind", "source", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]
    ordering = ["-date"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "周" + "一二三四五六日"[obj.date.weekday()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_if_calendar_ends_soon(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: Any) -> None:
        calendar_day_save(day=obj)
