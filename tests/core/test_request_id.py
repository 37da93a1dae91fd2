"""Every request has an id: the load balancer's when plausible, else a new one; log lines
carry it, as one JSON object per line in production, masked."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from kuaiban.core.json_logs import JsonLogFormatter
from kuaiban.core.masking import MaskPersonalDataFilter
from kuaiban.core.request_id import (
    RequestIdLogFilter,
    request_id_accept,
    request_id_bound,
    request_id_current,
)

ID = "110101199003074518"


def test_a_plausible_id_is_kept_and_anything_else_replaced():
    assert (
        request_id_accept("0f5c2a9e8d7b6a5f4e3d2c1b0a998877") == "0f5c2a9e8d7b6a5f4e3d2c1b0a998877"
    )
    assert request_id_accept("lb-node1:42.7") == "lb-node1:42.7"
    for bad in ("", "short", "x" * 65, "id with spaces", "id\nforged-line", "<script>1234"):
        made = request_id_accept(bad)
        assert made != bad and len(made) == 32 and made.isalnum()


@pytest.mark.django_db
def test_the_answer_echoes_the_load_balancers_id():
    response = Client().get("/api/v1/packs", headers={"X-Request-ID": "nginx-5f2b8c1d9e"})
    assert response["X-Request-ID"] == "nginx-5f2b8c1d9e"


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one_each_time():
    first = Client().get("/api/v1/packs")["X-Request-ID"]
    second = Client().get("/api/v1/packs")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_id_is_bound_only_inside():
    assert request_id_current() == ""
    with request_id_bound("abc-12345678"):
        assert request_id_current() == "abc-12345678"
    assert request_id_current() == ""


def _configured_console_handler() -> logging.Handler:
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskPersonalDataFilter) for f in h.filters)
    ]
    return handler


def test_production_writes_one_masked_json_object_per_line_with_the_request_id():
    handler = _configured_console_handler()
    assert isinstance(handler.formatter, JsonLogFormatter)  # DEBUG off: production
    assert any(isinstance(f, RequestIdLogFilter) for f in handler.filters)
    logger = logging.getLogger("kuaiban.anything")
    with request_id_bound("req-0123456789"):
        record = logger.makeRecord(
            "kuaiban.anything", logging.WARNING, __file__, 1, "查询 %s\n失败", (ID,), None
        )
        assert handler.filter(record)
    line = handler.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-0123456789"
    assert entry["level"] == "WARNING" and entry["logger"] == "kuaiban.anything"
    assert entry["message"] == "查询 110101********4518\n失败"
    assert ID not in line


def test_a_logged_exception_is_in_the_same_line_masked():
    handler = _configured_console_handler()
    try:
        raise ValueError(f"无法处理 {ID}")
    except ValueError:
        import sys

        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "出错", None, sys.exc_info()
        )
    assert handler.filter(record)
    entry = json.loads(handler.format(record))
    assert "ValueError" in entry["exception"] and ID not in entry["exception"]
    assert "request_id" not in entry  # outside any request


@pytest.mark.django_db
def test_djangos_own_line_about_the_answer_carries_the_id_and_the_id_ends_with_the_request():
    # Django logs "Unauthorized: <path>" after the middleware chain has returned.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client().get(
            "/api/v1/applications/370102-20250303-0001", headers={"X-Request-ID": "lb-401-abcdef"}
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 401
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["request_id"] == "lb-401-abcdef"
    assert request_id_current() == ""
