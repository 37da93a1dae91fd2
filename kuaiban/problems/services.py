"""Writes of 办不成事 reports: file, answer, the reporter's feedback, escalation when overdue.

Each is one transaction with its audit row; answering and feedback are conditional UPDATEs on
``version`` (two people at once: one wins, the other gets 409)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.numbering import sequence_next
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import due_at
from kuaiban.catalogue.models import Agency, AgencyKind, Region, ServiceItem
from kuaiban.catalogue.regions import region_and_above
from kuaiban.catalogue.routing import RoutingTable
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.identifiers import id_number_error
from kuaiban.core.masking import mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.core.text import text_error
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.problems.models import (
    ProblemReport,
    ProblemSequence,
    ReportChannel,
    ReportStatus,
)
from kuaiban.problems.selectors import may_resolve

DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class ReportInput:
    description: str
    contact: str
    item: str = ""  # an item code, or nothing when the reporter cannot say
    region: str = ""  # a region code; a clerk's own region, a person's registered one otherwise
    reporter_name: str = ""  # at a window: the person's name


def problem_report_number(*, region_code: str, day: dt.date) -> str:
    last = sequence_next(model=ProblemSequence, region_code=region_code, day=day)
    return f"BC-{region_code}-{day:%Y%m%d}-{last:04d}"


def _check(actor: User, data: ReportInput) -> tuple[Region, ServiceItem | None]:
    errors: dict[str, list[str]] = {}
    description = data.description.strip()
    if not description:
        errors["description"] = ["请说明没有办成的事"]
    elif len(description) > DESCRIPTION_MAX or text_error(description):
        errors["description"] = [f"请用不超过 {DESCRIPTION_MAX} 字的正文说明"]
    contact = data.contact.strip()
    if not (contact.isascii() and contact.replace("-", "").isdigit() and 7 <= len(contact) <= 20):
        errors["contact"] = ["请填写可以联系到您的电话号码"]
    elif id_number_error(contact) is None:
        errors["contact"] = ["请填写电话号码，不要填写身份证号"]
    if actor.role == Role.CLERK and not data.reporter_name.strip():
        errors["reporter_name"] = ["请填写反映人姓名"]
    item = None
    if data.item:
        item = ServiceItem.objects.current().filter(code=data.item).first()
        if item is None:
            errors["item"] = ["没有这个事项"]
    region = _region(actor, data.region)
    if region is None:
        errors["region"] = ["请选择问题发生的地区（市或区县）"]
    if errors:
        raise Unprocessable("反映内容有误，请按提示修改", fields=errors)
    assert region is not None
    return region, item


def _region(actor: User, code: str) -> Region | None:
    if code:
        return Region.objects.filter(code=code).exclude(level="province").first()
    if actor.region_id is not None:
        return Region.objects.filter(pk=actor.region_id).exclude(level="province").first()
    return None


def problem_report_owner(*, region: Region, item: ServiceItem | None) -> Agency:
    """The item's agency by the routing table of the region; without an item, or when the
    item has no route there, the nearest 人社服务大厅 up the region chain."""
    if item is not None:
        agency = RoutingTable.for_region(region).agency_for(item)
        if agency is not None:
            return agency
    chain = region_and_above(region.pk)
    halls = {
        a.region_id: a
        for a in Agency.objects.filter(kind=AgencyKind.SERVICE_HALL, region_id__in=chain)
    }
    for region_id in chain:
        if region_id in halls:
            return halls[region_id]
    raise Unprocessable(
        "本地区尚未设置受理反映的人社服务大厅，请拨打 12333 反映",
        code="owner_missing",
        fields={"region": [f"{region.name}没有人社服务大厅"]},
    )


def problem_report_file(*, actor: User, data: ReportInput) -> ProblemReport:
    """A report filed online by the person, or at a window by a clerk for the person there."""
    region, item = _check(actor, data)
    owner = problem_report_owner(region=region, item=item)
    at_window = actor.role == Role.CLERK
    now = timezone.now()
    limit = TimeLimit(LimitUnit.WORKING_DAYS, settings.KUAIBAN_PROBLEM_REPORT_WORKING_DAYS)
    with transaction.atomic():
        report = ProblemReport.objects.create(
            number=problem_report_number(region_code=region.code, day=timezone.localdate(now)),
            channel=ReportChannel.WINDOW if at_window else ReportChannel.ONLINE,
            filed_by=actor,
            reporter=None if at_window else actor,
            reporter_name=(
                data.reporter_name.strip()
                if at_window
                else (actor.display_name or actor.get_username())
            ),
            contact=data.contact.strip(),
            region=region,
            item=item,
            description=data.description.strip(),
            owner_agency=owner,
            filed_at=now,
            due_at=due_at(start=now, limit=limit),
        )
        audit_record(
            actor=actor,
            action=AuditAction.PROBLEM_REPORT_FILE,
            object_type="problem_report",
            object_id=report.number,
            changes={
                "channel": report.channel,
                "owner": owner.code,
                "item": item.code if item else "",
                "contact": mask_phone(report.contact),
            },
        )
    return report


def problem_report_resolve(
    *, actor: User, report: ProblemReport, resolution: str, version: int
) -> ProblemReport:
    """The owner's answer: what was done so that the person gets it done."""
    if not may_resolve(actor, report):
        raise NotFound("反映不存在")
    text = resolution.strip()
    if not text or len(text) > DESCRIPTION_MAX or text_error(text):
        raise Unprocessable(
            "请填写处理结果", fields={"resolution": ["请写明如何解决，不超过 2000 字"]}
        )
    now = timezone.now()
    with transaction.atomic():
        done = ProblemReport.objects.filter(
            pk=report.pk, version=version, status=ReportStatus.OPEN
        ).update(
            status=ReportStatus.RESOLVED,
            resolution=text,
            resolved_by=actor,
            resolved_at=now,
            version=version + 1,
        )
        if done != 1:
            raise Conflict("该反映已被他人处理或已答复，请刷新后查看")
        audit_record(
            actor=actor,
            action=AuditAction.PROBLEM_REPORT_RESOLVE,
            object_type="problem_report",
            object_id=report.number,
            changes={"late": report.due_at < now},
        )
        outbox_enqueue(
            kind=OutboxKind.PROBLEM_NOTIFY,
            key=f"problem.resolved:{report.pk}",
            payload={"problem_report": report.number},
        )
    report.refresh_from_db()
    return report


def problem_report_feedback(
    *, actor: User, report: ProblemReport, satisfied: bool, note: str = ""
) -> ProblemReport:
    """The reporter's word on the answer closes the report; 不满意 is kept for supervisors."""
    if report.reporter_id != actor.pk and not (
        report.reporter_id is None and report.filed_by_id == actor.pk
    ):
        raise NotFound("反映不存在")
    if report.status != ReportStatus.RESOLVED:
        raise Conflict("答复之后才能评价，且只能评价一次")
    text = note.strip()
    if len(text) > DESCRIPTION_MAX or text_error(text):
        raise Unprocessable("意见过长或含有不可见字符", fields={"note": ["不超过 2000 字"]})
    now = timezone.now()
    with transaction.atomic():
        done = ProblemReport.objects.filter(
            pk=report.pk, version=report.version, status=ReportStatus.RESOLVED
        ).update(
            status=ReportStatus.CLOSED,
            satisfied=satisfied,
            feedback=text,
            feedback_at=now,
            version=report.version + 1,
        )
        if done != 1:
            raise Conflict("该反映已评价")
        audit_record(
            actor=actor,
            action=AuditAction.PROBLEM_REPORT_FEEDBACK,
            object_type="problem_report",
            object_id=report.number,
            changes={"satisfied": satisfied},
        )
    report.refresh_from_db()
    return report


def problem_reports_escalate(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """督办: every report still open past its due time goes to the supervisors once, claimed
    by a conditional UPDATE so two workers sweeping at once alert once."""
    now = now or timezone.now()
    escalated = 0
    candidates = list(
        ProblemReport.objects.overdue(now)
        .filter(escalated_at__isnull=True)
        .select_related("owner_agency", "region")
        .order_by("due_at")[:limit]
    )
    for report in candidates:
        with transaction.atomic():
            claimed = ProblemReport.objects.filter(
                pk=report.pk, status=ReportStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now)
            if claimed != 1:
                continue
            due = timezone.localtime(report.due_at)
            outbox_enqueue(
                kind=OutboxKind.DEADLINE_ALERT,
                key=f"problem.overdue:{report.pk}",
                payload={
                    "problem_report": report.number,
                    "subject": "办不成事反映超期未答复",
                    "text": (
                        f"{report.owner_agency.name}负责的办不成事反映（编号 {report.number}）"
                        f"已超过答复期限 {due:%Y-%m-%d %H:%M}，请督办。"
                    ),
                },
            )
            audit_record(
                actor=None,
                action=AuditAction.PROBLEM_REPORT_ESCALATE,
                object_type="problem_report",
                object_id=report.number,
                changes={"due_at": due.isoformat()},
            )
        escalated += 1
    return escalated
