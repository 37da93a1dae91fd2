"""The client's address, used as half of the log-in throttle key."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or — behind ``KUAIBAN_TRUSTED_PROXY_COUNT`` reverse proxies that append to
    X-Forwarded-For — the address the outermost trusted proxy saw. Entries further left are
    written by the client and could be forged to dodge the throttle, so they are never used."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = settings.KUAIBAN_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote[:45]
    forwarded = [
        part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote[:45]
    return forwarded[-proxies][:45]
