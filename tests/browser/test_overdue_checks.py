"""An overdue 告知承诺 check on a 390 × 844 phone: once its period has passed the worker's sweep
alerts it once, the officer's /checks/ says so and lists it, and the supervisor's risk dashboard
lists it with its owner; the pages fit the phone and axe finds nothing serious. Time frozen."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.commitments.models import ItemPolicy
from kuaiban.commitments.online import checks_sweep
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from tests.browser.test_intake_journeys import world  # noqa: F401  (a fixture)
from tests.browser_helpers import axe_serious, log_in, shot
from tests.commitments.helpers import check_of, submitted, survivor_body
from tests.worlds import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_an_overdue_check_is_shown_to_the_officer_and_the_supervisor_on_a_phone(  # type: ignore[no-untyped-def]
    live_server,
    phone390,
    world,  # noqa: F811
) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    with mock.patch.object(timezone, "now", return_value=NOW):
        app = submitted(
            User.objects.get(username="zhangjianguo"),
            survivor_body(dependant_proof="commitment"),
        )
    check = check_of(app, "dependant_proof")
    late = check.due_at + dt.timedelta(days=1)
    problems: list[str] = []
    with mock.patch.object(timezone, "now", return_value=late):
        assert checks_sweep().overdue == 1
        assert OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT).count() == 1
        page = phone390.new_page()
        log_in(page, live_server.url, "officer-jn-si", then="/checks/")
        alert = page.locator("#overdue-alert")
        assert "1 项告知承诺核查已超过核查期限" in alert.inner_text()
        _fits(page)
        axe_serious(page, problems)
        shot(page, "checks-overdue-phone")
        alert.get_by_role("link", name="查看超期核查").click()
        row = page.locator("tbody tr", has_text=app.number)
        assert "已超期" in row.inner_text() and "供养亲属生活来源证明" in row.inner_text()
        _fits(page)
        log_in(page, live_server.url, "supervisor-sd", fresh=True, then="/checks/dashboard/")
        assert page.locator("#overdue").inner_text() == "1"
        listed = page.locator("#overdue-checks tbody tr")
        assert listed.count() == 1 and app.number in listed.inner_text()
        assert "未指定" in listed.inner_text()  # nobody has taken the on-site check yet
        _fits(page)  # the wide table scrolls inside its own region
        axe_serious(page, problems)
        shot(page, "checks-dashboard-overdue-phone")
    assert problems == []
