"""Notification channels: pluggable adapters that tell people something (申请人, 经办人员, 监督人员).

``KUAIBAN_NOTIFY_CHANNELS`` names the channels, comma-separated: ``console`` (the default: one
masked log line per recipient), ``email`` (Django's ``send_mail``, so ``EMAIL_BACKEND`` decides
how), ``sms`` (a JSON POST per recipient to the gateway at ``KUAIBAN_SMS_URL``), or the dotted
path of any class with a ``send(notification)`` method. A channel raises ``DeliveryFailed`` to
have the whole notification retried; the SMS gateway gets an ``Idempotency-Key`` per recipient
so a retry does not text anyone twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
from dataclasses import dataclass
from typing import Protocol

from django.core.mail import send_mail
from django.utils.module_loading import import_string

from kuaiban.core.masking import mask_phone, mask_text
from kuaiban.integrations import conf
from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.transport import post_json

logger = logging.getLogger("kuaiban.notify")


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Notification:
    key: str  # the outbox message's idempotency key
    subject: str
    text: str
    recipients: tuple[Recipient, ...]


class NotifyChannel(Protocol):
    name: str

    def send(self, notification: Notification) -> None: ...


class ConsoleChannel:
    """Writes who would be told what to the log; personal numbers are masked."""

    name = "console"

    def send(self, notification: Notification) -> None:
        if not notification.recipients:
            logger.info("通知（无接收人）%s：%s", notification.subject, notification.text)
        for recipient in notification.recipients:
            to = recipient.name + (f" {mask_phone(recipient.phone)}" if recipient.phone else "")
            logger.info(mask_text(f"通知 {to}｜{notification.subject}：{notification.text}"))


class EmailChannel:
    """One mail per recipient with an address (nobody sees the others' addresses)."""

    name = "email"

    def send(self, notification: Notification) -> None:
        for recipient in notification.recipients:
            if not recipient.email:
                continue
            try:
                send_mail(
                    subject=f"【快办】{notification.subject}",
                    message=notification.text,
                    from_email=None,
                    recipient_list=[recipient.email],
                    fail_silently=False,
                )
            except (OSError, smtplib.SMTPException) as error:
                raise DeliveryFailed(f"邮件发送失败：{type(error).__name__}: {error}") from None


class SmsChannel:
    """The bureau's SMS gateway: ``POST KUAIBAN_SMS_URL {to, text}`` for each recipient."""

    name = "sms"

    def send(self, notification: Notification) -> None:
        url = conf.sms_url()
        if not url:
            raise DeliveryRefused("已启用短信通知，但没有配置短信网关地址 KUAIBAN_SMS_URL")
        headers = {"Authorization": f"Bearer {conf.sms_token()}"} if conf.sms_token() else {}
        for recipient in notification.recipients:
            if not recipient.phone:
                continue
            # Per recipient and message, without putting the number itself in the key.
            tag = hashlib.sha256(recipient.phone.encode()).hexdigest()[:12]
            body = json.dumps(
                {"to": recipient.phone, "text": f"【快办】{notification.text}"},
                ensure_ascii=False,
            ).encode()
            post_json(
                url=url,
                body=body,
                headers=headers | {"Idempotency-Key": f"{notification.key}:sms:{tag}"},
                timeout=conf.webhook_timeout(),
            )


CHANNELS: dict[str, type[NotifyChannel]] = {
    "console": ConsoleChannel,
    "email": EmailChannel,
    "sms": SmsChannel,
}


def channels_configured() -> list[NotifyChannel]:
    channels: list[NotifyChannel] = []
    for name in conf.notify_channels():
        try:
            cls = CHANNELS[name] if name in CHANNELS else import_string(name)
        except ImportError:
            raise DeliveryRefused(f"未知的通知渠道“{name}”（KUAIBAN_NOTIFY_CHANNELS）") from None
        channels.append(cls())
    return channels


def notify_send(notification: Notification) -> None:
    """Through every configured channel; the first failure stops and the message is retried."""
    for channel in channels_configured():
        channel.send(notification)
