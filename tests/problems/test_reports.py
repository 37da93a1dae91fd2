"""A 办不成事 report from filing to its end: owner by region and item, due time in working
days, escalation once when overdue (time frozen), the owner's answer, the reporter's feedback;
every other person gets 404; supervisors see counts per item and the dashboard's figure."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.problems.models import ProblemReport, ReportStatus
from kuaiban.problems.notices import problem_alert_handle
from kuaiban.problems.services import problem_reports_escalate
from tests.worlds import NOW

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def as_user(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _item() -> ServiceItem:
    return ServiceItem.objects.get(code="1.6.1")


def _file(username: str = "zhangjianguo", **extra: str) -> dict[str, str]:
    body = {
        "item": _item().code,
        "description": "窗口说退休申请要单位盖章，单位已注销，跑了三次没办成。",
        "contact": "13905310001",
        **extra,
    }
    response = as_user(username).post(
        "/api/v1/problem-reports", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_report_goes_to_the_item_agency_with_a_working_day_due_time(world) -> None:
    filed = _file()
    report = ProblemReport.objects.get(number=filed["number"])
    assert report.number.startswith("BC-370102-20250303-")
    # 1.6.1 is routed, for 历下区, to 济南's social insurance agency (the route of the city).
    assert report.owner_agency == User.objects.get(username="officer-jn-si").agency
    assert filed["owner"] == report.owner_agency.name
    # Five working days from Monday 2025-03-03: the end of Monday 2025-03-10.
    assert timezone.localtime(report.due_at) == dt.datetime(
        2025, 3, 10, 23, 59, 59, 999999, SHANGHAI
    )
    assert report.channel == "online" and report.reporter.username == "zhangjianguo"
    event = AuditEvent.objects.get(action="problem.file", object_id=report.number)
    assert event.changes["contact"] != "13905310001"  # masked in the audit row


def test_without_an_item_the_region_hall_owns_it_and_its_clerk_answers(world) -> None:
    filed = _file(item="")
    report = ProblemReport.objects.get(number=filed["number"])
    assert report.owner_agency.code == "370102-service_hall"
    answered = as_user("clerk-lixia").post(
        f"/api/v1/problem-reports/{report.number}/resolution",
        {"resolution": "已电话联系，约定上门办理。", "version": 1},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "resolved"


def test_to_the_end_with_escalation_under_frozen_time(world) -> None:
    filed = _file()
    number = filed["number"]
    # Not yet due on Friday: nothing escalates.
    friday = NOW + dt.timedelta(days=4)
    assert problem_reports_escalate(now=friday) == 0
    # The Tuesday after the due day: escalated once, however often the sweep runs.
    late = NOW + dt.timedelta(days=8)
    with mock.patch.object(timezone, "now", return_value=late):
        assert problem_reports_escalate() == 1
        assert problem_reports_escalate() == 0
        shown = as_user("zhangjianguo").get(f"/api/v1/problem-reports/{number}").json()
    assert shown["overdue"] is True and shown["escalated_at"]
    (alert,) = OutboxMessage.objects.filter(kind=OutboxKind.DEADLINE_ALERT)
    assert alert.payload["problem_report"] == number and "督办" in alert.payload["text"]
    assert AuditEvent.objects.filter(action="problem.escalate", object_id=number).count() == 1
    with mock.patch("kuaiban.problems.notices.notify_send") as sent:
        problem_alert_handle(alert)
    names = {r.name for r in sent.call_args.args[0].recipients}
    supervisor = User.objects.get(username="supervisor-sd")
    assert (supervisor.display_name or supervisor.username) in names
    # The owner answers (late), with the version it read.
    officer = as_user("officer-jn-si")
    stale = officer.post(
        f"/api/v1/problem-reports/{number}/resolution",
        {"resolution": "已核实，可凭社保卡办理，无需单位盖章。", "version": 7},
        content_type="application/json",
    )
    assert stale.status_code == 409
    answered = officer.post(
        f"/api/v1/problem-reports/{number}/resolution",
        {"resolution": "已核实，可凭社保卡办理，无需单位盖章。", "version": shown["version"]},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "resolved"
    assert OutboxMessage.objects.filter(kind=OutboxKind.PROBLEM_NOTIFY).count() == 1
    # Once answered, it is no longer overdue for the sweep.
    with mock.patch.object(timezone, "now", return_value=late + dt.timedelta(days=30)):
        assert problem_reports_escalate() == 0
    # The reporter's feedback closes it; only once.
    reporter = as_user("zhangjianguo")
    closed = reporter.post(
        f"/api/v1/problem-reports/{number}/feedback",
        {"satisfied": False, "note": "答复太晚"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = reporter.post(
        f"/api/v1/problem-reports/{number}/feedback",
        {"satisfied": True},
        content_type="application/json",
    )
    assert again.status_code == 409
    report = ProblemReport.objects.get(number=number)
    assert report.status == ReportStatus.CLOSED and report.satisfied is False


@pytest.mark.parametrize(
    "username", ["wangfang", "officer-ty-si", "officer-jn-emp", "supervisor-jiangsu", "clerk-jinan"]
)
def test_everyone_else_gets_404(world, username: str) -> None:
    number = _file()["number"]
    client = as_user(username)
    if username == "clerk-jinan":
        # 济南's city clerks see their city and below: 历下区 is below, so they do see it.
        assert client.get(f"/api/v1/problem-reports/{number}").status_code == 200
        assert client.get(f"/problems/{number}/").status_code == 200
        return
    assert client.get(f"/api/v1/problem-reports/{number}").status_code == 404
    assert client.get(f"/problems/{number}/").status_code == 404
    answer = {"resolution": "x", "version": 1}
    assert (
        client.post(
            f"/api/v1/problem-reports/{number}/resolution", answer, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/problem-reports/{number}/feedback",
            {"satisfied": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert number not in str(client.get("/api/v1/problem-reports").json())


def test_the_reporter_cannot_answer_their_own_report(world) -> None:
    number = _file()["number"]
    response = as_user("zhangjianguo").post(
        f"/api/v1/problem-reports/{number}/resolution",
        {"resolution": "自己答复", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert ProblemReport.objects.get(number=number).status == ReportStatus.OPEN


def test_bad_input_is_422_and_stores_nothing(world) -> None:
    client = as_user("zhangjianguo")
    for body, field in [
        ({"description": "", "contact": "13905310001"}, "description"),
        ({"description": "办不成", "contact": "abc"}, "contact"),
        ({"description": "办不成", "contact": "13905310001", "item": "9.9.9"}, "item"),
        ({"description": "办不成", "contact": "13905310001", "region": "999999"}, "region"),
    ]:
        response = client.post("/api/v1/problem-reports", body, content_type="application/json")
        assert response.status_code == 422, body
        assert field in response.json()["error"]["fields"]
    assert not ProblemReport.objects.exists()
    assert not AuditEvent.objects.filter(action="problem.file").exists()


def test_a_clerk_files_at_the_window_for_the_person_there(world) -> None:
    client = as_user("clerk-lixia")
    missing = client.post(
        "/api/v1/problem-reports",
        {"description": "异地转移接续一直没办成", "contact": "13905310002"},
        content_type="application/json",
    )
    assert missing.status_code == 422 and "reporter_name" in missing.json()["error"]["fields"]
    filed = _file("clerk-lixia", reporter_name="李大爷")
    report = ProblemReport.objects.get(number=filed["number"])
    assert report.channel == "window" and report.reporter is None
    assert report.reporter_name == "李大爷" and report.region.code == "370102"
    # Officers and supervisors do not file; they answer and follow.
    officer = as_user("officer-jn-si").post(
        "/api/v1/problem-reports",
        {"description": "x", "contact": "13905310001"},
        content_type="application/json",
    )
    assert officer.status_code == 403


def test_supervisors_see_all_with_counts_per_item_and_the_dashboard_figure(world) -> None:
    _file()
    _file()
    _file(item="")
    _file("wangfang", region="370102")
    supervisor = as_user("supervisor-sd")
    listed = supervisor.get("/api/v1/problem-reports").json()
    assert listed["count"] == 4
    assert all("*" in r["contact"] for r in listed["items"])  # masked in lists
    counts = {c["item"]: c for c in supervisor.get("/api/v1/problem-reports/by-item").json()}
    assert counts[_item().label]["total"] == 3 and counts["未指明事项"]["total"] == 1
    assert as_user("supervisor-jiangsu").get("/api/v1/problem-reports").json()["count"] == 0
    assert as_user("zhangjianguo").get("/api/v1/problem-reports/by-item").status_code == 403
    page = supervisor.get("/problems/").content.decode()
    assert "按事项统计" in page and _item().label in page
    overview = supervisor.get("/supervision/").content.decode()
    assert "办不成事反映" in overview and "处理中 4 件" in overview


def test_the_web_form_files_and_shows_errors(world) -> None:
    client = as_user("zhangjianguo")
    assert client.get("/problems/new/").status_code == 200
    bad = client.post("/problems/new/", {"description": "", "contact": "13905310001"})
    assert bad.status_code == 422 and "请说明没有办成的事" in bad.content.decode()
    good = client.post(
        "/problems/new/", {"description": "社保卡补换等了一个月", "contact": "13905310001"}
    )
    assert good.status_code == 302
    number = ProblemReport.objects.get().number
    assert good["Location"] == f"/problems/{number}/"
    assert number in client.get("/problems/").content.decode()


@pytest.mark.parametrize(
    ("username", "link", "text"),
    [
        ("zhangjianguo", "/problems/new/", "反映办不成的事"),
        ("clerk-lixia", "/problems/new/", "反映办不成的事"),
        ("officer-jn-emp", "/problems/", "办不成事反映"),
        ("supervisor-sd", "/problems/", "办不成事反映"),
        ("", "/problems/new/", "反映办不成的事"),
    ],
)
def test_the_footer_leads_each_to_a_page_they_may_open(world, username, link, text) -> None:  # type: ignore[no-untyped-def]
    client = as_user(username) if username else Client()
    page = client.get("/items/").content.decode()
    assert f'<a href="{link}">{text}</a>' in page
    if username:  # the page the link leads to opens for them, not a 404
        assert client.get(link).status_code == 200
