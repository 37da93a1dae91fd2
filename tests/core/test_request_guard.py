"""Oversized and overfull requests, and control characters in paths, queries and forms: a 4xx
in the error shape before any view runs (they were 500s through the API's catch-all)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kuaiban.accounts.models import LoginFailure, User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db

BIG_JSON = json.dumps({"username": "x" * (3 * 1024 * 1024), "password": "y"})


def error_of(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"] and body["error"]["message"]
    return body["error"]


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_limits_are_set_deliberately() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 30
    assert settings.KUAIBAN_REQUEST_MAX_BYTES >= settings.KUAIBAN_UPLOAD_MAX_BYTES


def test_a_3_mb_body_on_the_token_endpoint_is_a_413_without_log_in(db) -> None:
    response = Client().post("/api/v1/auth/token", BIG_JSON, content_type="application/json")
    assert error_of(response, 413)["code"] == "request_too_large"
    assert LoginFailure.objects.count() == 0


def test_a_3_mb_body_on_applications_and_decision_is_a_413(world) -> None:
    client = _as(world["zhangjianguo"])
    response = client.post("/api/v1/applications", BIG_JSON, content_type="application/json")
    assert error_of(response, 413)["code"] == "request_too_large"
    officer = _as(world["officer-jn-si"])
    response = officer.post(
        "/api/v1/subcases/1/decision", BIG_JSON, content_type="application/json"
    )
    assert error_of(response, 413)["code"] == "request_too_large"
    assert Application.objects.count() == 0


def test_multipart_with_1101_fields_is_a_400_and_stores_nothing(world) -> None:
    client = _as(world["zhangjianguo"])
    data = {"application": json.dumps(retirement_body())}
    data.update({f"field{i}": "x" for i in range(1100)})
    response = client.post("/api/v1/applications", data)
    assert error_of(response, 400)["code"] == "too_many_fields"
    assert Application.objects.count() == 0


def test_multipart_with_120_files_is_a_400_and_stores_nothing(world) -> None:
    client = _as(world["zhangjianguo"])
    files = {f"m{i}": pdf(f"m{i}.pdf") for i in range(120)}
    response = post_multipart(client, retirement_body(), files)
    assert error_of(response, 400)["code"] == "too_many_files"
    assert Application.objects.count() == 0


def test_an_upload_over_the_request_cap_is_a_413(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_REQUEST_MAX_BYTES = 64 * 1024
    client = _as(world["zhangjianguo"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 100_000, "application/pdf")
    response = post_multipart(client, retirement_body(), {"personnel_archive": big})
    assert error_of(response, 413)["code"] == "request_too_large"
    assert Application.objects.count() == 0


def test_a_page_form_with_too_many_fields_is_a_400_page(db) -> None:
    data = {f"field{i}": "x" for i in range(1100)}
    response = Client().post("/accounts/login/", data)
    assert response.status_code == 400
    assert "字段过多" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/applications/1%00", "/api/v1/bundles/shandong-2020/7%E2%80%AE"]
)
def test_a_control_character_in_an_api_path_is_a_400(world, path: str) -> None:
    response = _as(world["zhangjianguo"]).get(path)
    assert error_of(response, 400)["code"] == "bad_request"


def test_a_control_character_in_a_query_is_a_400(db) -> None:
    response = Client().get("/api/v1/bundles", {"pack": "shandong\x00"})
    assert error_of(response, 400)["code"] == "bad_request"


def test_a_nul_in_a_page_form_is_a_400_page_not_a_500(db) -> None:
    response = Client().post("/accounts/login/", {"username": "zhang\x00", "password": "x"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "控制字符" in response.content.decode()
    assert LoginFailure.objects.count() == 0


def test_a_nul_in_a_page_path_is_a_400_page(db) -> None:
    response = Client().get("/guides/%00/")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_multipart_to_an_endpoint_that_takes_json_is_a_415(world) -> None:
    officer = _as(world["officer-jn-si"])
    response = officer.post("/api/v1/subcases/1/decision", {"outcome": "approved"})
    assert error_of(response, 415)["code"] == "unsupported_media_type"
    assert SubCase.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/subcases/99999999999999999999999",
        "/api/v1/subcases/9223372036854775808/accept",
        "/api/v1/visits/" + "9" * 5000 + "/rating",
        "/workbench/subcases/99999999999999999999999/",
    ],
)
def test_a_path_number_too_large_for_any_id_is_a_404(world, path: str) -> None:
    response = _as(world["officer-jn-si"]).get(path)
    assert response.status_code == 404


def test_the_largest_id_is_looked_up_like_any_other(world) -> None:
    response = _as(world["officer-jn-si"]).get("/api/v1/subcases/9223372036854775807")
    assert error_of(response, 404)["code"] == "not_found"
