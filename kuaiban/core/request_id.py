"""The request id: one per request at the web node, carried to the outbox and its deliveries.

The web node takes the load balancer's ``X-Request-ID`` when it is a plausible id (nginx sets
``$request_id``) or makes one, answers with it, and binds it for the request's thread. Every
log line of that thread carries it (``RequestIdLogFilter``), an outbox message written during
the request stores it, and the worker binds the message's id while it delivers the message:
its log lines carry it and the outgoing HTTP call sends it as ``X-Request-ID``.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "X-Request-ID"
MAX_LENGTH = 64
# Letters, digits and - _ . : only: the id goes into log lines and headers as it is.
_PLAUSIBLE = re.compile(r"[A-Za-z0-9._:-]{8,64}")

_current: ContextVar[str] = ContextVar("kuaiban_request_id", default="")


def request_id_current() -> str:
    """The id bound to this thread's request or delivery, or ""."""
    return _current.get()


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str:
    """The caller's id when it is plausible, else a new one."""
    value = (value or "").strip()
    return value if _PLAUSIBLE.fullmatch(value) else request_id_new()


@contextmanager
def request_id_bound(value: str) -> Iterator[str]:
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """First in the chain, so every other middleware's log lines carry the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request_id_accept(request.headers.get(HEADER))
        request.request_id = value  # type: ignore[attr-defined]
        with request_id_bound(value):
            response = self.get_response(request)
        response[HEADER] = value
        return response


class RequestIdLogFilter(logging.Filter):
    """Puts ``request_id`` on every record (empty outside a request or a delivery).

    Django logs its line about a 4xx/5xx answer ("Not Found: …") after the middleware chain has
    returned, with the request on the record: the id is read from the request then.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            request = getattr(record, "request", None)
            record.request_id = _current.get() or getattr(request, "request_id", "")
        return True
