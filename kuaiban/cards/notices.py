"""Telling the holder what the system did to their card (outbox kind ``card.notify``): today
the temporary hold (临时挂失) that lifted itself after the configured days (`sweeper.py`),
so the holder knows the card works again — and, if it is still lost, to report it again."""

from __future__ import annotations

from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardAction, CardEvent, SocialSecurityCard
from kuaiban.cards.services import temporary_loss_days
from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.notify import Notification, Recipient, notify_send
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.selectors import lookup_person


def _holder(card: SocialSecurityCard) -> Recipient:
    """The holder's account (phone, e-mail) when they have one, else the phone on file in
    shared data (a hold reported through 12333 needs no account); that read is audited."""
    account = (
        User.objects.filter(role=Role.PERSON, id_number=card.id_number, is_active=True)
        .order_by("pk")
        .first()
    )
    phone, email = (account.phone, account.email) if account else ("", "")
    if not phone:
        found = lookup_person(id_number=card.id_number)
        if not found.available:
            raise DeliveryFailed(found.notice)  # the platform is down: try again later
        records_read_audit(
            actor=None, id_number=card.id_number, purpose="社保卡状态变化通知", channel="system"
        )
        phone = found.profile.values.get("person.phone", "") if found.profile else ""
    if not phone and not email:
        raise DeliveryRefused("持卡人没有登记手机号或电子邮箱")
    return Recipient(name=card.name, phone=phone, email=email)


def card_notify_handle(message: OutboxMessage) -> str:
    card = SocialSecurityCard.objects.filter(pk=message.payload.get("card")).first()
    if card is None:
        raise DeliveryRefused(f"社会保障卡记录 {message.payload.get('card')} 不存在")
    if message.payload.get("action") != CardAction.HOLD_LAPSE:
        raise DeliveryRefused(f"无法通知的社保卡操作“{message.payload.get('action')}”")
    event = (
        CardEvent.objects.filter(card=card, action=CardAction.HOLD_LAPSE).order_by("-at").first()
    )
    if event is None:
        raise DeliveryRefused(f"社会保障卡 {card.pk} 没有临时挂失自动解除的记录")
    at = timezone.localtime(event.at)
    notify_send(
        Notification(
            key=message.idempotency_key,
            subject="社保卡临时挂失已自动解除",
            text=(
                f"您尾号{card.number[-4:]}的社会保障卡临时挂失已满{temporary_loss_days()}天，"
                f"未转为正式挂失，已于{at:%Y年%m月%d日 %H:%M}自动解除，卡片恢复使用。"
                "如卡片仍未找回，请立即再次挂失（网上或拨打12333），并持身份证到服务网点"
                "办理正式挂失和补领。"
            ),
            recipients=(_holder(card),),
        )
    )
    return "已通知持卡人"
