"""Pages: the holder's card (社会保障卡应用状态查询: state, 临时挂失, 解挂, 领卡网点, 密码), 亮证
with a QR that changes every minute, and the clerks' scan page, print queue and window desk."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardAction, CardChannel, CardPoint, SocialSecurityCard
from kuaiban.cards.presenting import card_view, read_audit, verify_audit
from kuaiban.cards.rules import allowed_actions
from kuaiban.cards.selectors import (
    card_current,
    card_holder_phone,
    points_for,
    points_selectable,
    print_queue,
)
from kuaiban.cards.services import (
    card_for_holder,
    card_password_set,
    card_point_choose,
    card_report_loss,
    card_transition,
    card_unloss,
    temporary_loss_days,
)
from kuaiban.cards.showing import (
    KINDS,
    CredentialRefused,
    credentials_for,
    holder_masked,
    show_token,
    show_token_check,
)
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.identifiers import id_number_error
from kuaiban.core.masking import mask_id_number, mask_phone


def _user(request: HttpRequest, *roles: str) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise Http404("页面不存在")
    return user


def _own_card(user: User) -> SocialSecurityCard | None:
    try:
        return card_for_holder(user)
    except NotFound:
        return None


# ---------------------------------------------------------------------------------------------
# The holder
# ---------------------------------------------------------------------------------------------

# 社会保障卡挂失与解挂: a formal loss is done in person, at a point that takes this item.
LOSS_ITEM = "1.10.7"


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.PERSON)
    card = _own_card(user)
    if card is None:
        return render(request, "cards/mine.html", {"view": None})
    read_audit(user, card, channel="web")
    return render(
        request,
        "cards/mine.html",
        {
            "view": card_view(card),
            "points": points_selectable(),
            "Action": CardAction,
            "loss_item": LOSS_ITEM,
        },
    )


def _act(request: HttpRequest, action: str) -> HttpResponse:
    user = _user(request, Role.PERSON)
    card = _own_card(user)
    if card is None:
        raise Http404("没有查到您的社会保障卡")
    try:
        if action == "loss":
            card_report_loss(actor=user, card=card, temporary=True, channel=CardChannel.ONLINE)
            messages.success(request, "已临时挂失，卡片暂停使用。请尽快到服务网点正式挂失并补领。")
        elif action == "unloss":
            card_unloss(actor=user, card=card, channel=CardChannel.ONLINE)
            messages.success(request, "已解除挂失，卡片恢复使用。")
        else:
            point = CardPoint.objects.filter(pk=_int(request.POST.get("point"))).first()
            if point is None:
                raise ApiError("请选择领卡网点")
            card_point_choose(actor=user, card=card, point=point)
            messages.success(request, f"领卡网点已改为{point.name}。")
    except ApiError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("cards:mine"))


def _int(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else 0


def _version(request: HttpRequest) -> int | None:
    """The card's version the page was rendered with (a 409 if someone acted since)."""
    value = request.POST.get("version")
    return _int(value) if value else None


@login_required
@require_POST
def my_card_loss(request: HttpRequest) -> HttpResponse:
    return _act(request, "loss")


@login_required
@require_POST
def my_card_unloss(request: HttpRequest) -> HttpResponse:
    return _act(request, "unloss")


@login_required
@require_POST
def my_card_point(request: HttpRequest) -> HttpResponse:
    return _act(request, "point")


@login_required
@never_cache
def my_card_password(request: HttpRequest) -> HttpResponse:
    """修改 with the old password, or 重置 after entering the account's log-in password again
    (the verified channel online). Nothing typed here is shown back or logged."""
    user = _user(request, Role.PERSON)
    card = _own_card(user)
    if card is None:
        raise Http404("没有查到您的社会保障卡")
    errors: dict[str, str] = {}
    if request.method == "POST":
        mode = request.POST.get("mode", "")
        new_pin = request.POST.get("new_pin", "")
        if new_pin != request.POST.get("new_pin_again", ""):
            errors["new_pin_again"] = "两次输入的新密码不一致"
        elif mode == "reset" and not user.check_password(request.POST.get("login_password", "")):
            errors["login_password"] = "登录密码不正确，不能重置"
        elif mode not in ("change", "reset"):
            errors["mode"] = "请选择修改密码或重置密码"
        else:
            try:
                card_password_set(
                    actor=user,
                    card=card,
                    new_pin=new_pin,
                    old_pin=request.POST.get("old_pin", "") if mode == "change" else None,
                    channel=CardChannel.ONLINE,
                )
            except ApiError as error:
                errors.update(
                    {k: v[0] for k, v in (error.fields or {"mode": [error.message]}).items()}
                )
            else:
                messages.success(request, "社会保障卡密码已更新。")
                return HttpResponseRedirect(reverse("cards:mine"))
    allowed = allowed_actions(card.status, (CardAction.PASSWORD_RESET,))  # type: ignore[arg-type]
    return render(
        request,
        "cards/password.html",
        {"card": card, "errors": errors, "allowed": bool(allowed), "has_pin": bool(card.pin_hash)},
    )


@login_required
@never_cache
def my_credentials(request: HttpRequest) -> HttpResponse:
    """亮证: each valid credential with a QR that the page reloads every minute."""
    user = _user(request, Role.PERSON)
    return render(request, "cards/credentials.html", {"credentials": credentials_for(user)})


@login_required
@never_cache
def my_credential_qr(request: HttpRequest, kind: str) -> HttpResponse:
    user = _user(request, Role.PERSON)
    if kind not in KINDS or not any(c.kind == kind and c.valid for c in credentials_for(user)):
        raise Http404("证照不存在或当前无效")
    url = (
        request.build_absolute_uri(reverse("cards:scan")) + "?t=" + show_token(user=user, kind=kind)
    )
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", scale=6, border=4, title="亮证二维码")
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


# ---------------------------------------------------------------------------------------------
# Clerks
# ---------------------------------------------------------------------------------------------


@login_required
@never_cache
def scan(request: HttpRequest) -> HttpResponse:
    """The clerk's scan page: a phone camera opens the QR's link here; a scanner gun types the
    code into the field."""
    user = _user(request, Role.CLERK, Role.OFFICER)
    token = (request.GET.get("t") or request.POST.get("t") or "").strip()
    result = None
    if token:
        try:
            credential = show_token_check(token[:500])
        except CredentialRefused as refused:
            verify_audit(user, None, outcome=refused.code)
            result = {"valid": False, "reason": refused.reason}
        else:
            verify_audit(user, credential, outcome="ok" if credential.valid else "not_valid")
            result = {
                "valid": credential.valid,
                "reason": "证照真实有效"
                if credential.valid
                else f"证照当前{credential.state_label}",
                "credential": credential,
                "holder": holder_masked(credential),
            }
    return render(request, "cards/scan.html", {"result": result})


QUEUE_ACTIONS = (CardAction.PRODUCE, CardAction.FINISH)
DESK_ACTIONS = (
    CardAction.PRODUCE,
    CardAction.FINISH,
    CardAction.COLLECT,
    CardAction.LOSS_FORMAL,
    CardAction.UNLOSS,
)


@login_required
def print_queue_view(request: HttpRequest) -> HttpResponse:
    """立等可取: the cards to print at the clerk's points, the earliest due first."""
    user = _user(request, Role.CLERK)
    queue = print_queue(points_for(user.region))
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    rows = [
        (card, mask_id_number(card.id_number), allowed_actions(card.status, QUEUE_ACTIONS))  # type: ignore[arg-type]
        for card in page
    ]
    return render(request, "cards/queue.html", {"page": page, "rows": rows})


@login_required
@require_POST
def print_queue_act(request: HttpRequest, card_id: int) -> HttpResponse:
    user = _user(request, Role.CLERK)
    card = print_queue(points_for(user.region)).filter(pk=card_id).first()
    if card is None:
        raise Http404("不在本网点的制卡队列中")
    try:
        action = CardAction(request.POST.get("action", ""))
        if action not in QUEUE_ACTIONS:
            raise ValueError(action)
    except ValueError:
        messages.error(request, "请选择制卡操作")
        return HttpResponseRedirect(reverse("cards:queue"))
    try:
        card_transition(
            actor=user,
            card=card,
            action=action,
            channel=CardChannel.WINDOW,
            version=_version(request),
        )
        messages.success(request, f"{mask_id_number(card.id_number)}：{action.label}")
    except ApiError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("cards:queue"))


# 电话挂失 (12333): the clerk taking the call records a temporary hold for the caller, once the
# caller's identity is checked on the phone; a formal loss still needs the holder at a window.
PHONE_LOSS = "loss_phone"


@login_required
@never_cache
def desk(request: HttpRequest) -> HttpResponse:
    """The window: the holder shows their ID card; the clerk keys in the full number and acts
    (领卡, 正式挂失, 解挂, 制卡), or records a temporary hold the holder reports by phone."""
    user = _user(request, Role.CLERK)
    id_number = (request.POST.get("id_number") or "").strip().upper()
    card, error = None, ""
    if request.method == "POST":
        if id_number_error(id_number) is not None:
            error = "请输入持卡人完整、正确的18位公民身份号码"
        else:
            card = card_current(id_number)
            if card is None:
                error = "没有查到该人员的社会保障卡"
            action = request.POST.get("action", "")
            if card is not None and action:
                card = _desk_act(request, user, card, action)
        if card is not None:
            read_audit(user, card, channel="window")
    actions = allowed_actions(card.status, DESK_ACTIONS) if card else []  # type: ignore[arg-type]
    by_phone = allowed_actions(card.status, (CardAction.LOSS_TEMPORARY,)) if card else []  # type: ignore[arg-type]
    return render(
        request,
        "cards/desk.html",
        {
            "card": card,
            "view": card_view(card) if card else None,
            "actions": actions,
            "phone_loss": bool(by_phone),
            "phone_loss_days": temporary_loss_days(),
            **(_phone_loss_facts(user, card) if card and by_phone else {}),
            "id_number": id_number if card else "",
            "masked": mask_id_number(id_number) if card else "",
            "error": error,
        },
    )


def _phone_loss_facts(user: User, card: SocialSecurityCard) -> dict[str, object]:
    """What the clerk needs on the call: the reserved phone to ask the caller for (masked), and
    the day a hold recorded now lifts itself."""
    phone = card_holder_phone(card=card, actor=user, purpose="电话挂失核实预留手机号")
    lifts = timezone.localdate(timezone.now() + dt.timedelta(days=temporary_loss_days()))
    return {
        "reserved_phone": mask_phone(phone) if phone else "",
        "reserved_phone_unavailable": phone is None,
        "phone_loss_lifts": lifts,
    }


def _phone_loss(request: HttpRequest, user: User, card: SocialSecurityCard) -> SocialSecurityCard:
    if request.POST.get("caller_verified") != "yes":
        messages.error(
            request, "请先核实来电人身份（姓名、公民身份号码、预留手机号）后再登记电话挂失"
        )
        return card
    try:
        card = card_report_loss(actor=user, card=card, temporary=True, channel=CardChannel.PHONE)
    except ApiError as err:
        messages.error(request, err.message)
        return card
    messages.success(
        request,
        f"已登记电话临时挂失，卡片暂停使用；{temporary_loss_days()} 天内未到窗口正式挂失的自动解除。",
    )
    return card


def _desk_act(
    request: HttpRequest, user: User, card: SocialSecurityCard, action: str
) -> SocialSecurityCard:
    if action == PHONE_LOSS:
        return _phone_loss(request, user, card)
    try:
        chosen = CardAction(action)
        if chosen not in DESK_ACTIONS:
            raise ValueError(action)
    except ValueError:
        messages.error(request, "请选择要办理的业务")
        return card
    try:
        if chosen == CardAction.LOSS_FORMAL:
            card = card_report_loss(
                actor=user, card=card, temporary=False, channel=CardChannel.WINDOW
            )
        elif chosen == CardAction.UNLOSS:
            card = card_unloss(actor=user, card=card, channel=CardChannel.WINDOW)
        else:
            card = card_transition(
                actor=user,
                card=card,
                action=chosen,
                channel=CardChannel.WINDOW,
                version=_version(request),
            )
        messages.success(request, f"已办理：{chosen.label}")
    except ApiError as err:
        messages.error(request, err.message)
    return card
