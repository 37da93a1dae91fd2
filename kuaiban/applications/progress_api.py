"""`GET /api/v1/progress`: the public progress look-up (no log-in; throttled like log-ins)."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from kuaiban.accounts.client_ip import client_ip
from kuaiban.applications.progress import Throttled, progress_lookup
from kuaiban.core.errors import ErrorOut, error_body
from kuaiban.core.text import Code

router = Router(tags=["办件进度查询"])


class ProgressSubCaseOut(Schema):
    name: str = Field(description="事项名称")
    status: str
    status_label: str
    due_at: str | None = Field(description="办结期限（补正期间暂停计时，答复后顺延）")


class OwedOut(Schema):
    kind: str = Field(description="material：容缺后补的材料；correction：待补正的内容")
    name: str
    due_date: str | None = Field(description="补齐期限（容缺材料）")


class ProgressResultOut(Schema):
    item: str = Field(description="事项名称")
    name: str = Field(description="办理结果名称（不含文书编号）")


class ProgressOut(Schema):
    number: str
    bundle: str = Field(description="一件事名称")
    status: str
    status_label: str
    subcases: list[ProgressSubCaseOut]
    owed: list[OwedOut] = Field(description="申请人尚需提供的全部内容")
    results: list[ProgressResultOut] = Field(description="已办结事项的办理结果（仅名称）")
    refused: list[str] = Field(description="不予办理或终止的事项名称（原因见办理结果通知书）")
    next_step: str = Field(
        description="全部事项办结后：到哪里领取办理结果，不予办理时向谁咨询；未办结时为空"
    )


@router.get(
    "/progress",
    auth=None,
    response={200: ProgressOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="办件进度查询（公开，凭办件编号和证件号码后4位）",
    description=(
        "无需登录。number 为受理回执上的办件编号，id_tail 为申请人身份证号或统一社会信用代码的"
        "后4位。只返回状态、各事项进度和尚需提供的内容，不含姓名和证件号码。编号不存在与后4位"
        "不符同样返回 404；同一地址 15 分钟内查错 5 次后暂停 15 分钟，期间返回 429（code 为 "
        "throttled，并带 Retry-After 秒数）。"
    ),
)
def progress(
    request: HttpRequest, response: HttpResponse, number: Code = "", id_tail: Code = ""
) -> Status[ProgressOut | dict[str, object]]:
    try:
        found = progress_lookup(number=number, id_tail=id_tail, ip=client_ip(request))
    except Throttled as exc:
        wait = (exc.until - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return Status(429, error_body("throttled", exc.message))
    return Status(
        200,
        ProgressOut(
            number=found.number,
            bundle=found.bundle,
            status=found.status,
            status_label=found.status_label,
            subcases=[
                ProgressSubCaseOut(
                    name=s.name,
                    status=s.status,
                    status_label=s.status_label,
                    due_at=timezone.localtime(s.due_at).isoformat() if s.due_at else None,
                )
                for s in found.subcases
            ],
            owed=[
                OwedOut(
                    kind=o.kind,
                    name=o.name,
                    due_date=o.due_date.isoformat() if o.due_date else None,
                )
                for o in found.owed
            ],
            results=[ProgressResultOut(item=r.item, name=r.name) for r in found.results],
            refused=found.refused,
            next_step=found.next_step,
        ),
    )
