"""`/api/v1/offers` (the caller's own offers, accept, decline) and `/api/v1/proactive/runs`
(an administrator starts a run of a published rule and follows its progress).

Another person's or unit's offer is a 404, like a missing one (`access_offer`).
"""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, ErrorOut, NotFound
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code
from kuaiban.proactive.models import Offer, ProactiveRun, RuleVersion, VersionStatus
from kuaiban.proactive.selectors import access_offer, offer_explain, offers_visible_to
from kuaiban.proactive.services.offers import offer_accept, offer_decline
from kuaiban.proactive.services.runs import run_start, runs_start

router = Router(tags=["免申即办"], auth=api_auth)


class OfferOut(Schema):
    id: int
    rule: str = Field(description="规则代码")
    version: int = Field(description="生成该服务的规则版本号")
    title: str
    status: str = Field(
        description="offered 待确认 / publicised 公示中 / accepted / declined / lapsed / granted / withdrawn"
    )
    status_label: str
    mode: str = Field(description="notify 告知可申请 / confirm 核实确认意愿 / grant 公示后直接享受")
    reason: str = Field(description="符合条件的理由：规则条件在本人数据上的结果")
    amount: str | None = Field(description="金额（元），不涉及资金时为空")
    computation: str = Field(description="金额的计算方法")
    deadline: str | None = Field(description="确认截止日期（confirm）")
    publicity_until: str | None = Field(description="公示截止日期（grant）")
    application: str | None = Field(description="确认办理后生成的办件编号")


def offer_out(offer: Offer) -> OfferOut:
    explained = offer_explain(offer)
    return OfferOut(
        id=offer.pk,
        rule=offer.rule_code,
        version=offer.version.number,
        title=explained.title,
        status=offer.status,
        status_label=str(offer.get_status_display()),
        mode=explained.mode,
        reason=explained.reason,
        amount=None if offer.amount is None else f"{offer.amount:.2f}",
        computation=explained.verdict.computation,
        deadline=offer.deadline.isoformat() if offer.deadline else None,
        publicity_until=offer.publicity_until.isoformat() if offer.publicity_until else None,
        application=offer.application.number if offer.application_id else None,  # type: ignore[union-attr]
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _read_audit(user: User, offers: list[Offer]) -> None:
    for offer in offers:
        audit_record(
            actor=user,
            action=AuditAction.OFFER_READ,
            object_type="offer",
            object_id=str(offer.pk),
            changes={
                "subject": mask_id_number(offer.subject_key)
                if offer.subject_kind == "person"
                else offer.subject_key[:4] + "…"
            },
        )


@router.get("/offers", response=list[OfferOut], summary="本人（本单位）的免申即办服务")
@paginate(BoundedPageNumberPagination, page_size=20)
def offers(request: HttpRequest) -> object:
    user = _user(request)
    page = list(
        offers_visible_to(user).select_related("application").order_by("-created_at", "-pk")
    )
    return _OfferPage(user, page)


class _OfferPage(list):  # type: ignore[type-arg]
    """The offers, explained (with an audited read of the subject's own data) only for the
    page that is served: the paginator slices this list, then ninja iterates the slice."""

    def __init__(self, user: User, offers: list[Offer]) -> None:
        super().__init__(offers)
        self.user = user

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        chosen = super().__getitem__(index)
        if isinstance(index, slice):
            _read_audit(self.user, chosen)
            return [offer_out(o) for o in chosen]
        return chosen


class AcceptedOut(Schema):
    application: str = Field(description="生成的办件编号")


@router.post(
    "/offers/{offer_id}/accept",
    response={201: AcceptedOut, 409: ErrorOut},
    summary="确认办理：生成办件（渠道 proactive，表单已按共享数据填好）",
)
def accept(request: HttpRequest, offer_id: ObjectId) -> Status[AcceptedOut]:
    user = _user(request)
    offer = access_offer(user=user, offer_id=offer_id)
    application = offer_accept(actor=user, offer=offer)
    return Status(201, AcceptedOut(application=application.number))


@router.post(
    "/offers/{offer_id}/decline",
    response={200: OfferOut, 409: ErrorOut},
    summary="放弃该服务",
)
def decline(request: HttpRequest, offer_id: ObjectId) -> OfferOut:
    user = _user(request)
    offer = offer_decline(actor=user, offer=access_offer(user=user, offer_id=offer_id))
    return offer_out(offer)


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: Code = Field(description="规则代码，如 retirement")
    period: Code = Field(description="期间：once，YYYY，或 YYYY-MM（按规则）")


class RunStarted(Schema):
    id: int


class RunsStarted(Schema):
    ids: list[int] = Field(description="每条已发布规则一个比对批次，按规则代码排序")


class RunOut(Schema):
    id: int
    rule: str
    version: int
    period: str
    status: str = Field(description="running 比对中 / done 已完成")
    progress: float = Field(description="已完成分片的比例，0 至 1")
    chunks_total: int
    chunks_done: int
    counts: dict[str, int] = Field(description="eligible 符合条件数，created 新生成服务数")


def _admin(request: HttpRequest) -> User:
    user = _user(request)
    if user.role != Role.ADMIN:
        raise ApiError("只有管理员可以启动和查看比对", code="forbidden", status=403)
    return user


@router.post(
    "/proactive/runs",
    response={202: RunStarted, 409: ErrorOut},
    summary="启动一次比对（管理员）：按分片排入发件箱，由工作进程执行",
)
def run_create(request: HttpRequest, payload: RunIn) -> Status[RunStarted]:
    user = _admin(request)
    version = (
        RuleVersion.objects.filter(rule__code=payload.rule, status=VersionStatus.PUBLISHED)
        .select_related("rule")
        .first()
    )
    if version is None:
        raise NotFound("规则不存在或没有已发布的版本")
    run = run_start(actor=user, version=version, period=payload.period)
    return Status(202, RunStarted(id=run.pk))


@router.post(
    "/proactive/runs/all",
    response={202: RunsStarted},
    summary="启动全部已发布规则本期的比对（管理员）：同一对象类型的规则共用分片，一次读取",
)
def runs_create(request: HttpRequest) -> Status[RunsStarted]:
    user = _admin(request)
    published = RuleVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("rule")
    runs = runs_start(actor=user, versions=list(published.order_by("rule__code")))
    return Status(202, RunsStarted(ids=[run.pk for run in runs]))


@router.get("/proactive/runs/{run_id}", response=RunOut, summary="比对的进度与计数（管理员）")
def run_detail(request: HttpRequest, run_id: ObjectId) -> RunOut:
    _admin(request)
    run = ProactiveRun.objects.select_related("version__rule").filter(pk=run_id).first()
    if run is None:
        raise NotFound("比对不存在")
    return RunOut(
        id=run.pk,
        rule=run.version.rule.code,
        version=run.version.number,
        period=run.period,
        status=run.status,
        progress=round(run.progress, 4),
        chunks_total=run.chunks_total,
        chunks_done=run.chunks_done,
        counts={"eligible": run.eligible, "created": run.created},
    )
