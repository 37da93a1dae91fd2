"""`/api/v1/applications`: submit (JSON, or multipart with files) and read applications."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import ValidationError

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.authorisations import Act
from kuaiban.accounts.models import User
from kuaiban.applications.hooks import casework
from kuaiban.applications.inputs import ApplicantInput, MaterialChoice, SubmissionInput
from kuaiban.applications.models import (
    Application,
    ApplicationStatus,
    Channel,
    CommitmentKind,
    Provision,
)
from kuaiban.applications.results import application_outcome
from kuaiban.applications.schemas import (
    ApplicationIn,
    ApplicationListItem,
    ApplicationMaterialOut,
    ApplicationOut,
    CorrectionIn,
    SubCaseOut,
)
from kuaiban.applications.selectors import (
    access_application,
    acting_read_audit,
    applications_visible_to,
    may_act,
)
from kuaiban.applications.services import application_submit, submitted_application
from kuaiban.core.errors import (
    ApiError,
    ErrorOut,
    NotFound,
    Unprocessable,
    UnsupportedMediaType,
    is_json_media_type,
    json_body_load,
)
from kuaiban.core.masking import mask_id_number
from kuaiban.core.openapi import component_ref
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code, text_error

router = Router(tags=["办件"], auth=api_auth)

_PROVISION = {
    "upload": Provision.UPLOADED,
    "commitment": Provision.COMMITMENT,
    "gap": Provision.GAP,
}


def _parse(request: HttpRequest) -> tuple[ApplicationIn, dict[str, object]]:
    """The application from a JSON body or a multipart ``application`` part, read as every
    JSON body is (``json_body_load``: one answer for malformed JSON), and its files."""
    content_type = request.content_type or ""
    raw: str | bytes
    if content_type == "multipart/form-data":
        raw = request.POST.get("application", "")
        if not raw:
            raise ApiError(
                "multipart 请求须包含 application 字段（JSON）", code="invalid", status=422
            )
        files: dict[str, object] = {
            k.removeprefix("material."): f for k, f in request.FILES.items()
        }
    elif is_json_media_type(content_type):
        raw, files = request.body or b"{}", {}
    else:
        raise UnsupportedMediaType("请使用 application/json 或 multipart/form-data")
    data = json_body_load(raw)
    if not isinstance(data, dict):
        raise Unprocessable("请求参数不正确", fields={"request": ["应为对象"]})
    try:
        return ApplicationIn.model_validate(data), files
    except ValidationError as exc:
        raise NinjaValidationError(
            [dict(e, loc=("body", *e["loc"])) for e in exc.errors(include_url=False)]
        ) from None


def _submission(payload: ApplicationIn, files: dict[str, object]) -> SubmissionInput:
    materials: dict[str, MaterialChoice] = {}
    for code, how in payload.materials.items():
        materials[code] = MaterialChoice(provide=_PROVISION[how], upload=files.get(code))  # type: ignore[arg-type]
    for code in payload.commitments.materials:
        materials[code] = MaterialChoice(provide=Provision.COMMITMENT)
    for code in files:
        materials.setdefault(code, MaterialChoice(provide=Provision.UPLOADED, upload=files[code]))  # type: ignore[arg-type]
    return SubmissionInput(
        pack=payload.pack,
        bundle=payload.bundle,
        scenario=payload.scenario,
        channel=Channel(payload.channel),
        items=payload.items,
        answers=payload.answers,
        applicant=ApplicantInput(**payload.applicant.model_dump()),
        form=dict(payload.form),
        materials=materials,
        credit_commitment=payload.commitments.credit,
        handling_region=payload.handling_region,
    )


def application_out(application: Application, *, notice: str = "") -> ApplicationOut:
    outcome = application_outcome(application)

    def when(value: object) -> str | None:
        return timezone.localtime(value).isoformat() if value else None  # type: ignore[arg-type]

    return ApplicationOut(
        number=application.number,
        status=application.status,
        status_label=str(ApplicationStatus(application.status).label),
        pack=application.pack.code,
        bundle=application.bundle.code,
        bundle_name=application.bundle.name,
        scenario=application.scenario.code,
        channel=application.channel,
        applicant_name=application.applicant_name,
        applicant_identifier=mask_id_number(
            application.applicant_id_number or application.applicant_credit_code
        ),
        handled_in=application.region.name,
        received_in=application.received_region.name if application.received_region else None,
        submitted_at=when(application.submitted_at) or "",
        promised_due_date=timezone.localtime(application.promised_due_at).date().isoformat(),
        subcases=[
            SubCaseOut(
                id=s.pk,
                item=s.item.code,
                name=s.seed_name,
                agency=s.agency.name if s.agency else None,
                agency_kind=s.agency_kind,
                stage=s.stage,
                status=s.status,
                due_at=when(s.due_at),
            )
            for s in application.subcases.all()
        ],
        materials=[
            ApplicationMaterialOut(
                code=m.code,
                name=m.name,
                provision=m.provision,
                due_date=m.due_date.isoformat() if m.due_date else None,
            )
            for m in application.materials.all()
        ],
        commitments=[
            str(CommitmentKind(c.kind).label) + (f"：{c.material_code}" if c.material_code else "")
            for c in application.commitments.all()
        ],
        shared_data=[f"{u.connector}:{u.record}" for u in application.shared_data_uses.all()],
        burden=application.burden,
        receipt_url=reverse("applications:receipt", args=[application.number]),
        shared_data_notice=notice,
        results=[r.__dict__ for r in outcome.results],
        refused=[{"item": name, "reason": reason} for name, reason in outcome.refused],
        corrections=outcome.corrections,
        correction_notes=[{"item": item, "note": note} for item, note in outcome.correction_notes],
    )


@router.post(
    "/applications",
    response={201: ApplicationOut, 200: ApplicationOut, 404: ErrorOut, 409: ErrorOut},
    summary="提交一件事申请（一张表单、一套材料、一次申请）",
    description=(
        "JSON 请求体，或 multipart/form-data：application 字段为同样的 JSON，文件在 "
        "material.<材料代码> 字段。带 Idempotency-Key 时同一请求重试返回原办件（200，"
        "Idempotent-Replayed: true）；同一键用于不同申请时返回 409；政策包或一件事不存在时返回 404。"
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": component_ref(ApplicationIn)},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "application": {
                                "type": "string",
                                "description": "ApplicationIn 的 JSON",
                            },
                        },
                        "required": ["application"],
                        "additionalProperties": {"type": "string", "format": "binary"},
                    }
                },
            },
            "required": True,
        }
    },
)
def submit(request: HttpRequest) -> HttpResponse:
    payload, files = _parse(request)
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    key = request.headers.get("Idempotency-Key", "")[:120]
    result = application_submit(actor=user, data=_submission(payload, files), idempotency_key=key)
    # A new application is answered from the rows its submission holds (its submitter may
    # always see it); otherwise it is read back through the access helper.
    application = submitted_application(result) or access_application(
        user=user, number=result.application.number
    )
    answer = application_out(application, notice=result.shared_data_notice)
    # ``answer`` was validated when it was built: rendered here, not validated a second time
    # by the framework (a tenth of a submission's CPU went to that); the same JSON, as the
    # API's renderer writes it (UTF-8, Chinese as characters).
    response = HttpResponse(
        answer.model_dump_json(),
        status=201 if result.created else 200,
        content_type="application/json; charset=utf-8",
    )
    if not result.created:
        response["Idempotent-Replayed"] = "true"
    return response


@router.get("/applications", response=list[ApplicationListItem], summary="我的办件（分页）")
@paginate(BoundedPageNumberPagination, page_size=20)
def my_applications(request: HttpRequest) -> QuerySet[Application]:
    return applications_visible_to(request.auth).order_by("-submitted_at")  # type: ignore[attr-defined]


@router.get("/applications/{number}", response=ApplicationOut, summary="办件状态、子件与结果")
def application_detail(request: HttpRequest, number: Code) -> ApplicationOut:
    application = access_application(user=request.auth, number=number)  # type: ignore[attr-defined]
    acting_read_audit(request.auth, application)  # type: ignore[attr-defined]
    return application_out(application)


@router.post(
    "/applications/{number}/correction",
    response={200: ApplicationOut, 409: ErrorOut},
    summary="申请人补正（说明和/或文件，一次提交）",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": CorrectionIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "note": {"type": "string", "description": "补正说明"},
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "description": "补正材料（PDF、JPG、PNG），可多个",
                            },
                        },
                    }
                },
            },
            "required": True,
        }
    },
)
def correction(request: HttpRequest, number: Code) -> ApplicationOut:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    application = access_application(user=user, number=number)
    if not may_act(user, application, Act.APPLY):
        # Clerks and officers may read the application; only its applicant (or a family
        # member authorised to apply for them) answers.
        raise NotFound("办件不存在")
    note, uploads = _correction_parse(request)
    casework().correction_answer(actor=user, application=application, note=note, uploads=uploads)
    return application_out(access_application(user=user, number=number))


def _correction_parse(request: HttpRequest) -> tuple[str, list[UploadedFile]]:
    """The note and files of a correction answer: multipart (``note`` + ``files``) or JSON,
    the JSON read as every body is (``json_body_load``)."""
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        data: object = {"note": request.POST.get("note", "")}
        uploads = request.FILES.getlist("files")
    elif is_json_media_type(content_type):
        data, uploads = json_body_load(request.body or b"{}"), []
    else:
        raise UnsupportedMediaType("请使用 application/json 或 multipart/form-data")
    if not isinstance(data, dict):
        raise Unprocessable("请求参数不正确", fields={"request": ["应为对象"]})
    problem = text_error(str(data.get("note", "")))
    if problem:
        raise Unprocessable("请求参数不正确", fields={"note": [problem]})
    try:
        return CorrectionIn.model_validate(data).note, uploads
    except ValidationError as exc:
        raise NinjaValidationError(
            [dict(e, loc=("body", *e["loc"])) for e in exc.errors(include_url=False)]
        ) from None
