"""`/api/v1/home-visits`: 上门办 — ask for a visit, follow it, and for the region's staff:
schedule it (owner and day), record its outcome, cancel it.

The same rules as the pages (`kuaiban.homevisits.services`): the person visited and whoever
asked see theirs, the region's clerks and officers the visits they may take, supervisors their
region's; another's visit is a 404, like a missing one (`access_home_visit`). Identity numbers
are masked in every answer; a staff member's read of a visit is audited.
"""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import Forbidden, api_auth
from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ErrorOut, Unprocessable
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination, LazyPage
from kuaiban.core.text import Code, Line, Note
from kuaiban.homevisits.models import HomeVisit, VisitOutcome, VisitReason, VisitStatus
from kuaiban.homevisits.selectors import access_home_visit, home_visits_visible_to
from kuaiban.homevisits.services import (
    VisitRequest,
    home_visit_cancel,
    home_visit_outcome,
    home_visit_request,
    home_visit_schedule,
)

router = Router(tags=["上门办"], auth=api_auth)


class VisitOut(Schema):
    id: int
    number: str = Field(description="上门服务编号")
    status: str = Field(
        description="requested 待安排 / scheduled 已安排上门 / done 已上门 / cancelled 已取消"
    )
    status_label: str
    requested_as: str = Field(
        description="self 本人申请 / family 家属代为申请 / clerk 窗口或电话登记"
    )
    person_name: str = Field(description="服务对象")
    person_id_number: str = Field(description="服务对象身份证号（脱敏）")
    phone: str = Field(description="联系电话（列表中脱敏；详情中本人与本地区工作人员可见全号）")
    address: str = Field(description="上门地址")
    region: str = Field(description="上门地址所在的市或区县")
    item: str | None = Field(description="要办的事项")
    need: str = Field(description="要办的事")
    reason: str = Field(
        description="elderly 年老行动不便 / disabled 残疾 / ill 重病或卧床 / other 其他"
    )
    owner: str | None = Field(description="上门人员")
    scheduled_for: str | None = Field(description="上门日期")
    outcome: str = Field(
        description="applied 上门受理了申请 / answered 上门解答 / not_done 未能办理"
    )
    outcome_note: str
    application: str | None = Field(description="上门受理的办件编号")
    requested_at: str
    visited_at: str | None
    version: int = Field(description="安排或记录结果时须提交此版本号")


def visit_out(visit: HomeVisit, *, full_phone: bool = False) -> VisitOut:
    owner = visit.owner
    return VisitOut(
        id=visit.pk,
        number=visit.number,
        status=visit.status,
        status_label=str(visit.get_status_display()),
        requested_as=visit.requested_as,
        person_name=visit.person_name,
        person_id_number=mask_id_number(visit.person_id_number),
        phone=visit.phone if full_phone else mask_phone(visit.phone),
        address=visit.address,
        region=visit.region.name,
        item=visit.item.label if visit.item else None,
        need=visit.need,
        reason=visit.reason,
        owner=(owner.display_name or owner.username) if owner else None,
        scheduled_for=visit.scheduled_for.isoformat() if visit.scheduled_for else None,
        outcome=visit.outcome,
        outcome_note=visit.outcome_note,
        application=visit.application.number if visit.application else None,
        requested_at=timezone.localtime(visit.requested_at).isoformat(),
        visited_at=timezone.localtime(visit.visited_at).isoformat() if visit.visited_at else None,
        version=visit.version,
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_name: Line = Field(description="服务对象姓名")
    person_id_number: Code = Field(description="服务对象身份证号")
    phone: Line = Field(description="联系电话")
    address: Line = Field(description="上门地址")
    region: Code = Field(description="上门地址所在的市或区县的行政区划代码")
    need: Note = Field(description="要办的事、有什么困难")
    reason: VisitReason = Field(description="上门理由")
    item: Code = Field("", description="要办的事项编码（可不填）")


@router.post(
    "/home-visits",
    response={201: VisitOut},
    summary="申请上门服务（本人、家属，或综合柜员电话登记）",
    description="由上门地址所在地区的综合柜员或经办人员安排上门人员和日期。",
)
def visit_request(request: HttpRequest, payload: VisitIn) -> Status[VisitOut]:
    user = _user(request)
    if user.role not in (Role.PERSON, Role.CLERK):
        raise Forbidden("上门服务由本人、家属申请，或由综合柜员登记")
    visit = home_visit_request(actor=user, data=VisitRequest(**payload.model_dump(mode="json")))
    return Status(201, visit_out(visit, full_phone=True))


class ListFilter(Schema):
    status: VisitStatus | None = Field(None, description="按状态筛选")


@router.get(
    "/home-visits",
    response=list[VisitOut],
    summary="可查看的上门服务：本人的、代为申请的；工作人员为本地区的",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def visits(request: HttpRequest, filters: Query[ListFilter]) -> object:
    rows = home_visits_visible_to(_user(request))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return LazyPage(rows.order_by("-requested_at", "-pk"), visit_out)


def _visit(request: HttpRequest, visit_id: int) -> tuple[User, HomeVisit]:
    user = _user(request)
    return user, access_home_visit(user=user, visit_id=visit_id)


@router.get("/home-visits/{visit_id}", response=VisitOut, summary="一件上门服务的详情")
def visit_detail(request: HttpRequest, visit_id: ObjectId) -> VisitOut:
    user, visit = _visit(request, visit_id)
    if user.role not in (Role.PERSON, Role.UNIT):
        audit_record(
            actor=user,
            action=AuditAction.HOME_VISIT_READ,
            object_type="home_visit",
            object_id=str(visit.pk),
        )
    return visit_out(visit, full_phone=True)


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scheduled_for: dt.date = Field(description="上门日期，不早于今天")
    owner: Line = Field("", description="上门人员的账号；不填为本人")
    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号")


@router.post(
    "/home-visits/{visit_id}/schedule",
    response={200: VisitOut, 409: ErrorOut},
    summary="安排上门：上门人员和日期（本地区的综合柜员或经办人员）",
)
def visit_schedule(request: HttpRequest, visit_id: ObjectId, payload: ScheduleIn) -> VisitOut:
    user, visit = _visit(request, visit_id)
    owner = user
    if payload.owner:
        found = User.objects.filter(username=payload.owner).first()
        if found is None:
            raise Unprocessable(
                "上门人员须为本地区的综合柜员或经办人员", fields={"owner": ["没有这个账号"]}
            )
        owner = found
    visit = home_visit_schedule(
        actor=user, visit=visit, owner=owner, day=payload.scheduled_for, version=payload.version
    )
    return visit_out(visit, full_phone=True)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: VisitOutcome = Field(
        description="answered 上门解答 / not_done 未能办理；上门受理的申请由提交申请自动记录"
    )
    note: Note = Field(description="上门情况")
    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号")


@router.post(
    "/home-visits/{visit_id}/outcome",
    response={200: VisitOut, 409: ErrorOut},
    summary="记录上门结果（上门人员）",
)
def visit_outcome(request: HttpRequest, visit_id: ObjectId, payload: OutcomeIn) -> VisitOut:
    user, visit = _visit(request, visit_id)
    visit = home_visit_outcome(
        actor=user, visit=visit, outcome=payload.outcome, note=payload.note, version=payload.version
    )
    return visit_out(visit, full_phone=True)


@router.post(
    "/home-visits/{visit_id}/cancel",
    response={200: VisitOut, 409: ErrorOut},
    summary="取消上门服务（申请人、服务对象或本地区工作人员）",
)
def visit_cancel(request: HttpRequest, visit_id: ObjectId) -> VisitOut:
    user, visit = _visit(request, visit_id)
    return visit_out(home_visit_cancel(actor=user, visit=visit), full_phone=True)
