"""`/api/v1/commitment-checks`: the officer's checks of 告知承诺 (事中事后核查), their outcome,
and the partner systems' signed answers to assistance requests."""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.security.http import HttpAuthBase
from pydantic import BaseModel, ConfigDict, StringConstraints

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import Role, User
from kuaiban.commitments.assistance import partner_verify_request
from kuaiban.commitments.models import (
    AssistancePartner,
    CheckStatus,
    CommitmentCheck,
    overdue_q,
)
from kuaiban.commitments.outcomes import FINDINGS_MAX, check_outcome_record
from kuaiban.commitments.selectors import access_commitment_check, checks_visible_to
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, ErrorOut, NotFound
from kuaiban.core.models import AuditAction
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination, LazyPage
from kuaiban.core.text import Note
from kuaiban.integrations.signing import is_signed

router = Router(tags=["告知承诺核查"], auth=api_auth)


class CheckOut(Schema):
    id: int
    application: str = Field(description="办件编号")
    material: str = Field(description="以承诺替代的材料名称")
    material_code: str
    method: str = Field(description="online 在线核查 / assistance 部门协助核查 / on_site 现场核查")
    status: str = Field(
        description="not_drawn 未抽中 / pending 待核查 / requested 已请求协助 / scheduled 已安排现场核查 / confirmed 属实 / false 不实"
    )
    status_label: str
    due_at: str = Field(description="核查期限（北京时间）")
    overdue: bool
    findings: str


def check_out(check: CommitmentCheck) -> CheckOut:
    return CheckOut(
        id=check.pk,
        application=check.application.number,
        material=check.material_name,
        material_code=check.material_code,
        method=check.method,
        status=check.status,
        status_label=str(CheckStatus(check.status).label),
        due_at=timezone.localtime(check.due_at).isoformat(),
        overdue=check.is_overdue(timezone.now()),
        findings=check.findings,
    )


def _officer(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or user.role != Role.OFFICER:
        raise ApiError("只有经办机构的经办人可以查看和办理承诺核查", code="forbidden", status=403)
    return user


class ListFilter(Schema):
    status: (
        Literal[
            "open",
            "overdue",
            "not_drawn",
            "pending",
            "requested",
            "scheduled",
            "confirmed",
            "false",
        ]
        | None
    ) = Field(None, description="按状态筛选；open 为全部未结核查，overdue 为超过核查期限的未结核查")


@router.get(
    "/commitment-checks",
    response=list[CheckOut],
    summary="本机构的告知承诺核查（事中事后核查），按核查期限排序",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def checks(request: HttpRequest, filters: Query[ListFilter]) -> object:
    user = _officer(request)
    rows = checks_visible_to(user)
    if filters.status == "open":
        rows = rows.filter(status__in=CommitmentCheck.OPEN)
    elif filters.status == "overdue":
        rows = rows.filter(overdue_q(timezone.now()))
    elif filters.status:
        rows = rows.filter(status=filters.status)
    return LazyPage(rows.order_by("due_at", "pk"), check_out)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["confirmed", "false"] = Field(description="confirmed 属实 / false 不实")
    findings: Annotated[Note, StringConstraints(min_length=1, max_length=FINDINGS_MAX)] = Field(
        description="核查情况：核查了什么、发现了什么"
    )
    version: int | None = Field(None, ge=0, description="看到的核查版本；他人已处理时 409")


@router.post(
    "/commitment-checks/{check_id}/outcome",
    response={200: CheckOut, 409: ErrorOut},
    summary="记录核查结论：属实则办结；不实则复查办理决定、标记追回、记录失信并告知申请人",
)
def outcome(request: HttpRequest, check_id: ObjectId, payload: OutcomeIn) -> CheckOut:
    user = _officer(request)
    check = access_commitment_check(user=user, check_id=check_id)
    audit_record(
        actor=user,
        action=AuditAction.COMMITMENT_CHECK_READ,
        object_type="commitment_check",
        object_id=str(check.pk),
    )
    check = check_outcome_record(
        actor=user,
        check=check,
        confirmed=payload.outcome == "confirmed",
        findings=payload.findings,
        version=payload.version,
    )
    return check_out(check)


class PartnerSignatureAuth(HttpAuthBase):
    """A partner body's system (行政协助), identified by its HMAC signature over method, path,
    timestamp and body; a bad signature is a 401, never a fall-back to a session."""

    openapi_scheme = "apiKey"
    openapi_type = "apiKey"
    openapi_name = "X-Kuaiban-Signature"
    openapi_in = "header"

    def __call__(self, request: HttpRequest) -> AssistancePartner | None:
        if not is_signed(request):
            return None
        return partner_verify_request(request)


partner_router = Router(tags=["告知承诺核查"], auth=[PartnerSignatureAuth()])


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["confirmed", "false"] = Field(description="confirmed 属实 / false 不实")
    findings: Annotated[Note, StringConstraints(min_length=1, max_length=FINDINGS_MAX)] = Field(
        description="协助核查的情况"
    )


class AnsweredOut(Schema):
    id: int
    status: str


@partner_router.post(
    "/commitment-checks/{check_id}/assistance-answer",
    response={200: AnsweredOut, 409: ErrorOut},
    summary="协助单位答复协助核查请求（签名请求）",
)
def assistance_answer(request: HttpRequest, check_id: ObjectId, payload: AnswerIn) -> AnsweredOut:
    partner = request.auth  # type: ignore[attr-defined]
    assert isinstance(partner, AssistancePartner)
    check = (
        CommitmentCheck.objects.select_related("application", "subcase__item")
        .filter(pk=check_id, partner=partner)
        .first()
    )
    if check is None:
        raise NotFound("核查不存在")
    check = check_outcome_record(
        actor=None,
        check=check,
        confirmed=payload.outcome == "confirmed",
        findings=payload.findings,
        system=partner.code,
    )
    return AnsweredOut(id=check.pk, status=check.status)


router.add_router("/", partner_router)
