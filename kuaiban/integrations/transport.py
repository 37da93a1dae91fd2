"""One signed-or-not JSON POST over the standard library, for webhooks and the SMS gateway.

No redirects are followed (a redirect could carry the payload to another host), the time limit
covers connecting and waiting for the answer, and only a 2xx status counts as delivered.
Anything else raises ``DeliveryFailed`` with a short reason, never the body we sent.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from typing import IO

from kuaiban.core.request_id import HEADER as REQUEST_ID_HEADER
from kuaiban.core.request_id import request_id_current
from kuaiban.integrations.errors import DeliveryFailed

_USER_AGENT = "kuaiban-outbox/1"
_ANSWER_PEEK = 512


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirects())


def _request_id_header() -> dict[str, str]:
    """The id of the request that caused this call (bound by the worker), for the receiver's
    logs and ours to meet."""
    value = request_id_current()
    return {REQUEST_ID_HEADER: value} if value else {}


def post_json(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` (JSON) to ``url``; the 2xx status, or ``DeliveryFailed``."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": _USER_AGENT}
        | _request_id_header()
        | headers,
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
            response.read(_ANSWER_PEEK)  # the answer's content does not matter, only its status
    except urllib.error.HTTPError as error:
        error.close()
        raise DeliveryFailed(f"接收方返回 HTTP {error.code}") from None
    except TimeoutError:
        raise DeliveryFailed(f"接收方在 {timeout:g} 秒内没有响应") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DeliveryFailed(f"接收方在 {timeout:g} 秒内没有响应") from None
        raise DeliveryFailed(f"无法连接接收方：{error.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise DeliveryFailed(f"无法连接接收方：{type(error).__name__}: {error}") from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"接收方返回 HTTP {status}")
    return status
