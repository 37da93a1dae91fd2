"""`POST /api/v1/certificates` (issue one of the caller's certificates), the caller's list and
PDFs, and `GET /api/v1/certificates/verify/<code>` (public, throttled)."""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
import math
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.client_ip import client_ip
from kuaiban.applications.progress import Throttled
from kuaiban.certificates.models import Certificate
from kuaiban.certificates.selectors import access_certificate, certificate_verify, certificates_of
from kuaiban.certificates.services import certificate_issue, verify_url
from kuaiban.certificates.signing import SigningUnavailable
from kuaiban.core.errors import ErrorOut, error_body
from kuaiban.core.masking import mask_id_number
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code
from kuaiban.shareddata.access import access_own_person

router = Router(tags=["电子证明与验真"])

Kind = Literal["rights_record", "contribution_proof", "benefit_proof", "unemployment_transfer"]


class CertificateIn(Schema):
    kind: Kind = Field(
        description="rights_record 个人权益记录单 / contribution_proof 个人参保缴费证明 / "
        "benefit_proof 待遇领取证明 / unemployment_transfer 失业保险关系转移证明"
    )


class IssuedOut(Schema):
    code: str = Field(description="验证码")
    kind: str
    issued_at: str
    pdf_url: str = Field(description="带签名的 PDF（需登录本人账号）")
    verify_url: str = Field(description="公开验真页面（即二维码内容）")


class VerifyOut(Schema):
    valid: bool = Field(description="真实且未作废")
    status: str = Field(description="valid 有效 / revoked 已作废")
    kind: str
    kind_label: str
    code: str
    issued_at: str
    holder: str = Field(description="持有人（脱敏）")
    summary: dict[str, str] = Field(description="主要内容（已脱敏）")
    revoked_at: str | None
    revoked_reason: str


def _issued(request: HttpRequest, c: Certificate) -> IssuedOut:
    base = request.build_absolute_uri("/")
    return IssuedOut(
        code=c.code,
        kind=c.kind,
        issued_at=timezone.localtime(c.issued_at).isoformat(),
        pdf_url=request.build_absolute_uri(reverse("api-v1:certificate_pdf", args=[c.code])),
        verify_url=verify_url(c.code, base_url=base),
    )


@router.post(
    "/certificates",
    auth=api_auth,
    response={201: IssuedOut, 404: ErrorOut, 503: ErrorOut},
    summary="开具证明（PDF，带数字签名、电子印章和验真二维码）",
    description="为本人开具。无参保记录、无待遇（待遇领取证明）或无失业保险缴费（转移证明）时 422；"
    "无参保信息 404；签章服务或社会保险信息系统不可用 503。",
)
def certificate_create(
    request: HttpRequest, body: CertificateIn
) -> Status[IssuedOut | dict[str, object]]:
    person = access_own_person(user=request.user)
    try:
        found = certificate_issue(
            actor=request.user,
            person=person,
            kind=body.kind,
            channel="api",
            base_url=request.build_absolute_uri("/"),
        )
    except SigningUnavailable:
        return Status(503, error_body("signing_unavailable", "电子签章服务暂不可用，请稍后再试"))
    return Status(201, _issued(request, found))


@router.get("/certificates", auth=api_auth, response=list[IssuedOut], summary="本人已开具的证明")
@paginate(BoundedPageNumberPagination, page_size=20)
def certificate_list(request: HttpRequest) -> object:
    return [_issued(request, c) for c in certificates_of(request.user)[:1000]]


@router.get(
    "/certificates/{code}/pdf",
    auth=api_auth,
    url_name="certificate_pdf",
    response={200: None, 404: ErrorOut},
    summary="下载本人证明的 PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "带签名的 PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def certificate_pdf(request: HttpRequest, code: Code) -> HttpResponse:
    found = access_certificate(user=request.user, code=code)
    response = HttpResponse(bytes(found.file.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{found.code}.pdf"'
    return response


@router.get(
    "/certificates/verify/{code}",
    auth=None,
    response={200: VerifyOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="证明验真（公开）",
    description="凭验证码查验证明是否真实、是否作废，返回脱敏的主要内容。验证码不存在 404；"
    "同一地址 15 分钟内查错 5 次后暂停 15 分钟；同一地址在一个时段内的查询次数超过上限"
    "（默认 15 分钟 300 次）时暂停到该时段结束；暂停期间 429（带 Retry-After）。",
)
def certificate_verify_api(
    request: HttpRequest, response: HttpResponse, code: Code
) -> Status[VerifyOut | dict[str, object]]:
    try:
        c = certificate_verify(code=code, ip=client_ip(request))
    except Throttled as exc:
        wait = (exc.until - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return Status(429, error_body("throttled", exc.message))
    return Status(
        200,
        VerifyOut(
            valid=c.valid,
            status="valid" if c.valid else "revoked",
            kind=c.kind,
            kind_label=str(c.get_kind_display()),
            code=c.code,
            issued_at=timezone.localtime(c.issued_at).isoformat(),
            holder=f"{c.holder_name[0]}**（{mask_id_number(c.holder_id_number)}）",
            summary={str(k): str(v) for k, v in c.summary.items()},
            revoked_at=timezone.localtime(c.revoked_at).isoformat() if c.revoked_at else None,
            revoked_reason=c.revoked_reason,
        ),
    )
