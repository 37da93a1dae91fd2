"""`/api/v1/subcases`: officers and agencies' own systems work sub-cases through the API.

An agency's system signs every request, GET or POST, over method, path, timestamp and body
(``kuaiban/integrations/README.md``): a body signature would name no sub-case, so a captured
accept (empty body) or a decision without ``version`` could be replayed against another of the
agency's sub-cases within five minutes. Reads of a sub-case's detail are audited, by an
officer or a system alike.
"""

# No ``from __future__ import annotations``: ninja reads the paginated ``queue``'s parameter
# types in the globals of its pagination wrapper, where names of this module are unknown.
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.security.http import HttpAuthBase
from pydantic import BaseModel, ConfigDict, StringConstraints

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import User
from kuaiban.cases.bounds import LINE_MAX, LINES_MAX, NAME_MAX, NUMBER_MAX
from kuaiban.cases.material_api import router as material_router
from kuaiban.cases.material_listing import material_entry, subcase_materials
from kuaiban.cases.models import SubCase
from kuaiban.cases.reads import subcase_read_record
from kuaiban.cases.selectors import access_subcase, subcases_visible_to
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide, subcase_reopen
from kuaiban.cases.system_auth import agency_verify_request
from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import ApiError, ErrorOut
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code, Line, Note
from kuaiban.integrations.signing import is_signed


class AgencySignatureAuth(HttpAuthBase):
    """An agency's own system, identified by its HMAC signature (现行系统办理).

    Every request (queue, detail, accept, decision) is signed over method, path, timestamp and
    body, so that a signature for one sub-case opens no other; a body-only signature is a 401.
    A signed request is the system's or nobody's: a bad signature is a 401, never a fall-back
    to a session.
    """

    openapi_scheme = "apiKey"
    openapi_type = "apiKey"
    openapi_name = "X-Kuaiban-Signature"
    openapi_in = "header"

    def __call__(self, request: HttpRequest) -> Agency | None:
        if not is_signed(request):
            return None
        return agency_verify_request(request)


router = Router(tags=["子件"], auth=[AgencySignatureAuth(), *api_auth])


def _who(request: HttpRequest) -> tuple[User | None, Agency | None]:
    principal = request.auth  # type: ignore[attr-defined]
    if isinstance(principal, Agency):
        return None, principal
    return principal, None


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["document", "e_certificate", "notice"] = "document"
    name: Annotated[Line, StringConstraints(max_length=NAME_MAX)]
    number: Annotated[Line, StringConstraints(max_length=NUMBER_MAX)] = Field(
        default="", description="文书号或电子证照编号"
    )


class DecisionIn(BaseModel):
    """A decision, bounded as the workbench's form is (``kuaiban.cases.bounds``)."""

    model_config = ConfigDict(extra="forbid")
    outcome: Literal["approved", "rejected", "correction"]
    note: Note = ""
    results: list[ResultIn] = Field(
        default_factory=list, max_length=10, description="办理结果：文书、电子证照"
    )
    correction_items: list[Line] = Field(
        default_factory=list,
        max_length=LINES_MAX,
        description=f"补正：一次性告知的全部内容（至多{LINES_MAX}项，每项至多{LINE_MAX}字）",
    )
    version: int | None = Field(
        default=None, ge=0, le=2**31 - 1, description="读取时的版本；不一致时返回 409"
    )
    paid_amount: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="办结时核定支付的金额（元）；达到本局限额的须另一名经办人复核",
    )


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[Note, StringConstraints(min_length=1)] = Field(description="重新办理的理由")
    version: int | None = Field(
        default=None, ge=0, le=2**31 - 1, description="读取时的版本；不一致时返回 409"
    )


class MaterialFileOut(Schema):
    path: str = Field(description="下载路径（平台地址之后的部分，即签名所覆盖的路径）")
    url: str | None = Field(description="KUAIBAN_PUBLIC_URL + path；未配置时为 null")
    content_type: str
    size: int = Field(description="字节数")
    sha256: str = Field(description="文件的 SHA-256（十六进制）")


class SubCaseMaterialOut(Schema):
    id: int
    code: str
    name: str
    provision: str = Field(description="uploaded、shared、online_form、commitment 或 gap（容缺）")
    due_date: str | None = Field(description="容缺材料的补齐期限")
    file: MaterialFileOut | None = Field(description="没有文件时为 null（与 Webhook 相同）")


class SubCaseDetailOut(Schema):
    id: int
    application: str
    bundle: str
    item: str
    name: str
    agency: str | None
    stage: int
    status: str
    status_label: str
    deadline_state: str
    due_at: str | None
    version: int
    applicant_name: str
    form: dict[str, str]
    materials: list[SubCaseMaterialOut] = Field(
        description="本事项所需的材料，与 Webhook 的 materials 相同"
    )
    check_results: list[dict[str, object]]
    correction_items: list[str]
    decision_note: str
    results: list[dict[str, str]]


def subcase_out(
    subcase: SubCase, *, materials: list[SubCaseMaterialOut] | None = None
) -> SubCaseDetailOut:
    """The sub-case as the API gives it; ``materials`` when already built (see ``accept``)."""
    application = subcase.application
    wanted = {f.key for f in application.frozen.fields}
    return SubCaseDetailOut(
        id=subcase.pk,
        application=application.number,
        bundle=application.bundle.name,
        item=subcase.item.code,
        name=subcase.seed_name,
        agency=subcase.agency.code if subcase.agency else None,
        stage=subcase.stage,
        status=subcase.status,
        status_label=subcase.get_status_display(),
        deadline_state=subcase.deadline_state,
        due_at=timezone.localtime(subcase.due_at).isoformat() if subcase.due_at else None,
        version=subcase.version,
        applicant_name=application.applicant_name,
        form={k: v for k, v in application.form.items() if k in wanted},
        materials=_materials_out(subcase) if materials is None else materials,
        check_results=subcase.check_results,
        correction_items=subcase.correction_items,
        decision_note=subcase.decision_note,
        results=subcase.results,
    )


def _materials_out(subcase: SubCase) -> list[SubCaseMaterialOut]:
    """The item's materials as the webhook lists them (one query for any number)."""
    out = []
    for material in subcase_materials(subcase):
        try:
            entry = material_entry(subcase_id=subcase.pk, material=material)
        except OSError:  # a file without recorded size and digest, unreadable in storage
            raise ApiError(
                f"材料“{material.name}”的文件暂时无法读取，请稍后再试",
                code="storage_unavailable",
                status=503,
            ) from None
        out.append(SubCaseMaterialOut.model_validate(entry))
    return out


class QueueFilter(Schema):
    status: Code = Field(default="", description="子件状态，如 open、accepted")
    number: Code = Field(default="", description="办件编号（前缀）")


class QueueItemOut(Schema):
    id: int
    application: str
    name: str
    status: str
    deadline_state: str
    due_at: str | None

    @staticmethod
    def resolve_application(obj: SubCase) -> str:
        return obj.application.number

    @staticmethod
    def resolve_name(obj: SubCase) -> str:
        return obj.seed_name

    @staticmethod
    def resolve_due_at(obj: SubCase) -> str | None:
        return timezone.localtime(obj.due_at).isoformat() if obj.due_at else None


@router.get("/subcases", response=list[QueueItemOut], summary="本机构待办子件（按剩余时间排序）")
@paginate(BoundedPageNumberPagination, page_size=50)
def queue(request: HttpRequest, filters: Query[QueueFilter]) -> object:
    user, agency = _who(request)
    queryset = subcases_visible_to(user, agency=agency).exclude(status="waiting")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.number:
        queryset = queryset.filter(application__number__startswith=filters.number.strip())
    return queryset.order_by("due_at", "pk")


@router.get(
    "/subcases/{subcase_id}",
    response={200: SubCaseDetailOut, 503: ErrorOut},
    summary="子件详情：事项所需数据与材料",
)
def detail(request: HttpRequest, subcase_id: ObjectId) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    out = subcase_out(subcase)
    # The full form is personal data: every read is audited, once the answer is built.
    if agency is not None:
        subcase_read_record(system=agency, subcase=subcase)
    elif user is not None:
        subcase_read_record(actor=user, subcase=subcase)
    return out


@router.post(
    "/subcases/{subcase_id}/accept",
    response={200: SubCaseDetailOut, 409: ErrorOut, 503: ErrorOut},
    summary="受理子件",
)
def accept(request: HttpRequest, subcase_id: ObjectId) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    # Built before acting: a file unreadable in storage is a 503 before the change, never an
    # error after it was saved (the caller would retry an action that was done).
    materials = _materials_out(subcase)
    return subcase_out(subcase_accept(actor=user, subcase=subcase), materials=materials)


@router.post(
    "/subcases/{subcase_id}/decision",
    response={200: SubCaseDetailOut, 409: ErrorOut, 503: ErrorOut},
    summary="办理结果：办结（含结果）、不予办理（含理由）或补正（一次性告知）",
)
def decision(request: HttpRequest, subcase_id: ObjectId, payload: DecisionIn) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    materials = _materials_out(subcase)  # before acting, as in ``accept``
    decided = subcase_decide(
        actor=user,
        subcase=subcase,
        outcome=Outcome(payload.outcome),
        note=payload.note,
        results=[r.model_dump() for r in payload.results],
        correction_items=payload.correction_items,
        version=payload.version,
        system=agency.code if agency else "",
        paid_amount=payload.paid_amount,
    )
    return subcase_out(decided, materials=materials)


@router.post(
    "/subcases/{subcase_id}/reopen",
    response={200: SubCaseDetailOut, 403: ErrorOut, 409: ErrorOut, 503: ErrorOut},
    summary="重新办理已办结的子件（其后的办结须另一名经办人复核）",
)
def reopen(request: HttpRequest, subcase_id: ObjectId, payload: ReopenIn) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    if user is None:
        raise ApiError("重新办理须由经办人在本平台进行", code="officer_only", status=403)
    materials = _materials_out(subcase)  # before acting, as in ``accept``
    reopened = subcase_reopen(
        actor=user, subcase=subcase, reason=payload.reason, version=payload.version
    )
    return subcase_out(reopened, materials=materials)


# The agencies' file downloads, signed over method and path like every request of theirs: their
# own module, their own authentication (a signature only, no session), mounted here.
router.add_router("/", material_router)
