"""Errors made around the API's endpoints (Django's 404 and 500 pages, ninja's 405) become JSON."""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.test import RequestFactory

from kuaiban.core.api_errors_middleware import ApiErrorShapeMiddleware


def _through(response, path="/api/v1/packs"):
    """``response`` as it leaves the middleware for a GET of ``path``."""
    middleware = ApiErrorShapeMiddleware(lambda request: response)
    return middleware(RequestFactory().get(path))


def test_an_html_500_under_the_api_becomes_the_error_shape():
    response = _through(HttpResponseServerError("<h1>Server Error (500)</h1>"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content) == {
        "error": {"code": "server_error", "message": "服务器内部错误，请稍后再试"}
    }


def test_headers_and_cookies_are_kept():
    original = HttpResponseNotAllowed(["POST"], content=b"Method not allowed")
    original.set_cookie("sessionid", "abc")
    response = _through(original)
    assert json.loads(response.content)["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
    assert response.cookies["sessionid"].value == "abc"


def test_an_unknown_status_gets_a_generic_code():
    response = _through(HttpResponse("<p>teapot</p>", status=418))
    assert json.loads(response.content) == {
        "error": {"code": "http_error", "message": "请求未能完成"}
    }


def test_successes_json_errors_and_other_paths_are_left_alone():
    docs = HttpResponse("<p>docs</p>")
    assert _through(docs) is docs
    shaped = HttpResponse('{"error": {}}', status=404, content_type="application/json")
    assert _through(shaped) is shaped
    page = HttpResponse("<h1>Not Found</h1>", status=404)
    assert _through(page, path="/guides/nowhere/") is page
    assert _through(page, path="/apiary/") is page
