"""`/api/v1/applications/<number>/rating` and `/api/v1/visits/<id>/rating`: 好差评 by the rater.

201 with the rating; 409 when it was already rated; 404 when it is not the caller's (the
same answer as for a missing one); 422 for a bad level or indicators, or an application that
is not completed yet.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, StrictInt

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import User
from kuaiban.applications.selectors import access_application
from kuaiban.core.errors import ErrorOut, NotFound
from kuaiban.core.openapi import ObjectId
from kuaiban.core.text import Code, Text
from kuaiban.ratings.indicators import COMMENT_MAX, indicator_label
from kuaiban.ratings.models import Rating, RectificationTicket
from kuaiban.ratings.selectors import access_visit_for_rating, ratings_visible_to
from kuaiban.ratings.services import rating_submit, rating_submit_visit

router = Router(tags=["好差评"], auth=api_auth)


Level = Annotated[StrictInt, Field(ge=1, le=5)]


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Level = Field(
        description="评价等级：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意"
    )
    indicators: dict[Code, Level] = Field(
        default_factory=dict,
        max_length=10,
        description=(
            "分项指标等级（1–5）。网上：overall 整体满意度（可省略，等于 level）、efficiency 办事效率、"
            "guide_accuracy 办事指南精确度、convenience 办事便捷度、usability 平台操作性；"
            "窗口：overall、efficiency 服务效率、skill 服务水平、attitude 服务态度"
        ),
    )
    comment: Text = Field(
        default="",
        max_length=COMMENT_MAX,
        description="评价内容；差评（1、2）须说明原因",
    )


class IndicatorOut(Schema):
    code: str
    name: str
    level: int


class TicketBrief(Schema):
    id: int
    status: str
    status_label: str


class RatingOut(Schema):
    id: int
    subject: str
    number: str | None = Field(description="办件编号（一事一评）")
    visit: int | None = Field(description="窗口服务记录（一次一评）")
    level: int
    level_label: str
    indicators: list[IndicatorOut]
    comment: str
    rated_at: str
    is_default: bool
    excluded: bool
    exclusion_reason: str
    ticket: TicketBrief | None = Field(description="差评整改工单（差评时）")


def rating_out(rating: Rating) -> RatingOut:
    ticket = RectificationTicket.objects.filter(rating=rating).first()
    return RatingOut(
        id=rating.pk,
        subject=rating.subject,
        number=rating.application.number if rating.application else None,
        visit=rating.visit_id,
        level=rating.level,
        level_label=str(rating.get_level_display()),
        indicators=[
            IndicatorOut(code=code, name=indicator_label(rating.subject, code), level=level)
            for code, level in rating.indicators.items()
        ],
        comment=rating.comment,
        rated_at=timezone.localtime(rating.rated_at).isoformat(),
        is_default=rating.is_default,
        excluded=rating.excluded,
        exclusion_reason=rating.exclusion_reason,
        ticket=TicketBrief(
            id=ticket.pk, status=ticket.status, status_label=str(ticket.get_status_display())
        )
        if ticket
        else None,
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/applications/{number}/rating",
    response={201: RatingOut, 409: ErrorOut},
    summary="一事一评：申请人评价已办结的办件（一次）",
)
def rate_application(request: HttpRequest, number: Code, payload: RatingIn) -> Status[RatingOut]:
    user = _user(request)
    application = access_application(user=user, number=number)
    if application.applicant_id != user.pk:  # clerks and officers see it, only the applicant rates
        raise NotFound("办件不存在")
    rating = rating_submit(
        actor=user,
        application=application,
        level=payload.level,
        indicators=payload.indicators,
        comment=payload.comment,
    )
    return Status(201, rating_out(rating))


@router.get(
    "/applications/{number}/rating", response=RatingOut, summary="办件的评价（评价人及相关人员）"
)
def application_rating(request: HttpRequest, number: Code) -> RatingOut:
    user = _user(request)
    application = access_application(user=user, number=number)
    # The applicant sees the rating of their own application, including a default one.
    visible = ratings_visible_to(user) | Rating.objects.filter(application__applicant=user)
    rating = visible.filter(application=application).first()
    if rating is None:
        raise NotFound("该办件尚无评价")
    return rating_out(rating)


@router.post(
    "/visits/{visit_id}/rating",
    response={201: RatingOut, 409: ErrorOut},
    summary="一次一评：办事人评价一次窗口服务（一次）",
)
def rate_visit(request: HttpRequest, visit_id: ObjectId, payload: RatingIn) -> Status[RatingOut]:
    user = _user(request)
    visit = access_visit_for_rating(user=user, visit_id=visit_id)
    rating = rating_submit_visit(
        actor=user,
        visit=visit,
        level=payload.level,
        indicators=payload.indicators,
        comment=payload.comment,
    )
    return Status(201, rating_out(rating))
