"""Every error under /api/ is JSON in the API's one shape, whoever produced it.

ninja's exception handlers (`kuaiban.core.errors`) cover what happens inside an endpoint. Some
errors happen around it: Django answers an unknown path with its HTML 404, ninja answers a
wrong method with a plain-text 405, and an exception outside ninja becomes Django's HTML 500
(already logged by Django). This middleware gives those the JSON shape, keeping the status,
the headers such as ``Allow`` and the cookies.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from kuaiban.core.errors import is_json_media_type, status_error_body

API_PREFIX = "/api/"
# Headers that describe the replaced body; the others (Allow, Vary, cookies…) are kept.
_BODY_HEADERS = {"content-type", "content-length", "content-disposition", "content-encoding"}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def _is_json(response: HttpResponseBase) -> bool:
    return is_json_media_type(response.get("Content-Type", "").split(";")[0].strip())


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_path(request.path_info) or _is_json(response):
            return response
        shaped = HttpResponse(
            json.dumps(status_error_body(response.status_code), ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        for header, value in response.items():
            if header.lower() not in _BODY_HEADERS:
                shaped[header] = value
        shaped.cookies = response.cookies
        return shaped
