"""`/api/v1/authorisations`: 亲情代办 — the grantor's and the agent's authorisations, grant,
revoke. Another person's authorisation is a 404, like a missing one (`access_authorisation`).
"""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import Forbidden, api_auth
from kuaiban.accounts.authorisations import (
    Act,
    access_authorisation,
    authorisation_grant,
    authorisation_revoke,
    authorisations_visible_to,
)
from kuaiban.accounts.models import Authorisation, Role, User
from kuaiban.core.errors import ErrorOut
from kuaiban.core.masking import mask_id_number
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code, Line

router = Router(tags=["亲情代办"], auth=api_auth)


class AuthorisationOut(Schema):
    id: int
    grantor: str = Field(description="委托人姓名")
    grantor_id_number: str = Field(description="委托人身份证号（脱敏）")
    agent: str = Field(description="代办人姓名")
    agent_id_number: str = Field(description="代办人身份证号（脱敏）")
    relation: str
    acts: list[str] = Field(
        description="may_apply 代为申请 / may_query 代为查询 / may_receive 代为领取结果"
    )
    valid_from: str
    valid_until: str
    active: bool = Field(description="今天是否有效（未撤销、在有效期内）")
    revoked_at: str | None


def authorisation_out(found: Authorisation) -> AuthorisationOut:
    return AuthorisationOut(
        id=found.pk,
        grantor=found.grantor.display_name or found.grantor.username,
        grantor_id_number=mask_id_number(found.grantor.id_number),
        agent=found.agent.display_name or found.agent.username,
        agent_id_number=mask_id_number(found.agent.id_number),
        relation=found.relation,
        acts=[act.value for act in Act if getattr(found, act.value)],
        valid_from=found.valid_from.isoformat(),
        valid_until=found.valid_until.isoformat(),
        active=found.is_active_on(timezone.localdate()),
        revoked_at=timezone.localtime(found.revoked_at).isoformat() if found.revoked_at else None,
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get(
    "/authorisations",
    response=list[AuthorisationOut],
    summary="本人给出的和收到的亲情代办授权（柜员：本地区群众的）",
)
@paginate(BoundedPageNumberPagination, page_size=20)
def authorisations(request: HttpRequest) -> object:
    found = authorisations_visible_to(_user(request)).order_by("-created_at", "-pk")
    return [authorisation_out(a) for a in found[:500]]


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent_id_number: Code = Field(description="代办人身份证号（须已注册实名账号）")
    relation: Line = Field(description="与委托人关系，如 子女")
    acts: list[Act] = Field(min_length=1, max_length=3, description="授权代办的内容")
    valid_from: dt.date
    valid_until: dt.date = Field(description="截止日期（含当日），最长三年")
    grantor_id_number: Code = Field(
        "", description="委托人身份证号：仅综合柜员在窗口为其登记时填写"
    )


@router.post(
    "/authorisations",
    response={201: AuthorisationOut},
    summary="授权家庭成员代办（本人，或综合柜员在窗口登记）",
)
def grant(request: HttpRequest, payload: GrantIn) -> Status[AuthorisationOut]:
    user = _user(request)
    if user.role not in (Role.PERSON, Role.CLERK):
        raise Forbidden("亲情代办授权由本人作出，或由综合柜员在窗口登记")
    found = authorisation_grant(
        actor=user,
        agent_id_number=payload.agent_id_number,
        grantor_id_number=payload.grantor_id_number,
        relation=payload.relation,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        acts=set(payload.acts),
    )
    return Status(201, authorisation_out(found))


@router.post(
    "/authorisations/{authorisation_id}/revoke",
    response={200: AuthorisationOut, 409: ErrorOut},
    summary="撤销授权（委托人、代办人或窗口柜员）：代办人即刻不能再查看或办理",
)
def revoke(request: HttpRequest, authorisation_id: ObjectId) -> AuthorisationOut:
    user = _user(request)
    found = access_authorisation(user=user, authorisation_id=authorisation_id)
    return authorisation_out(authorisation_revoke(actor=user, authorisation=found))
