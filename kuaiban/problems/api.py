"""`/api/v1/problem-reports`: file a 办不成事 report, follow it, answer it, give feedback.

Anyone logged in files one (a clerk for the person at the window); the reporter, the owner
agency's staff, the region's clerks and supervisors read it; another person's report is a 404,
like a missing one (`access_problem_report`).
"""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import Forbidden, api_auth
from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ErrorOut
from kuaiban.core.masking import mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.core.pagination import BoundedPageNumberPagination, LazyPage
from kuaiban.core.text import Code, Line, Note
from kuaiban.problems.models import ProblemReport
from kuaiban.problems.selectors import (
    access_problem_report,
    problem_counts_by_item,
    problem_reports_visible_to,
)
from kuaiban.problems.services import (
    ReportInput,
    problem_report_feedback,
    problem_report_file,
    problem_report_resolve,
)

router = Router(tags=["办不成事反映"], auth=api_auth)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Code = Field("", description="涉及的事项编码（可不填）")
    description: Note = Field(description="没有办成的事和经过")
    contact: Line = Field(description="联系电话（答复用）")
    region: Code = Field(
        "", description="问题发生地的行政区划代码；不填为账号所属地区（柜员为本窗口所在地区）"
    )
    reporter_name: Line = Field("", description="反映人姓名（柜员在窗口登记时必填）")


class FiledOut(Schema):
    number: str = Field(description="反映编号")
    owner: str = Field(description="责任机构")
    due_at: str = Field(description="答复期限（按工作日计算）")


class ReportOut(Schema):
    number: str
    status: str = Field(description="open 处理中 / resolved 已答复待评价 / closed 已办结")
    status_label: str
    channel: str = Field(description="online 网上反映 / window 窗口反映")
    region: str = Field(description="问题发生的地区")
    item: str | None = Field(description="涉及事项")
    description: str
    reporter: str = Field(description="反映人")
    contact: str = Field(description="联系电话（脱敏）")
    owner: str = Field(description="责任机构")
    filed_at: str
    due_at: str
    overdue: bool = Field(description="是否已超过答复期限仍未答复")
    escalated_at: str | None = Field(description="超期督办时间")
    resolution: str
    resolved_at: str | None
    satisfied: bool | None = Field(description="反映人是否满意答复")
    feedback: str
    version: int = Field(description="答复时须提交此版本号")


def report_out(report: ProblemReport) -> ReportOut:
    now = timezone.now()

    def when(value: object) -> str | None:
        return timezone.localtime(value).isoformat() if value else None  # type: ignore[arg-type]

    return ReportOut(
        number=report.number,
        status=report.status,
        status_label=str(report.get_status_display()),
        channel=report.channel,
        region=report.region.name,
        item=report.item.label if report.item else None,
        description=report.description,
        reporter=report.reporter_name,
        contact=mask_phone(report.contact),
        owner=report.owner_agency.name,
        filed_at=when(report.filed_at) or "",
        due_at=when(report.due_at) or "",
        overdue=report.is_overdue(now),
        escalated_at=when(report.escalated_at),
        resolution=report.resolution,
        resolved_at=when(report.resolved_at),
        satisfied=report.satisfied,
        feedback=report.feedback,
        version=report.version,
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/problem-reports",
    response={201: FiledOut},
    summary="反映办不成的事（网上或窗口登记）",
    description="责任机构按地区和事项确定，答复期限按工作日计算；超期未答复自动提请监督人员督办。",
)
def report_file(request: HttpRequest, payload: ReportIn) -> Status[FiledOut]:
    user = _user(request)
    if user.role not in (Role.PERSON, Role.UNIT, Role.CLERK):
        raise Forbidden("办不成事由群众网上反映，或由综合柜员在窗口登记")
    report = problem_report_file(
        actor=user,
        data=ReportInput(
            description=payload.description,
            contact=payload.contact,
            item=payload.item,
            region=payload.region,
            reporter_name=payload.reporter_name,
        ),
    )
    return Status(
        201,
        FiledOut(
            number=report.number,
            owner=report.owner_agency.name,
            due_at=timezone.localtime(report.due_at).isoformat(),
        ),
    )


@router.get("/problem-reports", response=list[ReportOut], summary="可查看的办不成事反映")
@paginate(BoundedPageNumberPagination, page_size=20)
def reports(request: HttpRequest) -> object:
    return LazyPage(
        problem_reports_visible_to(_user(request)).order_by("-filed_at", "-pk"), report_out
    )


class ItemCountOut(Schema):
    item: str = Field(description="事项；未指明事项的单列")
    total: int
    open: int
    overdue: int
    closed: int
    unsatisfied: int = Field(description="反映人对答复不满意的件数")


@router.get(
    "/problem-reports/by-item",
    response=list[ItemCountOut],
    summary="按事项统计（监督人员、管理员）",
)
def by_item(request: HttpRequest) -> list[ItemCountOut]:
    user = _user(request)
    if user.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("按事项统计仅供监督人员和管理员使用")
    rows = problem_counts_by_item(problem_reports_visible_to(user), now=timezone.now())
    return [ItemCountOut(**row.__dict__) for row in rows]


@router.get("/problem-reports/{number}", response=ReportOut, summary="一件反映的详情")
def report_detail(request: HttpRequest, number: Code) -> ReportOut:
    user = _user(request)
    report = access_problem_report(user=user, number=number)
    if report.reporter_id != user.pk:
        audit_record(
            actor=user,
            action=AuditAction.PROBLEM_REPORT_READ,
            object_type="problem_report",
            object_id=report.number,
        )
    return report_out(report)


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: Note = Field(description="如何解决、办理结果")
    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号")


@router.post(
    "/problem-reports/{number}/resolution",
    response={200: ReportOut, 409: ErrorOut},
    summary="责任机构答复",
)
def resolve(request: HttpRequest, number: Code, payload: ResolutionIn) -> ReportOut:
    user = _user(request)
    report = access_problem_report(user=user, number=number)
    return report_out(
        problem_report_resolve(
            actor=user, report=report, resolution=payload.resolution, version=payload.version
        )
    )


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    satisfied: bool = Field(description="是否满意答复")
    note: Note = Field("", description="意见")


@router.post(
    "/problem-reports/{number}/feedback",
    response={200: ReportOut, 409: ErrorOut},
    summary="反映人评价答复（办结）",
)
def feedback(request: HttpRequest, number: Code, payload: FeedbackIn) -> ReportOut:
    user = _user(request)
    report = access_problem_report(user=user, number=number)
    return report_out(
        problem_report_feedback(
            actor=user, report=report, satisfied=payload.satisfied, note=payload.note
        )
    )
