"""Writes for social security cards: every change goes through `card_transition`.

One transaction per change: the rule table says what the action does (`rules.py`), a
conditional UPDATE on the card's version and state makes two clerks acting at once get one
winner and a 409, and the change is recorded as a `CardEvent` with its actor and an audit row.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.calendar.arithmetic import end_of_day
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import due_at
from kuaiban.cards.models import (
    CardAction,
    CardChannel,
    CardEvent,
    CardPoint,
    CardStatus,
    SocialSecurityCard,
)
from kuaiban.cards.rules import IN_HAND, LOST, transition_target
from kuaiban.cards.selectors import access_card, card_current
from kuaiban.catalogue.models import Region
from kuaiban.catalogue.regions import region_and_above
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.core.masking import mask_card_number, mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.shareddata.selectors import lookup_person

# 判断: 零星制发 5 个工作日（000 附件2 序号8 “社会保障卡申领”承诺时限）；有制卡设备的网点立等可取，当天制成。
SMALL_BATCH_LIMIT = TimeLimit(LimitUnit.WORKING_DAYS, 5)


def temporary_loss_days() -> int:
    """How long a temporary hold (临时挂失) lasts before it lifts itself, in calendar days."""
    return int(settings.KUAIBAN_CARD_TEMPORARY_LOSS_DAYS)


def card_transition(
    *,
    actor: User | None,
    card: SocialSecurityCard,
    action: CardAction,
    channel: CardChannel,
    note: str = "",
    application_number: str = "",
    version: int | None = None,
    **changes: Any,
) -> SocialSecurityCard:
    """Apply ``action`` to ``card`` if the rule table allows it and nobody acted meanwhile."""
    old = CardStatus(card.status)
    target = transition_target(status=old, action=action, held_status=card.held_status)
    now = timezone.now()
    changes["hold_until"] = (
        now + dt.timedelta(days=temporary_loss_days())
        if target == CardStatus.TEMPORARY_LOSS
        else None
    )
    if target in LOST:
        changes["held_status"] = old if old in IN_HAND else card.held_status
    else:
        changes["held_status"] = ""
    if action == CardAction.COLLECT:
        changes["collected_at"] = now
    expected = card.version if version is None else version
    with transaction.atomic():
        updated = SocialSecurityCard.objects.filter(
            pk=card.pk, version=expected, status=old
        ).update(status=target, version=F("version") + 1, **changes)
        if updated != 1:
            raise Conflict("该卡刚刚已被办理，请刷新后查看最新状态", code="concurrent_update")
        card.refresh_from_db()
        _record(
            actor=actor,
            card=card,
            action=action,
            old=old,
            channel=channel,
            note=note,
            application_number=application_number,
            at=now,
        )
    return card


def _record(
    *,
    actor: User | None,
    card: SocialSecurityCard,
    action: CardAction,
    old: CardStatus | None,
    channel: CardChannel,
    note: str,
    application_number: str,
    at: dt.datetime,
) -> None:
    CardEvent.objects.create(
        card=card,
        action=action,
        from_status=old or "",
        to_status=card.status,
        channel=channel,
        actor=actor,
        note=note[:200],
        application_number=application_number,
        at=at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CARD_CHANGE,
        object_type="card",
        object_id=str(card.pk),
        changes={
            "action": str(action),
            "from": str(old or ""),
            "to": card.status,
            "channel": str(channel),
            "card": mask_card_number(card.number),
            "holder": mask_id_number(card.id_number),
            "application": application_number,
        },
    )


# ---------------------------------------------------------------------------------------------
# A new card: 申领, 补领/换领/换发, or a card already held adopted from the card registry
# ---------------------------------------------------------------------------------------------


def point_default(region: Region | None) -> CardPoint | None:
    """The point a new card goes to unless the holder chooses: one in the region (a printing
    one first), else in the region above it."""
    if region is None:
        return None
    for region_id in region_and_above(region.pk):
        points = CardPoint.objects.filter(region_id=region_id)
        point = points.order_by("-instant_print", "code").first()
        if point is not None:
            return point
    return None


def production_due(point: CardPoint | None, *, now: dt.datetime) -> dt.datetime | None:
    """立等可取 at a printing point: the same day; elsewhere the 零星制发 limit."""
    if point is not None and point.instant_print:
        return end_of_day(timezone.localtime(now).date())
    try:
        return due_at(start=now, limit=SMALL_BATCH_LIMIT)
    except CalendarNotConfigured:
        return None  # the calendar ends too soon: no due date rather than a guessed one


def card_create(
    *,
    actor: User | None,
    id_number: str,
    name: str,
    region: Region | None,
    channel: CardChannel,
    bank_name: str = "",
    application_number: str = "",
    replaces: SocialSecurityCard | None = None,
    point: CardPoint | None = None,
) -> SocialSecurityCard:
    """A new card record in 已申领, headed for ``point`` (or the region's default point)."""
    id_number = id_number.strip().upper()
    live = SocialSecurityCard.objects.filter(id_number=id_number).exclude(
        status__in=[CardStatus.REPLACED, CardStatus.CANCELLED]
    )
    if live.exists():
        raise Conflict(
            "该人员已持有社会保障卡，不能再次申领；遗失请挂失后补领，损坏请换领",
            code="card_already_held",
        )
    now = timezone.now()
    point = point or point_default(region)
    with transaction.atomic():
        card = SocialSecurityCard.objects.create(
            number=f"pending-{uuid.uuid4().hex}",
            id_number=id_number,
            name=name.strip()[:40],
            region=region,
            status=CardStatus.APPLIED,
            point=point,
            due_at=production_due(point, now=now),
            bank_name=bank_name.strip()[:80],
            replaces=replaces,
            application_number=application_number,
            applied_at=now,
        )
        card.number = card_number_for(region_code=region.code if region else "", pk=card.pk)
        card.save(update_fields=["number"])
        note = "" if replaces is None else f"补换原卡 {mask_card_number(replaces.number)}"
        _record(
            actor=actor,
            card=card,
            action=CardAction.APPLY,
            old=None,
            channel=channel,
            note=note,
            application_number=application_number,
            at=now,
        )
    return card


def card_number_for(*, region_code: str, pk: int) -> str:
    """发卡地区代码 + K + 9 digits of the record's key: unique, readable on the phone."""
    return f"{(region_code or '000000')[:6]}K{pk:09d}"


def card_adopt(
    *, actor: User | None, id_number: str, name: str, number: str, region: Region | None
) -> SocialSecurityCard:
    """A card the person already holds according to the card registry (shared data), taken
    into the lifecycle as 正常 the first time something is done with it."""
    now = timezone.now()
    with transaction.atomic():
        card = SocialSecurityCard.objects.create(
            number=number,
            id_number=id_number.strip().upper(),
            name=name.strip()[:40],
            region=region,
            status=CardStatus.NORMAL,
            applied_at=now,
            collected_at=now,
        )
        _record(
            actor=actor,
            card=card,
            action=CardAction.ADOPT,
            old=None,
            channel=CardChannel.SYSTEM,
            note="社会保障卡持卡库中的在用卡",
            application_number="",
            at=now,
        )
    return card


REGISTRY_KIND = "social_security_card"  # the card's e-certificate kind in shared data


def card_from_registry(
    *, actor: User | None, id_number: str, name: str = "", region: Region | None = None
) -> SocialSecurityCard | None:
    """The card the card registry (shared data) shows for a person without a card record,
    taken in (`card_adopt`); None when the registry shows none, or shows a number we already
    hold (replaced or cancelled here: our record wins)."""
    lookup = lookup_person(id_number=id_number)
    values = lookup.profile.values if lookup.profile else {}
    number = values.get(f"e_certificate.{REGISTRY_KIND}", "").strip()
    if not number or SocialSecurityCard.objects.filter(number=number).exists():
        return None
    return card_adopt(
        actor=actor,
        id_number=id_number,
        name=values.get("person.name", "") or name,
        number=number,
        region=region,
    )


def card_for_holder(user: User) -> SocialSecurityCard:
    """The holder's own card (`access_card`), the registry's card taken in on first sight."""
    if user.role == Role.PERSON and user.id_number and card_current(user.id_number) is None:
        card_from_registry(actor=user, id_number=user.id_number, region=user.region)
    return access_card(user=user)


def card_replace(
    *,
    actor: User | None,
    card: SocialSecurityCard,
    action: CardAction,
    channel: CardChannel,
    reason: str,
    application_number: str = "",
    point: CardPoint | None = None,
) -> SocialSecurityCard:
    """补领 (REISSUE) or 换领/换发 (EXCHANGE): the old card becomes invalid, a new card with a
    new number is made, collected at ``point`` (else where the old one was). Returns the new
    card."""
    if action not in (CardAction.REISSUE, CardAction.EXCHANGE):
        raise ValueError(action)
    if SocialSecurityCard.objects.filter(replaces=card).exists():
        raise Conflict("原卡已补换过新卡，请查询新卡的状态", code="card_invalid_state")
    with transaction.atomic():
        old = card_transition(
            actor=actor,
            card=card,
            action=action,
            channel=channel,
            note=reason,
            application_number=application_number,
        )
        return card_create(
            actor=actor,
            id_number=old.id_number,
            name=old.name,
            region=old.region,
            channel=channel,
            bank_name=old.bank_name,
            application_number=application_number,
            replaces=old,
            point=point or old.point,
        )


# ---------------------------------------------------------------------------------------------
# What the holder does
# ---------------------------------------------------------------------------------------------


def card_report_loss(
    *, actor: User | None, card: SocialSecurityCard, temporary: bool, channel: CardChannel
) -> SocialSecurityCard:
    """临时挂失 (online or by phone; lifts itself after the configured days) or 正式挂失
    (at a window only: it leads to 补领)."""
    if not temporary and channel not in (CardChannel.WINDOW, CardChannel.SUBCASE):
        raise Conflict(
            "正式挂失须本人持身份证到社会保障卡服务网点办理；网上和电话可先办理临时挂失",
            code="card_formal_loss_at_window",
        )
    action = CardAction.LOSS_TEMPORARY if temporary else CardAction.LOSS_FORMAL
    note = f"{temporary_loss_days()} 天内未正式挂失的自动解除" if temporary else ""
    return card_transition(actor=actor, card=card, action=action, channel=channel, note=note)


def card_unloss(
    *, actor: User | None, card: SocialSecurityCard, channel: CardChannel
) -> SocialSecurityCard:
    """解挂: a temporary hold online or by phone; a formal loss only at a window."""
    if card.status == CardStatus.FORMAL_LOSS and channel not in (
        CardChannel.WINDOW,
        CardChannel.SUBCASE,
    ):
        raise Conflict(
            "正式挂失的卡须本人持身份证和原卡到服务网点办理解挂", code="card_formal_loss_at_window"
        )
    return card_transition(actor=actor, card=card, action=CardAction.UNLOSS, channel=channel)


def card_point_choose(
    *, actor: User, card: SocialSecurityCard, point: CardPoint
) -> SocialSecurityCard:
    """The holder chooses where to collect the card; a printing point makes it the same day."""
    now = timezone.now()
    return card_transition(
        actor=actor,
        card=card,
        action=CardAction.POINT_CHOOSE,
        channel=CardChannel.ONLINE,
        note=point.name,
        point=point,
        due_at=production_due(point, now=now),
    )


PIN_LENGTH = 6


def pin_problem(pin: str) -> str | None:
    """Why a new card password is refused, or None. Six digits, not one digit repeated and not
    a straight run (123456, 654321): the bank's minimum for a card password."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        return "密码须为 6 位数字"
    if len(set(pin)) == 1:
        return "密码不能是同一数字重复"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {-1}):
        return "密码不能是连续数字"
    return None


def card_password_set(
    *,
    actor: User | None,
    card: SocialSecurityCard,
    new_pin: str,
    channel: CardChannel,
    old_pin: str | None = None,
) -> SocialSecurityCard:
    """修改 (with the old password) or 重置 (the caller verified the holder: a window checking
    the ID card, or the holder's own log-in password again online). Only a one-way hash is
    kept; the event says that it happened, never the value."""
    problem = pin_problem(new_pin)
    if problem:
        raise Unprocessable(problem, fields={"new_pin": [problem]})
    if old_pin is not None:
        if not card.pin_hash or not check_password(old_pin, card.pin_hash):
            message = "原密码不正确；忘记密码请选择重置密码"
            raise Unprocessable(message, fields={"old_pin": [message]})
        action = CardAction.PASSWORD_CHANGE
    else:
        action = CardAction.PASSWORD_RESET
    return card_transition(
        actor=actor, card=card, action=action, channel=channel, pin_hash=make_password(new_pin)
    )
