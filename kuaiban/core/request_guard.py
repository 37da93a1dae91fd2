"""Requests refused before any view runs: too large, too many fields or files, control characters.

Django has the limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``,
``DATA_UPLOAD_MAX_NUMBER_FILES``) but raises them from inside whatever first reads the body, so
an API endpoint answered them with its catch-all 500. Here they are applied once, for pages and
API alike, and answered in the API's error shape (413 for size, 400 for counts). The limits are
set in settings; ``KUAIBAN_REQUEST_MAX_BYTES`` caps a whole multipart upload, whose files are
each checked again against ``KUAIBAN_UPLOAD_MAX_BYTES`` by ``applications.uploads``.

Text from the path, the query string and form fields is refused here too when it holds a
control character or a direction override (``kuaiban.core.text``); JSON bodies are checked by
the API's body parser, which alone knows where a field is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.utils.html import escape

from kuaiban.core.api_errors_middleware import is_api_path
from kuaiban.core.errors import ApiError, NotFound, error_body, request_body_error
from kuaiban.core.openapi import MAX_OBJECT_ID
from kuaiban.core.text import CONTROL_MESSAGE, is_ascii_digits, text_error

_ID_DIGITS = len(str(MAX_OBJECT_ID))

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return int(settings.KUAIBAN_REQUEST_MAX_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _has_control(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(text_error(key) or any(text_error(v) for v in values) for key, values in pairs)


def _is_page_form(request: HttpRequest) -> bool:
    """A form posted to a page. The API parses its own bodies, so that a body of the wrong
    type still gets its 415 there (its errors map Django's limits the same way)."""
    return (
        request.method == "POST"
        and request.content_type in _FORM_TYPES
        and not is_api_path(request.path_info)
    )


def _names_no_object(path: str) -> bool:
    """A number in the path too large for any database id: it names nothing (and would
    overflow the id column in a query, a 500)."""
    return any(
        is_ascii_digits(part)
        and (len(part) > _ID_DIGITS or (len(part) == _ID_DIGITS and int(part) > MAX_OBJECT_ID))
        for part in path.split("/")
    )


def _refusal(request: HttpRequest) -> ApiError | None:
    if text_error(request.path_info):
        return ApiError(f"请求地址{CONTROL_MESSAGE}", code="bad_request", status=400)
    if _names_no_object(request.path_info):
        return NotFound("请求的地址或对象不存在")
    if _content_length(request) > _body_limit(request):
        return request_body_error(RequestDataTooBig())
    try:
        if _has_control(request.GET.lists()):
            return ApiError(f"查询参数{CONTROL_MESSAGE}", code="bad_request", status=400)
        # Parsing a page's form here applies the field and file counts; views read the result.
        if _is_page_form(request) and _has_control(request.POST.lists()):
            return ApiError(f"表单内容{CONTROL_MESSAGE}", code="bad_request", status=400)
    except (SuspiciousOperation, MultiPartParserError) as exc:
        return request_body_error(exc)
    return None


def _response(request: HttpRequest, error: ApiError) -> HttpResponse:
    if is_api_path(request.path_info):
        return HttpResponse(
            json.dumps(error_body(error.code, error.message), ensure_ascii=False),
            status=error.status,
            content_type="application/json; charset=utf-8",
        )
    page = (
        '<!doctype html><html lang="zh-hans"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>请求未被受理</title><h1>请求未被受理</h1><p>{escape(error.message)}</p>"
        '<p><a href="/">返回首页</a>　·　如需帮助请拨打 12333</p></html>'
    )
    return HttpResponse(page, status=error.status, content_type="text/html; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        error = _refusal(request)
        if error is not None:
            return _response(request, error)
        return self.get_response(request)
