"""HMAC-SHA256 signatures between the platform and agencies' own systems.

A signed request carries ``X-Kuaiban-Agency`` (the agency code), ``X-Kuaiban-Timestamp`` (Unix
seconds) and ``X-Kuaiban-Signature: sha256=<hex>``, keyed with the agency's ``webhook_secret``.
One rule per direction:

- **every request an agency's system sends us** (GET or POST: the queue, a detail, a file, an
  accept, a decision) is signed over ``"<METHOD>\\n<path>\\n<timestamp>\\n" + body``
  (``verify_path_request``): the signature names the request, so a captured one — an accept
  with its empty body, a decision without ``version`` — opens no other sub-case or file;
- **every webhook we send** is signed over ``"<timestamp>." + body`` (``signed_headers``): its
  receiver's address is fixed per agency, so there is no path to name.

A path message starts with the method, a body message with digits, so a signature made for one
scheme is never valid in the other: a body signature sent to us is refused (with a hint to sign
method and path), and a captured webhook cannot be replayed against the platform. Requests more
than five minutes away from the platform's clock are refused, so a captured request cannot be
replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest

from kuaiban.core.errors import ApiError

_S = TypeVar("_S")

MAX_SKEW_SECONDS = 300
# The message of a refused signature says what to sign, for an agency that signed the old way.
_SCHEME = "“方法\\n路径\\n时间戳\\n请求体”"
_WRONG = f"签名校验失败：请用本机构的密钥对{_SCHEME}签名"
_BODY_ONLY = f"签名须覆盖请求方法与路径：不再接受仅对“时间戳.请求体”的签名，请对{_SCHEME}签名"


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
    """The headers of a webhook we send (signed over timestamp and body); never accepted from
    an agency's system."""
    timestamp = int(now if now is not None else time.time())
    return {
        "X-Kuaiban-Agency": agency_code,
        "X-Kuaiban-Timestamp": str(timestamp),
        "X-Kuaiban-Signature": sign(secret=secret, body=body, timestamp=timestamp),
    }


def signed_path_headers(
    *,
    agency_code: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    now: float | None = None,
) -> dict[str, str]:
    """The headers of a request an agency's system sends us (a read, a file, an accept, a
    decision): signed over method, path, timestamp and body."""
    timestamp = int(now if now is not None else time.time())
    signature = sign_path(secret=secret, method=method, path=path, timestamp=timestamp, body=body)
    return {
        "X-Kuaiban-Agency": agency_code,
        "X-Kuaiban-Timestamp": str(timestamp),
        "X-Kuaiban-Signature": signature,
    }


def is_signed(request: HttpRequest) -> bool:
    return "X-Kuaiban-Signature" in request.headers


def verify_path_request(
    request: HttpRequest,
    *,
    signer_of: Callable[[str], tuple[_S, str] | None],
    now: float | None = None,
) -> _S:
    """The signer of ``request`` over its method, path, timestamp and body (the path is
    ``path_info``: the path after the platform's base URL, as the webhook gives it; the query
    string is not signed). ``signer_of`` gives the signer named by ``X-Kuaiban-Agency`` and its
    secret, or None. 401 for a missing, stale or wrong signature, and for a signature over the
    body alone (the old scheme for POSTs, the webhooks' scheme), with a hint to sign method
    and path."""
    code = request.headers.get("X-Kuaiban-Agency", "")
    signature = request.headers.get("X-Kuaiban-Signature", "").encode(errors="replace")
    stamp = request.headers.get("X-Kuaiban-Timestamp", "")
    # Unix seconds: digits only, and few enough that the comparison below cannot overflow.
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise ApiError("签名时间戳无效", code="bad_signature", status=401)
    timestamp = int(stamp)
    if abs((now if now is not None else time.time()) - timestamp) > MAX_SKEW_SECONDS:
        raise ApiError("签名已过期，请重新签名", code="bad_signature", status=401)
    found = signer_of(code)
    if found is None or not found[1]:
        raise ApiError(_WRONG, code="bad_signature", status=401)
    signer, secret = found
    body = request.body
    wanted = sign_path(
        secret=secret,
        method=request.method or "",
        path=request.path_info,
        timestamp=timestamp,
        body=body,
    )
    # As bytes: compare_digest refuses str with non-ASCII characters (a 500 for bad input).
    if hmac.compare_digest(wanted.encode(), signature):
        return signer
    if hmac.compare_digest(sign(secret=secret, body=body, timestamp=timestamp).encode(), signature):
        raise ApiError(_BODY_ONLY, code="bad_signature", status=401)
    raise ApiError(_WRONG, code="bad_signature", status=401)
