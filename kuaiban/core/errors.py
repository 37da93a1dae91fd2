"""The API's one error shape: ``{"error": {"code", "message", "fields"?}}`` with the right status."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.log import log_response
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from kuaiban.core.text import CONTROL_MESSAGE, text_error


class ApiError(Exception):
    """Raised by views and services for a client mistake; rendered as JSON, never a 500."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        if code:
            self.code = code
        if status:
            self.status = status


def error_text(exc: ApiError) -> str:
    """The error and every field's message in one line, for a page's flash message."""
    problems = [m for messages in (exc.fields or {}).values() for m in messages]
    return "；".join([exc.message, *problems])


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Unprocessable(ApiError):
    status = 422
    code = "invalid"


class Conflict(ApiError):
    status = 409
    code = "conflict"


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


# pydantic's messages are English; the people reading ours are not.
_PYDANTIC_MESSAGES = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "model_type": "应为对象",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "too_long": "项数过多",
    "bool_type_strict": "应为 true 或 false",
    "finite_number": "应为有限的数字",
}


def _message(err: dict[str, Any]) -> str:
    return _PYDANTIC_MESSAGES.get(str(err.get("type", "")), str(err.get("msg", "")))


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja reports ("query", "working_days") or ("body", "payload", "items", 0); keep the useful part.
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "request"


# What an error status means, for errors that do not come from our own ApiError: ninja's
# HttpError (English messages), Django's 404 and 405, an unexpected exception.
_STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求不正确"),
    401: ("unauthenticated", "需要登录或有效的访问令牌"),
    403: ("forbidden", "无权进行此操作"),
    404: ("not_found", "请求的地址或对象不存在"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    413: ("request_too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体应为 JSON（Content-Type: application/json）"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
}


def status_error_body(status: int) -> dict[str, Any]:
    """The error body for a bare HTTP status (no message of ours to give)."""
    if status in _STATUS_ERRORS:
        return error_body(*_STATUS_ERRORS[status])
    if status >= 500:
        return error_body(*_STATUS_ERRORS[500])
    return error_body("http_error", "请求未能完成")


class MalformedJson(ApiError):
    status = 400
    code = "malformed_json"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


def is_json_media_type(content_type: str) -> bool:
    """application/json, or a JSON-based type such as application/merge-patch+json."""
    return content_type == "application/json" or content_type.endswith("+json")


def _refuse_constant(name: str) -> Any:
    # json.loads takes NaN, Infinity and -Infinity, which JSON does not have; as money or a
    # count they would crash a check or be stored as "nan".
    raise MalformedJson(f"请求体不是有效的 JSON（不支持 {name}）")


def _control_fields(value: Any, path: str, found: dict[str, list[str]]) -> None:
    """Every string and key of ``value`` with a control character, by its dotted path."""
    if isinstance(value, str):
        problem = text_error(value)
        if problem:
            found.setdefault(path or "request", []).append(problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            if text_error(key):  # the key itself is not echoed back
                found.setdefault(path or "request", []).append(f"字段名{CONTROL_MESSAGE}")
                continue
            _control_fields(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _control_fields(item, f"{path}.{index}" if path else str(index), found)


def json_body_load(raw: bytes | str) -> Any:
    """The one JSON reading of a request body (a JSON request or a multipart JSON part).

    Malformed JSON, and the NaN/Infinity that Python's reader takes, are a 400
    ``malformed_json``; a string or key with a control character is a 422 naming the field.
    """
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise MalformedJson("请求体不是有效的 JSON") from None
    found: dict[str, list[str]] = {}
    _control_fields(data, "", found)
    if found:
        raise Unprocessable("请求参数不正确", fields=found)
    return data


class JSONBodyParser(Parser):
    """ninja's body parser, refusing a body that is not JSON with our errors.

    ninja calls it only for endpoints that take a JSON body, and only when there is a body.
    For the JSON parts of a multipart upload ninja passes a bare request without a content
    type: those are parsed as JSON as before.
    """

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        content_type = request.content_type
        if content_type is not None and not is_json_media_type(content_type):
            raise UnsupportedMediaType(_STATUS_ERRORS[415][1])
        return json_body_load(request.body)  # type: ignore[no-any-return]


class ErrorDetail(Schema):
    code: str = Field(
        description=(
            "错误代码，如 invalid、malformed_json、unauthenticated、forbidden、not_found、"
            "conflict、request_too_large、too_many_fields、too_many_files、throttled。"
        )
    )
    message: str = Field(description="给人看的错误说明。")
    fields: dict[str, list[str]] | None = Field(
        default=None, description="按字段列出的错误（仅参数不正确时）。"
    )


class ErrorOut(Schema):
    """The one error shape, as the OpenAPI document gives it."""

    error: ErrorDetail


def request_body_error(exc: SuspiciousOperation | MultiPartParserError) -> ApiError:
    """Django's refusal of an oversized, overfull or broken request body, as our error.

    The limits are set deliberately in settings (``DATA_UPLOAD_MAX_*``); the request guard
    refuses most such requests before a view runs, this covers what only parsing can see
    (a small body with too many fields, or one sent without its length).
    """
    if isinstance(exc, RequestDataTooBig):
        return ApiError(_STATUS_ERRORS[413][1], code="request_too_large", status=413)
    if isinstance(exc, TooManyFieldsSent):
        return ApiError("请求中的字段过多", code="too_many_fields", status=400)
    if isinstance(exc, TooManyFilesSent):
        return ApiError("一次上传的文件过多", code="too_many_files", status=400)
    if isinstance(exc, MultiPartParserError):
        return ApiError("multipart 请求体格式不正确", code="bad_request", status=400)
    return ApiError(_STATUS_ERRORS[400][1], code="bad_request", status=400)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error the API gives has the one shape, with a Chinese message; a 500 is logged.

    The body parser belongs here too: it is where a malformed or non-JSON body is noticed.
    """
    api.parser = JSONBodyParser()

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.fields), status=exc.status
        )

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(MultiPartParserError)
    def _request_body(
        request: HttpRequest, exc: SuspiciousOperation | MultiPartParserError
    ) -> HttpResponse:
        return _api_error(request, request_body_error(exc))

    @api.exception_handler(RawPostDataException)
    def _read_twice(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # A multipart body sent to an endpoint that takes JSON: its stream is already read.
        return _api_error(request, UnsupportedMediaType(_STATUS_ERRORS[415][1]))

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_location(err.get("loc", ())), []).append(_message(err))
        return api.create_response(
            request, error_body("invalid", "请求参数不正确", fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, status_error_body(401), status=401)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps whatever the body parser raises in HttpError(400, "Cannot parse…").
        if isinstance(exc.__cause__, ApiError):
            return _api_error(request, exc.__cause__)
        return api.create_response(
            request, status_error_body(exc.status_code), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, status_error_body(404), status=404)

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback (personal data masked by the logging filter), never sent.
        response = api.create_response(request, status_error_body(500), status=500)
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )
        return response
