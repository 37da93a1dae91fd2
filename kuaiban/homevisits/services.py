"""Writes of home visits: request, schedule (owner + date), cancel, outcome; the application
taken at home closes the visit in the submission's own transaction (`HomeVisitApplications`).

Each write is one transaction with its audit row and a conditional UPDATE on ``version``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.identifiers import id_number_error
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.core.text import text_error
from kuaiban.homevisits.models import (
    HomeVisit,
    RequestedAs,
    VisitOutcome,
    VisitReason,
    VisitStatus,
)
from kuaiban.homevisits.selectors import may_own

TEXT_MAX = 2000


@dataclass(frozen=True)
class VisitRequest:
    person_name: str
    person_id_number: str
    phone: str
    address: str
    region: str  # a city or county code
    need: str
    reason: str
    item: str = ""


def _audit(actor: User | None, action: AuditAction, visit: HomeVisit, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="home_visit",
        object_id=str(visit.pk),
        changes={"person": mask_id_number(visit.person_id_number), **changes},
    )


def _line(value: str, limit: int) -> str | None:
    text = value.strip()
    return text if text and len(text) <= limit and not text_error(text) else None


def home_visit_request(*, actor: User, data: VisitRequest) -> HomeVisit:
    """The person asks for themselves, a family member for them, or a clerk takes a phone call."""
    if actor.role not in (Role.PERSON, Role.CLERK):
        raise NotFound("上门服务不存在")
    errors: dict[str, list[str]] = {}
    id_number = data.person_id_number.strip().upper()
    if problem := id_number_error(id_number):
        errors["person_id_number"] = [problem]
    for key, limit, message in (
        ("person_name", 60, "请填写服务对象姓名"),
        ("address", 200, "请填写上门地址"),
        ("need", TEXT_MAX, "请说明要办什么"),
    ):
        if _line(getattr(data, key), limit) is None:
            errors[key] = [message]
    phone = data.phone.strip()
    if not (phone.replace("-", "").isdigit() and phone.isascii() and 7 <= len(phone) <= 20):
        errors["phone"] = ["请填写联系电话"]
    if data.reason not in VisitReason.values:
        errors["reason"] = ["请选择上门理由"]
    region = Region.objects.filter(code=data.region).exclude(level=RegionLevel.PROVINCE).first()
    if region is None:
        errors["region"] = ["请选择上门地址所在的市或区县"]
    item = None
    if data.item:
        item = ServiceItem.objects.current().filter(code=data.item).first()
        if item is None:
            errors["item"] = ["没有这个事项"]
    if errors:
        raise Unprocessable("上门服务申请有误，请按提示修改", fields=errors)
    assert region is not None
    if actor.role == Role.CLERK:
        requested_as = RequestedAs.CLERK
    elif id_number == actor.id_number.upper():
        requested_as = RequestedAs.SELF
    else:
        requested_as = RequestedAs.FAMILY
    with transaction.atomic():
        visit = HomeVisit.objects.create(
            requested_by=actor,
            requested_as=requested_as,
            person_name=data.person_name.strip(),
            person_id_number=id_number,
            phone=phone,
            address=data.address.strip(),
            region=region,
            item=item,
            need=data.need.strip(),
            reason=data.reason,
        )
        _audit(actor, AuditAction.HOME_VISIT_REQUEST, visit, requested_as=requested_as)
    return visit


def home_visit_schedule(
    *, actor: User, visit: HomeVisit, owner: User, day: dt.date, version: int
) -> HomeVisit:
    """A clerk or officer of the region takes the visit (or gives it to a colleague) for a day."""
    if not may_own(actor, visit):
        raise NotFound("上门服务不存在")
    if not may_own(owner, visit):
        raise Unprocessable(
            "上门人员须为本地区的综合柜员或经办人员", fields={"owner": ["不是本地区的工作人员"]}
        )
    if day < timezone.localdate():
        raise Unprocessable("上门日期不能早于今天", fields={"scheduled_for": ["不能早于今天"]})
    with transaction.atomic():
        done = HomeVisit.objects.filter(
            pk=visit.pk,
            version=version,
            status__in=[VisitStatus.REQUESTED, VisitStatus.SCHEDULED],
        ).update(
            status=VisitStatus.SCHEDULED,
            owner=owner,
            scheduled_for=day,
            scheduled_by=actor,
            version=version + 1,
        )
        if done != 1:
            raise Conflict("该上门服务已被他人安排或已结束，请刷新后查看")
        _audit(actor, AuditAction.HOME_VISIT_SCHEDULE, visit, owner=owner.username, day=str(day))
    visit.refresh_from_db()
    return visit


def home_visit_outcome(
    *, actor: User, visit: HomeVisit, outcome: str, note: str, version: int
) -> HomeVisit:
    """The owner records a visit that took no application: answered, or not possible (why)."""
    if visit.owner_id != actor.pk:
        raise NotFound("上门服务不存在")
    if outcome not in (VisitOutcome.ANSWERED, VisitOutcome.NOT_DONE):
        raise Unprocessable(
            "上门受理的申请由提交申请自动记录", fields={"outcome": ["请选择上门解答或未能办理"]}
        )
    text = _line(note, TEXT_MAX)
    if text is None:
        raise Unprocessable("请写明上门情况", fields={"note": ["请写明上门情况"]})
    with transaction.atomic():
        done = HomeVisit.objects.filter(
            pk=visit.pk, version=version, status=VisitStatus.SCHEDULED, owner=actor
        ).update(
            status=VisitStatus.DONE,
            outcome=outcome,
            outcome_note=text,
            visited_at=timezone.now(),
            version=version + 1,
        )
        if done != 1:
            raise Conflict("该上门服务已记录结果，请刷新后查看")
        _audit(actor, AuditAction.HOME_VISIT_OUTCOME, visit, outcome=outcome)
    visit.refresh_from_db()
    return visit


def home_visit_cancel(*, actor: User, visit: HomeVisit) -> HomeVisit:
    """Whoever asked, the person, or the region's staff cancel a visit that has not happened."""
    allowed = (
        actor.pk == visit.requested_by_id
        or (actor.role == Role.PERSON and actor.id_number.upper() == visit.person_id_number)
        or may_own(actor, visit)
    )
    if not allowed:
        raise NotFound("上门服务不存在")
    with transaction.atomic():
        done = HomeVisit.objects.filter(
            pk=visit.pk, status__in=[VisitStatus.REQUESTED, VisitStatus.SCHEDULED]
        ).update(status=VisitStatus.CANCELLED, version=visit.version + 1)
        if done != 1:
            raise Conflict("该上门服务已结束")
        _audit(actor, AuditAction.HOME_VISIT_CANCEL, visit)
    visit.refresh_from_db()
    return visit


class HomeVisitApplications:
    """The `applications.hooks.HomeVisits` implementation: the application a clerk takes at the
    person's home closes the clerk's scheduled visit for that person."""

    def applied(self, *, clerk: User, application: Application, visit_id: int) -> None:
        visit = HomeVisit.objects.filter(pk=visit_id).first()
        if (
            visit is None
            or visit.owner_id != clerk.pk
            or visit.person_id_number != application.applicant_id_number
        ):
            raise Unprocessable(
                "上门服务与申请人不符", fields={"home_visit": ["不是您负责的该申请人的上门服务"]}
            )
        done = HomeVisit.objects.filter(
            pk=visit.pk, status=VisitStatus.SCHEDULED, owner=clerk, application__isnull=True
        ).update(
            status=VisitStatus.DONE,
            outcome=VisitOutcome.APPLIED,
            application=application,
            visited_at=timezone.now(),
            version=visit.version + 1,
        )
        if done != 1:
            raise Conflict("该上门服务已结束")
        _audit(
            clerk,
            AuditAction.HOME_VISIT_OUTCOME,
            visit,
            outcome=VisitOutcome.APPLIED,
            application=application.number,
        )
