"""A commitment check not done within its period: the sweep alerts once (owner or agency, and
the supervisors), the officers' list and the supervisors' dashboard show it; time frozen."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.commitments.models import ItemPolicy
from kuaiban.commitments.notices import check_alert_handle
from kuaiban.commitments.online import checks_sweep
from kuaiban.commitments.outcomes import check_outcome_record, check_schedule
from kuaiban.commitments.selectors import open_check_counts
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.riskcontrol.selectors import risk_figures
from tests.commitments.helpers import check_of, submitted, survivor_body

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _names(users: list[User]) -> set[str]:
    return {u.display_name or u.username for u in users}


def _committed(world):  # type: ignore[no-untyped-def]
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    return check_of(app, "dependant_proof")


def test_an_overdue_check_is_alerted_once_to_the_agency_and_the_supervisors(world) -> None:
    check = _committed(world)
    # Before its due time nothing is overdue and nothing is sent.
    assert checks_sweep(now=check.due_at - dt.timedelta(minutes=1)).overdue == 0
    assert not OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT).exists()
    late = check.due_at + dt.timedelta(hours=1)
    with mock.patch.object(timezone, "now", return_value=late):
        assert checks_sweep().overdue == 1
        assert checks_sweep().overdue == 0
    (alert,) = OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT)
    assert alert.payload["commitment_check"] == check.pk
    assert check.application.number in alert.payload["text"]
    assert "超过核查期限" in alert.payload["text"]
    events = AuditEvent.objects.filter(action="commitment_check.overdue", object_id=str(check.pk))
    assert events.count() == 1
    with mock.patch("kuaiban.commitments.notices.notify_send") as sent:
        assert check_alert_handle(alert) == ""
    told = {r.name for r in sent.call_args.args[0].recipients}
    # Nobody owns it yet: the agency's officers, and Shandong's supervisors; not Shanxi's.
    assert _names([world["officer-jn-si"], world["supervisor-sd"]]) <= told
    assert not _names([world["officer-jn-emp"], world["supervisor-shanxi"]]) & told


def test_the_alert_goes_to_the_owner_and_not_once_the_check_has_its_outcome(world) -> None:
    check = _committed(world)
    officer = world["officer-jn-si"]
    check = check_schedule(
        actor=officer, check=check, day=check.due_at.date() + dt.timedelta(days=3), owner=officer
    )
    with mock.patch.object(timezone, "now", return_value=check.due_at + dt.timedelta(hours=1)):
        assert checks_sweep().overdue == 1
    (alert,) = OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT)
    with mock.patch("kuaiban.commitments.notices.notify_send") as sent:
        check_alert_handle(alert)
    told = {r.name for r in sent.call_args.args[0].recipients}
    assert _names([officer, world["supervisor-sd"]]) <= told
    assert not _names([world["officer-lixia-hall"]]) & told
    check.refresh_from_db()
    check_outcome_record(actor=officer, check=check, confirmed=True, findings="入户核实属实")
    with mock.patch("kuaiban.commitments.notices.notify_send") as sent:
        assert check_alert_handle(alert).startswith("未发送")
    sent.assert_not_called()


def test_the_list_and_the_dashboard_show_overdue_checks(world) -> None:
    check = _committed(world)
    officer, supervisor = world["officer-jn-si"], world["supervisor-sd"]
    page = _client(officer).get("/checks/").content.decode()
    assert 'id="overdue-alert"' not in page
    assert risk_figures(user=supervisor).overdue == 0
    # Past the due time the check is overdue at once, before any sweep has marked it.
    with mock.patch.object(timezone, "now", return_value=check.due_at + dt.timedelta(days=1)):
        assert open_check_counts(officer)["overdue"] == 1
        page = _client(officer).get("/checks/").content.decode()
        assert 'id="overdue-alert"' in page and "1 项告知承诺核查已超过核查期限" in page
        assert "<strong>已超期</strong>" in page
        listed = _client(officer).get("/checks/?show=overdue").content.decode()
        assert check.application.number in listed
        figures = risk_figures(user=supervisor)
        assert figures.overdue == 1 and [c.pk for c in figures.overdue_checks] == [check.pk]
        board = _client(supervisor).get("/checks/dashboard/").content.decode()
        assert '<dd id="overdue">1</dd>' in board
        assert 'id="overdue-checks"' in board and check.application.number in board
        # Shanxi's supervisor and another agency's officer see none of it.
        assert risk_figures(user=world["supervisor-shanxi"]).overdue_checks == []
        other = _client(world["officer-jn-emp"]).get("/checks/").content.decode()
        assert 'id="overdue-alert"' not in other


def test_the_api_lists_overdue_checks(world) -> None:  # type: ignore[no-untyped-def]
    check = _committed(world)
    api = _client(world["officer-jn-si"])
    url = "/api/v1/commitment-checks"
    assert api.get(url, {"status": "overdue"}).json()["items"] == []
    with mock.patch.object(timezone, "now", return_value=check.due_at + dt.timedelta(days=1)):
        api = _client(world["officer-jn-si"])  # a session of that day
        (shown,) = api.get(url, {"status": "overdue"}).json()["items"]
        assert shown["id"] == check.pk and shown["overdue"] is True
        assert (
            _client(world["officer-jn-emp"]).get(url, {"status": "overdue"}).json()["items"] == []
        )
    assert api.get(url, {"status": "late"}).status_code == 422
