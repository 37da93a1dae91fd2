"""Display preferences kept in a cookie: large-text mode (适老化) survives across pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

LARGE_TEXT_COOKIE = "kuaiban_large_text"


class DisplayPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.large_text = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)
