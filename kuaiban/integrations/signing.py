"""HMAC-SHA256 signatures between the platform and agencies' own systems.

A signed request carries ``X-Kuaiban-Agency`` (the agency code), ``X-Kuaiban-Timestamp`` (Unix
seconds) and ``X-Kuaiban-Signature: sha256=<hex>``. Two messages are signed with the agency's
``webhook_secret``:

- **body signatures** over ``"<timestamp>." + body``: the platform's webhooks and the agencies'
  POSTs (``POST /api/v1/subcases/<id>/accept`` and ``…/decision``);
- **path signatures** over ``"<METHOD>\\n<path>\\n<timestamp>\\n" + body``: the agencies'
  GETs (the queue ``/api/v1/subcases``, the detail ``/api/v1/subcases/<id>``, the file downloads
  ``/api/v1/subcases/<id>/materials/<material id>/file``), whose body is empty, so the
  signature must name the path: a signature for one sub-case or file is no key to another.

A path message starts with the method, a body message with digits, so a signature made for one
scheme is never valid in the other. Requests more than five minutes away from the platform's
clock are refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

from django.http import HttpRequest

from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import ApiError

MAX_SKEW_SECONDS = 300


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def path_message(*, method: str, path: str, timestamp: int, body: bytes = b"") -> bytes:
    """What a path signature covers: the method, the path and the timestamp, then the body."""
    return f"{method.upper()}\n{path}\n{timestamp}\n".encode() + body


def sign_path(*, secret: str, method: str, path: str, timestamp: int, body: bytes = b"") -> str:
    message = path_message(method=method, path=path, timestamp=timestamp, body=body)
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    *, agency_code: str, secret: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "X-Kuaiban-Agency": agency_code,
        "X-Kuaiban-Timestamp": str(timestamp),
        "X-Kuaiban-Signature": sign(secret=secret, body=body, timestamp=timestamp),
    }


def signed_path_headers(
    *, agency_code: str, secret: str, method: str, path: str, now: float | None = None
) -> dict[str, str]:
    """The headers of a path-signed request without a body (an agency's GET: a read, a file)."""
    timestamp = int(now if now is not None else time.time())
    signature = sign_path(secret=secret, method=method, path=path, timestamp=timestamp)
    return {
        "X-Kuaiban-Agency": agency_code,
        "X-Kuaiban-Timestamp": str(timestamp),
        "X-Kuaiban-Signature": signature,
    }


def is_signed(request: HttpRequest) -> bool:
    return "X-Kuaiban-Signature" in request.headers


def verify_request(request: HttpRequest, *, now: float | None = None) -> Agency:
    """The agency that signed ``request``'s body; 401 for a missing, stale or wrong signature."""
    return _verify(
        request,
        now=now,
        expected=lambda secret, timestamp: sign(
            secret=secret, body=request.body, timestamp=timestamp
        ),
    )


def verify_path_request(request: HttpRequest, *, now: float | None = None) -> Agency:
    """The agency that signed ``request``'s method and path (``path_info``: the path after the
    platform's base URL, as the webhook gives it; the query string is not signed)."""
    return _verify(
        request,
        now=now,
        expected=lambda secret, timestamp: sign_path(
            secret=secret,
            method=request.method or "",
            path=request.path_info,
            timestamp=timestamp,
            body=request.body,
        ),
    )


def _verify(
    request: HttpRequest, *, now: float | None, expected: Callable[[str, int], str]
) -> Agency:
    code = request.headers.get("X-Kuaiban-Agency", "")
    signature = request.headers.get("X-Kuaiban-Signature", "")
    try:
        timestamp = int(request.headers.get("X-Kuaiban-Timestamp", ""))
    except ValueError:
        raise ApiError("签名时间戳无效", code="bad_signature", status=401) from None
    if abs((now if now is not None else time.time()) - timestamp) > MAX_SKEW_SECONDS:
        raise ApiError("签名已过期，请重新签名", code="bad_signature", status=401)
    agency = Agency.objects.filter(code=code).exclude(webhook_secret="").first()
    wanted = expected(agency.webhook_secret, timestamp) if agency else ""
    # As bytes: compare_digest refuses str with non-ASCII characters (a 500 for bad input).
    if agency is None or not hmac.compare_digest(
        wanted.encode(), signature.encode(errors="replace")
    ):
        raise ApiError("签名校验失败", code="bad_signature", status=401)
    return agency
