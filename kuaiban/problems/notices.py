"""Delivering the outbox messages of 办不成事 reports.

``problem_reports_escalate`` writes a ``deadline.alert`` whose payload carries
``problem_report``: ``problem_alert_handle`` tells the supervisors of the report's region and
above and the owner agency's staff. ``problem.notify`` tells the reporter the answer.
"""

from __future__ import annotations

from django.db.models import Q

from kuaiban.accounts.alerts import staff_alert
from kuaiban.accounts.models import Role
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient, notify_send
from kuaiban.problems.models import ProblemReport, ReportStatus


def _report(message: OutboxMessage) -> ProblemReport:
    number = message.payload.get("problem_report", "")
    report = ProblemReport.objects.select_related("owner_agency").filter(number=number).first()
    if report is None:
        raise DeliveryRefused(f"办不成事反映 {number} 不存在")
    return report


def problem_alert_handle(message: OutboxMessage) -> str:
    report = _report(message)
    if report.status != ReportStatus.OPEN:
        return "未发送：该反映已答复"
    notify_send(
        staff_alert(
            message,
            default_subject="办不成事反映超期未答复",
            staff=Q(role__in=[Role.OFFICER, Role.CLERK], agency_id=report.owner_agency_id),
            region_id=report.region_id,
        )
    )
    return ""


def problem_notify_handle(message: OutboxMessage) -> str:
    report = _report(message)
    reporter = report.reporter
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject="办不成事反映已答复",
            text=(
                f"您反映的问题（编号 {report.number}）已由{report.owner_agency.name}答复："
                f"{report.resolution[:200]}。请登录或到窗口对答复作出评价。"
            ),
            recipients=(
                Recipient(
                    name=report.reporter_name,
                    phone=report.contact,
                    email=reporter.email if reporter else "",
                ),
            ),
        )
    )
    return ""
