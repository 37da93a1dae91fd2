"""HMAC-SHA256 signatures between the platform and agencies' own systems.

A signed request carries ``X-Kuaiban-Agency`` (the agency code), ``X-Kuaiban-Timestamp`` (Unix
seconds) and ``X-Kuaiban-Signature: sha256=<hex>`` over ``"<timestamp>." + body``. The same
scheme signs the platform's webhooks and the agencies' decisions; requests older than five
minutes are refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.http import HttpRequest

from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import ApiError

MAX_SKEW_SECONDS = 300


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(
    *, agency_code: str, secret: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "X-Kuaiban-Agency": agency_code,
        "X-Kuaiban-Timestamp": str(timestamp),
        "X-Kuaiban-Signature": sign(secret=secret, body=body, timestamp=timestamp),
    }


def is_signed(request: HttpRequest) -> bool:
    return "X-Kuaiban-Signature" in request.headers


def verify_request(request: HttpRequest, *, now: float | None = None) -> Agency:
    """The agency that signed ``request``; 401 for a missing, stale or wrong signature."""
    code = request.headers.get("X-Kuaiban-Agency", "")
    signature = request.headers.get("X-Kuaiban-Signature", "")
    try:
        timestamp = int(request.headers.get("X-Kuaiban-Timestamp", ""))
    except ValueError:
        raise ApiError("签名时间戳无效", code="bad_signature", status=401) from None
    if abs((now if now is not None else time.time()) - timestamp) > MAX_SKEW_SECONDS:
        raise ApiError("签名已过期，请重新签名", code="bad_signature", status=401)
    agency = Agency.objects.filter(code=code).exclude(webhook_secret="").first()
    expected = (
        sign(secret=agency.webhook_secret, body=request.body, timestamp=timestamp) if agency else ""
    )
    if agency is None or not hmac.compare_digest(expected, signature):
        raise ApiError("签名校验失败", code="bad_signature", status=401)
    return agency
