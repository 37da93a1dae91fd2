"""`/api/v1/cards/me` (the holder's card, 社会保障卡应用状态查询), `…/loss` (`{temporary}`),
`…/unloss`, `…/credentials` (亮证 with a fresh signed token each) and
`/api/v1/cards/credentials/verify` (a clerk checks a shown QR).

Only the holder reaches their card: anyone else has none here (404, `access_card`).
"""

# No ``from __future__ import annotations``: ninja reads the schemas' annotations.
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardChannel, SocialSecurityCard
from kuaiban.cards.presenting import CardView, card_view, read_audit, verify_audit
from kuaiban.cards.services import card_for_holder, card_report_loss, card_unloss
from kuaiban.cards.showing import (
    CredentialRefused,
    credentials_for,
    holder_masked,
    show_token,
    show_token_check,
    show_token_expires,
)
from kuaiban.core.errors import ApiError, ErrorOut
from kuaiban.core.text import Line

router = Router(tags=["社会保障卡"], auth=api_auth)


class CardPointOut(Schema):
    name: str
    address: str
    instant_print: bool = Field(description="立等可取：网点可当场制卡")


class CardEventOut(Schema):
    at: str
    action: str = Field(description="业务名称，如 临时挂失、解挂、领卡")
    status: str = Field(description="办理后的卡状态（中文）")
    channel: str = Field(description="办理渠道（中文）")
    note: str


class CardOut(Schema):
    number: str = Field(description="社会保障卡卡号（本人可见全号）")
    status: str = Field(
        description="applied 已申领 / making 制卡中 / ready 待领取 / collected 已领卡 / enabled 已启用 / "
        "bank_activated 银行账户已激活 / normal 正常 / temporary_loss 临时挂失 / formal_loss 正式挂失 / "
        "replaced 已补换（原卡作废） / cancelled 已注销"
    )
    status_label: str
    ecard_state: str = Field(
        description="电子社保卡：valid / not_issued / pending / suspended / invalid"
    )
    ecard_label: str
    point: CardPointOut | None = Field(description="领卡网点")
    due_at: str | None = Field(description="制卡期限（立等可取为当天）")
    hold_until: str | None = Field(description="临时挂失自动解除时间")
    replaced_by: str | None = Field(description="原卡补换后新卡的卡号")
    can: list[str] = Field(description="本人现在可办理的业务：loss_temporary、unloss 等")
    history: list[CardEventOut] = Field(description="业务记录，最近的在前（最多 20 条）")


def _local(moment: dt.datetime) -> str:
    """Times in Beijing time, as the pages show them."""
    return timezone.localtime(moment).isoformat()


def card_out(view: CardView) -> CardOut:
    card = view.card
    return CardOut(
        number=card.number,
        status=card.status,
        status_label=str(card.get_status_display()),
        ecard_state=view.ecard_state,
        ecard_label=view.ecard_label,
        point=CardPointOut(
            name=card.point.name, address=card.point.address, instant_print=card.point.instant_print
        )
        if card.point
        else None,
        due_at=_local(card.due_at) if card.due_at and view.in_production else None,
        hold_until=_local(card.hold_until) if card.hold_until else None,
        replaced_by=view.replaced_by,
        can=[str(a) for a in view.self_service],
        history=[
            CardEventOut(
                at=_local(e.at),
                action=str(e.get_action_display()),
                status=str(e.get_to_status_display()),
                channel=str(e.get_channel_display()),
                note=e.note,
            )
            for e in view.history
        ],
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _mine(request: HttpRequest) -> SocialSecurityCard:
    return card_for_holder(_user(request))


@router.get(
    "/cards/me",
    response={200: CardOut, 404: ErrorOut},
    summary="本人的社会保障卡及电子社保卡状态（社会保障卡应用状态查询）",
)
def card_me(request: HttpRequest) -> CardOut:
    user = _user(request)
    card = card_for_holder(user)
    read_audit(user, card, channel="api")
    return card_out(card_view(card))


class CardLossIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    temporary: bool = Field(
        description="true 临时挂失（网上即时生效，到期未正式挂失的自动解除）；"
        "false 正式挂失须到服务网点办理（答复 409）"
    )


@router.post(
    "/cards/me/loss",
    response={200: CardOut, 404: ErrorOut, 409: ErrorOut},
    summary="挂失本人的社会保障卡（网上为临时挂失）",
)
def card_me_loss(request: HttpRequest, payload: CardLossIn) -> CardOut:
    user = _user(request)
    card = card_report_loss(
        actor=user, card=_mine(request), temporary=payload.temporary, channel=CardChannel.ONLINE
    )
    return card_out(card_view(card))


@router.post(
    "/cards/me/unloss",
    response={200: CardOut, 404: ErrorOut, 409: ErrorOut},
    summary="解除临时挂失（正式挂失须到服务网点解挂）",
)
def card_me_unloss(request: HttpRequest) -> CardOut:
    user = _user(request)
    card = card_unloss(actor=user, card=_mine(request), channel=CardChannel.ONLINE)
    return card_out(card_view(card))


class CardCredentialOut(Schema):
    kind: str = Field(
        description="card 电子社会保障卡 / employment_card 就业创业证 / graduation 技工院校毕业证书"
    )
    title: str
    number_masked: str
    state: str = Field(description="valid 有效；其他状态不出示二维码")
    state_label: str
    token: str | None = Field(description="亮证码（签名，每分钟更新）；证照无效时为空")
    expires_at: str | None = Field(description="该亮证码失效的时间")


@router.get(
    "/cards/me/credentials",
    response=list[CardCredentialOut],
    summary="亮证：本人的电子证照及其亮证码（二维码内容，每分钟更新，截图无效）",
)
def credentials_me(request: HttpRequest) -> list[CardCredentialOut]:
    user = _user(request)
    expires = _local(show_token_expires())
    return [
        CardCredentialOut(
            kind=c.kind,
            title=c.title,
            number_masked=c.number_masked,
            state=c.state,
            state_label=c.state_label,
            token=show_token(user=user, kind=c.kind) if c.valid else None,
            expires_at=expires if c.valid else None,
        )
        for c in credentials_for(user)
    ]


class CardVerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Line = Field(description="扫描亮证二维码得到的亮证码")


class CardHolderOut(Schema):
    name: str = Field(description="持证人姓名（脱敏）")
    id_number: str = Field(description="公民身份号码（脱敏）")


class CardVerifyOut(Schema):
    valid: bool = Field(description="亮证码真实、未过期，且证照当前有效")
    code: str = Field(
        description="ok / expired 已过期 / forged 非本平台签发或被改动 / not_found / not_valid 证照当前无效"
    )
    reason: str
    kind: str | None
    title: str | None
    number_masked: str | None
    state_label: str | None
    holder: CardHolderOut | None


@router.post(
    "/cards/credentials/verify",
    response={200: CardVerifyOut},
    summary="核验亮证二维码（柜员、经办人员）",
)
def credential_verify(request: HttpRequest, payload: CardVerifyIn) -> CardVerifyOut:
    user = _user(request)
    if user.role not in (Role.CLERK, Role.OFFICER):
        raise ApiError("只有柜员和经办人员可以核验亮证", code="forbidden", status=403)
    try:
        credential = show_token_check(payload.token)
    except CredentialRefused as refused:
        verify_audit(user, None, outcome=refused.code)
        return CardVerifyOut(
            valid=False,
            code=refused.code,
            reason=refused.reason,
            kind=None,
            title=None,
            number_masked=None,
            state_label=None,
            holder=None,
        )
    verify_audit(user, credential, outcome="ok" if credential.valid else "not_valid")
    return CardVerifyOut(
        valid=credential.valid,
        code="ok" if credential.valid else "not_valid",
        reason="证照真实有效" if credential.valid else f"证照当前{credential.state_label}",
        kind=credential.kind,
        title=credential.title,
        number_masked=credential.number_masked,
        state_label=credential.state_label,
        holder=CardHolderOut(**holder_masked(credential)),
    )
