"""`/api/v1/subcases`: officers and agencies' own systems work sub-cases through the API."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security.http import HttpAuthBase
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import User
from kuaiban.cases.material_api import router as material_router
from kuaiban.cases.models import SubCase
from kuaiban.cases.selectors import access_subcase, subcases_visible_to
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from kuaiban.catalogue.models import Agency
from kuaiban.integrations.signing import is_signed, verify_request


class AgencySignatureAuth(HttpAuthBase):
    """An agency's own system, identified by its HMAC signature (现行系统办理)."""

    openapi_scheme = "apiKey"
    openapi_type = "apiKey"
    openapi_name = "X-Kuaiban-Signature"
    openapi_in = "header"

    def __call__(self, request: HttpRequest) -> Agency | None:
        return verify_request(request) if is_signed(request) else None


router = Router(tags=["子件"], auth=[AgencySignatureAuth(), *api_auth])


def _who(request: HttpRequest) -> tuple[User | None, Agency | None]:
    principal = request.auth  # type: ignore[attr-defined]
    if isinstance(principal, Agency):
        return None, principal
    return principal, None


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["document", "e_certificate", "notice"] = "document"
    name: str = Field(max_length=120)
    number: str = Field(default="", max_length=60, description="文书号或电子证照编号")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["approved", "rejected", "correction"]
    note: str = Field(default="", max_length=2000)
    results: list[ResultIn] = Field(default_factory=list, description="办理结果：文书、电子证照")
    correction_items: list[str] = Field(
        default_factory=list, description="补正：一次性告知的全部内容"
    )
    version: int | None = Field(default=None, description="读取时的版本；不一致时返回 409")


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
    materials: list[dict[str, str | None]]
    check_results: list[dict[str, object]]
    correction_items: list[str]
    decision_note: str
    results: list[dict[str, str]]


def subcase_out(subcase: SubCase) -> SubCaseDetailOut:
    application = subcase.application
    wanted = {f["key"] for f in application.snapshot.get("fields", [])}
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
        materials=[
            {
                "code": m.code,
                "name": m.name,
                "provision": m.provision,
                "due_date": m.due_date.isoformat() if m.due_date else None,
            }
            for m in application.materials.all()
        ],
        check_results=subcase.check_results,
        correction_items=subcase.correction_items,
        decision_note=subcase.decision_note,
        results=subcase.results,
    )


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
@paginate(PageNumberPagination, page_size=50)
def queue(request: HttpRequest, status: str = "", number: str = "") -> object:
    user, agency = _who(request)
    queryset = subcases_visible_to(user, agency=agency).exclude(status="waiting")
    if status:
        queryset = queryset.filter(status=status)
    if number:
        queryset = queryset.filter(application__number__startswith=number.strip())
    return queryset.order_by("due_at", "pk")


@router.get(
    "/subcases/{subcase_id}", response=SubCaseDetailOut, summary="子件详情：事项所需数据与材料"
)
def detail(request: HttpRequest, subcase_id: int) -> SubCaseDetailOut:
    user, agency = _who(request)
    return subcase_out(access_subcase(user=user, subcase_id=subcase_id, agency=agency))


@router.post("/subcases/{subcase_id}/accept", response=SubCaseDetailOut, summary="受理子件")
def accept(request: HttpRequest, subcase_id: int) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    return subcase_out(subcase_accept(actor=user, subcase=subcase))


@router.post(
    "/subcases/{subcase_id}/decision",
    response=SubCaseDetailOut,
    summary="办理结果：办结（含结果）、不予办理（含理由）或补正（一次性告知）",
)
def decision(request: HttpRequest, subcase_id: int, payload: DecisionIn) -> SubCaseDetailOut:
    user, agency = _who(request)
    subcase = access_subcase(user=user, subcase_id=subcase_id, agency=agency)
    decided = subcase_decide(
        actor=user,
        subcase=subcase,
        outcome=Outcome(payload.outcome),
        note=payload.note,
        results=[r.model_dump() for r in payload.results],
        correction_items=payload.correction_items,
        version=payload.version,
        system=agency.code if agency else "",
    )
    return subcase_out(decided)


# The agencies' file downloads, signed over method and path (a body signature could not name
# the file): their own module, their own authentication, mounted here.
router.add_router("/", material_router)
