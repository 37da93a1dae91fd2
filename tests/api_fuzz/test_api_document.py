"""Requests generated from the OpenAPI document, anonymous and signed in: never a 5xx, and every
answer as the document says (status code, content type, body schema).

Bounded and deterministic: Hypothesis derandomized (the examples follow from the test's name),
``KUAIBAN_FUZZ_EXAMPLES`` examples per operation and per mode (default 25; data that fits the
document, and data that does not), each sent by every caller, no time limit per example. It
runs in-process against the WSGI application on the intake world (real packs, calendar, demo
accounts), in autocommit as in production, so a database error is a 500 here as it would be
there. CI runs it on PostgreSQL (``.ci/run``); locally ``make fuzz``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kuaiban.accounts.models import User
from kuaiban.accounts.services import token_issue
from kuaiban.applications.models import Application
from kuaiban.certificates.signing import _signer, demo_key_write
from kuaiban.homevisits.services import VisitRequest, home_visit_request
from kuaiban.wsgi import application
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.worlds import NOW

EXAMPLES = int(os.environ.get("KUAIBAN_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Anonymous, an applicant, an officer and a window clerk: each reaches other answers.
CALLERS = ["anonymous", "zhangjianguo", "officer-jn-si", "clerk-lixia"]

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# Data that does not fit the document exists only for operations that take some.
RUNS = [
    (operation, mode)
    for operation in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE
    or operation.definition.raw.get("parameters")
    or "requestBody" in operation.definition.raw
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def callers(intake_world: None, settings, tmp_path: Path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The headers of each caller: none, or a bearer token of the user."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # The bureau's signing key, so that issuing a certificate works as in production.
    settings.KUAIBAN_SIGNING_KEY, settings.KUAIBAN_SIGNING_CERT = (
        tmp_path / "k.pem",
        tmp_path / "c.pem",
    )
    demo_key_write(key=tmp_path / "k.pem", cert=tmp_path / "c.pem", bureau="人力资源和社会保障局")
    _signer.cache_clear()
    headers: list[dict[str, str]] = []
    for username in CALLERS:
        if username == "anonymous":
            headers.append({})
            continue
        raw = token_issue(user=User.objects.get(username=username), ip="127.0.0.1").raw
        headers.append({"Authorization": f"Bearer {raw}"})
    return headers


@pytest.fixture
def known(callers: list[dict[str, str]]) -> dict[str, str]:
    """Path parameters that name real objects: a submitted application and its first sub-case,
    so that generated requests also reach the answers past "not found"."""
    client = Client()
    client.force_login(User.objects.get(username="zhangjianguo"))
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    subcase = application.subcases.filter(status="open").order_by("pk").first()
    material = application.materials.exclude(file="").order_by("pk").first()
    assert subcase is not None and material is not None
    # A 上门办 visit the applicant asked for, which the window clerk of the district may take.
    visit = home_visit_request(
        actor=User.objects.get(username="zhangjianguo"),
        data=VisitRequest(
            person_name="张建国",
            person_id_number="370102196503121234",
            phone="13905310001",
            address="历下区文化东路 56 号",
            region="370102",
            need="行动不便，办理退休",
            reason="elderly",
        ),
    )
    return {
        "visit_id": str(visit.pk),
        "pack": "shandong-2020",
        "bundle": "7",
        "number": application.number,
        "subcase_id": str(subcase.pk),
        "material_id": str(material.pk),
    }


def _strategy(operation, mode, known: dict[str, str]):  # type: ignore[no-untyped-def]
    """Requests with every part generated, or with the path naming real objects."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == "path"]
    if not names or not set(names) <= set(known):
        return generated
    real = operation.as_strategy(
        generation_mode=mode, path_parameters={name: known[name] for name in names}
    )
    return st.one_of(generated, real)


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    # Inside the calendar the packs are planned with, as in the intake tests.
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield


@pytest.mark.parametrize(
    ("operation", "mode"), RUNS, ids=[f"{op.label} {mode.value}" for op, mode in RUNS]
)
def test_the_api_answers_as_documented(operation, mode, callers, known) -> None:  # type: ignore[no-untyped-def]
    @given(case=_strategy(operation, mode, known))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case) -> None:  # type: ignore[no-untyped-def]
        for headers in callers:  # the same request from each caller
            case.call_and_validate(headers=headers, checks=CHECKS)

    answers_as_documented()
