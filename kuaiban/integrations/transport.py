"""One JSON POST over a pooled HTTP client (urllib3), for webhooks and the SMS gateway.

The connections to each receiver are kept open and reused (one pool per host, shared by the
delivery threads of a worker): a delivery costs one request, not a TCP handshake as well. No
redirects are followed (a redirect could carry the payload to another host), nothing is retried
here (the outbox retries with back-off), the time limit covers connecting and waiting for the
answer, and only a 2xx status counts as delivered. Anything else raises ``DeliveryFailed`` with
a short reason, never the body we sent.
"""

from __future__ import annotations

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError

from kuaiban.integrations.errors import DeliveryFailed

_USER_AGENT = "kuaiban-outbox/1"
_ANSWER_PEEK = 512
# Connections kept open per receiver: enough for every delivery thread of a worker.
POOL_CONNECTIONS = 64

# retries=False: no retry and no redirect followed (a 3xx is an answer, and not a 2xx).
_http = urllib3.PoolManager(num_pools=256, maxsize=POOL_CONNECTIONS, block=False, retries=False)


def post_json(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` (JSON) to ``url``; the 2xx status, or ``DeliveryFailed``."""
    try:
        response = _http.request(
            "POST",
            url,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": _USER_AGENT}
            | headers,
            timeout=urllib3.Timeout(total=timeout),
            preload_content=False,
            redirect=False,
        )
    except NewConnectionError as error:  # (a subclass of urllib3's TimeoutError: first)
        raise DeliveryFailed(f"无法连接接收方：{_reason(error)}") from None
    except TimeoutError:
        raise DeliveryFailed(f"接收方在 {timeout:g} 秒内没有响应") from None
    except (HTTPError, OSError, ValueError) as error:
        raise DeliveryFailed(f"无法连接接收方：{type(error).__name__}: {_reason(error)}") from None
    try:
        response.read(_ANSWER_PEEK)  # the answer's content does not matter, only its status
    except TimeoutError:
        response.close()
        raise DeliveryFailed(f"接收方在 {timeout:g} 秒内没有响应") from None
    except (HTTPError, OSError):
        response.close()  # the status has arrived; a broken rest of the answer changes nothing
    finally:
        if response.length_remaining != 0:
            response.close()  # an answer longer than we read: this connection is not reused
        response.release_conn()
    status = int(response.status)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"接收方返回 HTTP {status}")
    return status


def _reason(error: BaseException) -> str:
    """urllib3's messages name the connection object; the last part says what happened."""
    text = str(error)
    return text.rsplit(": ", 1)[-1] if ": " in text else text
