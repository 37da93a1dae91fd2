"""What delivering each kind of outbox message means: one handler per kind, registered with
the outbox core (`kuaiban.integrations.registry`) when Django starts.

A handler returns normally when the message is delivered (optionally with a note, e.g. why
nothing had to be sent any more), raises ``DeliveryFailed`` to retry later and
``DeliveryRefused`` when retrying cannot help. A new kind needs a handler here.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Q
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.appointments.notices import appointment_remind
from kuaiban.cards.notices import card_notify_handle
from kuaiban.cases.dispatch import subcase_dispatch
from kuaiban.cases.models import DeadlineState, SubCase
from kuaiban.catalogue.regions import region_and_above
from kuaiban.commitments.assistance import assistance_deliver
from kuaiban.commitments.notices import check_alert_handle
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient, notify_send
from kuaiban.integrations.registry import handler_register
from kuaiban.proactive.services.offers import offers_notify
from kuaiban.proactive.services.runs import chunk_deliver
from kuaiban.problems.notices import problem_alert_handle, problem_notify_handle
from kuaiban.ratings.notices import ticket_alert_handle
from kuaiban.ratings.pushes import rating_push_handle

_C = TypeVar("_C", ApplicationStatus, DeadlineState)

_STATUS_HINTS = {
    ApplicationStatus.NEEDS_CORRECTION: "请按一次性告知的内容补正后继续办理。",
    ApplicationStatus.PARTLY_DONE: "部分事项已办结，可登录查看结果。",
    ApplicationStatus.DONE: "全部事项已办结，结果已统一出件，欢迎对本次服务作出评价。",
    ApplicationStatus.REJECTED: "可登录查看不予办理的理由。",
}


def _application(message: OutboxMessage) -> Application:
    number = message.payload.get("number", "")
    application = (
        Application.objects.select_related("bundle", "applicant").filter(number=number).first()
    )
    if application is None:
        raise DeliveryRefused(f"办件 {number} 不存在")
    return application


def _applicant(application: Application) -> Recipient:
    user = application.applicant
    return Recipient(
        name=application.applicant_name,
        phone=application.applicant_phone or (user.phone if user else ""),
        email=user.email if user else "",
    )


def application_received(message: OutboxMessage) -> str:
    """application.submitted → the applicant: 已受理, with the number and the promised date."""
    application = _application(message)
    due = timezone.localtime(application.promised_due_at).date()
    text = (
        f"您的“{application.bundle.name}”申请已受理，办件编号 {application.number}，"
        f"承诺 {due:%Y年%m月%d日} 前办结。"
    )
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject="已受理",
            text=text,
            recipients=(_applicant(application),),
        )
    )
    return ""


def applicant_status(message: OutboxMessage) -> str:
    """notify.applicant → the applicant: the application's new status.

    A payload with its own ``subject`` and ``text`` (e.g. the ratings' invitation to rate)
    is sent as it is; otherwise the text is made from ``status``.
    """
    application = _application(message)
    if message.payload.get("text"):
        subject = str(message.payload.get("subject") or "办件通知")
        text = str(message.payload["text"])
    else:
        status = _choice(ApplicationStatus, message.payload.get("status", application.status))
        subject = str(status.label)
        text = f"您的办件 {application.number}（{application.bundle.name}）{status.label}。"
        text += _STATUS_HINTS.get(status, "")
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject=subject,
            text=text,
            recipients=(_applicant(application),),
        )
    )
    return ""


def deadline_alert(message: OutboxMessage) -> str:
    """deadline.alert → the agency's officers and the supervisors of the region and above.

    The ratings' overdue rectification steps use the same kind with a ``ticket_step``, 办不成事
    reports with a ``problem_report`` and overdue 告知承诺 checks with a ``commitment_check``.
    """
    if "ticket_step" in message.payload:
        return ticket_alert_handle(message)
    if "problem_report" in message.payload:
        return problem_alert_handle(message)
    if "commitment_check" in message.payload:
        return check_alert_handle(message)
    subcase = (
        SubCase.objects.select_related("application__region", "agency")
        .filter(pk=message.payload.get("subcase"))
        .first()
    )
    if subcase is None:
        raise DeliveryRefused(f"子件 {message.payload.get('subcase')} 不存在")
    if subcase.status not in SubCase.RUNNING:
        return f"未发送：子件当前状态为“{subcase.get_status_display()}”"
    state = _choice(DeadlineState, message.payload.get("state", subcase.deadline_state))
    due = timezone.localtime(subcase.due_at) if subcase.due_at else None
    text = (
        f"办件 {subcase.application.number} 的“{subcase.seed_name}”{state.label}"
        + (f"，办结期限 {due:%Y-%m-%d %H:%M}" if due else "")
        + "，请及时办理。"
    )
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject=f"子件{state.label}",
            text=text,
            recipients=tuple(_staff_for(subcase)),
        )
    )
    return ""


def _choice(choices: type[_C], value: object) -> _C:
    try:
        return choices(str(value))
    except ValueError:
        raise DeliveryRefused(f"消息内容中的状态“{value}”无效") from None


def _staff_for(subcase: SubCase) -> list[Recipient]:
    regions = region_and_above(subcase.application.region_id)
    users = User.objects.filter(is_active=True).filter(
        Q(role=Role.OFFICER, agency_id=subcase.agency_id)
        | Q(role=Role.SUPERVISOR, region_id__in=regions)
    )
    return [
        Recipient(name=u.display_name or u.username, phone=u.phone, email=u.email)
        for u in users.order_by("pk")
    ]


def handlers_register() -> None:
    """Give the outbox core a handler for every kind of message (called at start-up)."""
    for kind, handler in {
        OutboxKind.SUBCASE_DISPATCH: subcase_dispatch,
        OutboxKind.NOTIFY_APPLICANT: applicant_status,
        OutboxKind.APPLICATION_SUBMITTED: application_received,
        OutboxKind.DEADLINE_ALERT: deadline_alert,
        OutboxKind.RATING_PUSH: rating_push_handle,
        OutboxKind.PROACTIVE_CHUNK: chunk_deliver,
        OutboxKind.PROACTIVE_NOTIFY: offers_notify,
        OutboxKind.APPOINTMENT_REMIND: appointment_remind,
        OutboxKind.COMMITMENT_ASSIST: assistance_deliver,
        OutboxKind.PROBLEM_NOTIFY: problem_notify_handle,
        OutboxKind.CARD_NOTIFY: card_notify_handle,
    }.items():
        handler_register(kind, handler)
