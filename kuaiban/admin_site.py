"""The admin site, with the warnings an administrator must see first on its index page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from kuaiban.accounts.forms import AdminLoginForm
from kuaiban.calendar.selectors import calendar_expiry_warning


class KuaibanAdminSite(admin.AdminSite):
    # The admin log-in shares the throttle of the site's log-in (5 failures → 15 minutes).
    login_form = AdminLoginForm
    site_header = "快办 管理后台"
    site_title = "快办"
    index_title = "目录、政策包、工作日历与账号"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        warning = calendar_expiry_warning(
            today=timezone.localdate(), warn_days=settings.KUAIBAN_CALENDAR_WARN_DAYS
        )
        if warning:
            messages.warning(request, warning)
        return super().index(request, extra_context)
