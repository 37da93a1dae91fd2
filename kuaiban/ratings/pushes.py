"""Pushing ratings to the provincial 好差评 system (“第一时间推送至省好差评系统”).

Every rating, and every later change to whether it counts (误评 / 恶意评价 excluded, or
restored on review), is written to the outbox as a ``rating.push`` message in the same
transaction as the change. The payload is complete when it is written — the push says what
was true at that moment, and the ID number in it is already masked — so delivering it needs
no database: ``rating_push_deliver(payload)`` POSTs it as JSON with an ``Idempotency-Key``
header and raises on anything but a 2xx answer, so that the outbox worker retries it.
The fields are documented in ``kuaiban/ratings/README.md``.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from kuaiban.core.masking import mask_id_number
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.integrations.transport import post_json
from kuaiban.ratings import conf
from kuaiban.ratings.indicators import indicators_for
from kuaiban.ratings.models import Rating, RatingSubject

SCHEMA = "kuaiban.rating/1"

# 评价渠道
CHANNEL_ONLINE = "online"  # 网上服务一事一评（网站、移动端、接口）
CHANNEL_WINDOW = "window"  # 窗口服务一次一评
CHANNEL_DEFAULT = "default"  # 超期未评，系统默认评价

_CHANNEL_LABELS = {
    CHANNEL_ONLINE: "网上评价",
    CHANNEL_WINDOW: "窗口评价",
    CHANNEL_DEFAULT: "默认评价",
}


def push_key(rating: Rating, *, change: int | None = None) -> str:
    """``rating.push:<id>`` for the rating itself, ``rating.push:<id>:<n>`` for later changes."""
    return f"rating.push:{rating.pk}" if change is None else f"rating.push:{rating.pk}:{change}"


def rating_push_enqueue(*, rating: Rating, action: str, change: int | None = None) -> None:
    """Call inside the transaction that changes the rating (no dual writes)."""
    key = push_key(rating, change=change)
    outbox_enqueue(
        kind=OutboxKind.RATING_PUSH, key=key, payload=rating_push_payload(rating, key, action)
    )


def _channel(rating: Rating) -> str:
    if rating.is_default:
        return CHANNEL_DEFAULT
    return CHANNEL_WINDOW if rating.subject == RatingSubject.VISIT else CHANNEL_ONLINE


def _rater(rating: Rating) -> dict[str, str]:
    application = rating.application or (rating.visit.application if rating.visit else None)
    if application is not None:
        name = application.applicant_name
        id_number = application.applicant_id_number
        credit_code = application.applicant_credit_code
    else:
        person = rating.visit.applicant if rating.visit else None
        name = rating.visit.applicant_name if rating.visit else ""
        id_number = person.id_number if person else ""
        credit_code = person.credit_code if person else ""
    if id_number:
        kind, number = "居民身份证", id_number
    elif credit_code:
        kind, number = "统一社会信用代码", credit_code
    else:
        kind, number = "", ""
    return {"name": name, "id_type": kind, "id_number": mask_id_number(number) if number else ""}


def rating_push_payload(rating: Rating, key: str, action: str) -> dict[str, Any]:
    """The document the provincial system receives; README.md describes every field."""
    application = rating.application or (rating.visit.application if rating.visit else None)
    items = (
        [
            {"code": s.item.code, "name": s.seed_name}
            for s in application.subcases.select_related("item").order_by("stage", "pk")
        ]
        if application is not None
        else []
    )
    labels = indicators_for(rating.subject)
    channel = _channel(rating)
    return {
        "schema": SCHEMA,
        "push_id": key,
        "action": action,
        "rating_id": rating.pk,
        "subject": rating.subject,
        "number": application.number if application else None,
        "bundle": {"code": application.bundle.code, "name": application.bundle.name}
        if application
        else None,
        "items": items,
        "channel": channel,
        "channel_label": _CHANNEL_LABELS[channel],
        "level": rating.level,
        "level_label": str(rating.get_level_display()),
        "indicators": [
            {"code": code, "name": labels.get(code, code), "level": level}
            for code, level in rating.indicators.items()
        ],
        "comment": rating.comment,
        "rated_at": timezone.localtime(rating.rated_at).isoformat(),
        "is_default": rating.is_default,
        "real_name": rating.real_name,
        "accepted": not rating.excluded,
        "exclusion_reason": rating.exclusion_reason,
        "agency": {"code": rating.agency.code, "name": rating.agency.name}
        if rating.agency
        else None,
        "region": {"code": rating.region.code, "name": rating.region.name},
        "rater": _rater(rating),
        "visit": {
            "id": rating.visit.pk,
            "visited_at": timezone.localtime(rating.visit.visited_at).isoformat(),
        }
        if rating.visit
        else None,
    }


def rating_push_deliver(payload: dict[str, Any]) -> None:
    """POST ``payload`` to ``KUAIBAN_RATING_PUSH_URL``; raise unless the answer is 2xx.

    ``DeliveryFailed`` (receiver down, slow, non-2xx) is retried by the outbox worker with
    back-off; ``DeliveryRefused`` (no address configured, no push id) makes a dead letter for an
    administrator to resend once the cause is fixed. The receiver deduplicates by the
    ``Idempotency-Key`` header, which is the outbox key: a retried push counts once.
    """
    url = conf.push_url()
    if not url:
        raise DeliveryRefused("未配置省好差评系统的接收地址 KUAIBAN_RATING_PUSH_URL")
    key = payload.get("push_id")
    if not isinstance(key, str) or not key:
        raise DeliveryRefused("推送内容缺少 push_id")
    headers = {"Idempotency-Key": key}
    if conf.push_token():
        headers["Authorization"] = f"Bearer {conf.push_token()}"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    post_json(url=url, body=body, headers=headers, timeout=conf.push_timeout())


def rating_push_handle(message: OutboxMessage) -> str:
    """The outbox handler for ``rating.push`` (the worker's ``Handler`` signature)."""
    rating_push_deliver(message.payload)
    return ""
