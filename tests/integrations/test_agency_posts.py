"""An agency's own system acts on a sub-case (``POST …/accept``, ``POST callback.decision``).

Every request an agency sends is signed over ``METHOD\\nPATH\\nTIMESTAMP\\nBODY`` (the agency's
own HMAC code in ``tests.integrations.helpers``), POSTs as GETs. The old body-only signature
over ``"<timestamp>." + body`` names no sub-case: a captured accept (empty body) or a decision
without ``version`` would act on any of the agency's sub-cases for five minutes. It is refused
with a 401 that says what to sign, and nothing changes.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from kuaiban.cases.models import SubCase
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.signing import signed_headers, signed_path_headers
from tests.integrations.conftest import SECRET
from tests.integrations.helpers import (
    agency_headers,
    body_only_headers,
    fresh,
    platform_clock_at_whole_second,
)

APPROVE = json.dumps(
    {"outcome": "approved", "results": [{"name": "参保登记回执", "number": "JN-2025-001"}]},
    ensure_ascii=False,
).encode()


def decision_path(subcase: Any) -> str:
    return f"/api/v1/subcases/{subcase.pk}/decision"


def accept_path(subcase: Any) -> str:
    return f"/api/v1/subcases/{subcase.pk}/accept"


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(path, data=body, content_type="application/json", headers=headers)


def assert_error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return str(error["message"])


def state(subcase: Any) -> tuple[Any, ...]:
    row = SubCase.objects.get(pk=subcase.pk)
    return (row.status, row.version, row.decision_note, row.results, row.correction_items)


def side_effects() -> tuple[int, int]:
    return AuditEvent.objects.count(), OutboxMessage.objects.count()


UNTOUCHED = ("open", 0, "", [], [])


# ---------------------------------------------------------------------------------------------
# The path signature
# ---------------------------------------------------------------------------------------------


def test_a_decision_signed_over_method_path_and_body_is_applied(world, client):
    subcase = world.subcase()
    path = decision_path(subcase)

    response = post(client, path, APPROVE, agency_headers(path, method="POST", body=APPROVE))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    row = fresh(subcase)
    assert row.status == "approved" and row.version == 1
    assert row.results == [{"kind": "document", "name": "参保登记回执", "number": "JN-2025-001"}]


def test_an_accept_signed_over_method_and_path_is_applied(world, client):
    subcase = world.subcase()
    path = accept_path(subcase)

    response = post(client, path, b"", agency_headers(path, method="POST"))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert fresh(subcase).status == "accepted"


# ---------------------------------------------------------------------------------------------
# Refused: body-only signatures, another sub-case's path, a tampered body
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "signer",
    [
        pytest.param(lambda body: body_only_headers(body), id="the old documented scheme"),
        pytest.param(
            lambda body: signed_headers(agency_code="jn-si", secret=SECRET, body=body),
            id="a webhook's signature",
        ),
    ],
)
def test_a_body_only_signature_on_a_decision_is_a_401_and_changes_nothing(world, client, signer):
    subcase = world.subcase()
    before = side_effects()

    response = post(client, decision_path(subcase), APPROVE, signer(APPROVE))

    message = assert_error(response, 401, "bad_signature")
    assert "方法" in message and "路径" in message  # tells the agency what to sign now
    assert state(subcase) == UNTOUCHED
    assert side_effects() == before


def test_a_body_only_signature_on_an_accept_is_a_401_and_changes_nothing(world, client):
    subcase = world.subcase()
    before = side_effects()

    response = post(client, accept_path(subcase), b"", body_only_headers(b""))

    message = assert_error(response, 401, "bad_signature")
    assert "方法" in message and "路径" in message
    assert state(subcase) == UNTOUCHED
    assert side_effects() == before


def test_a_signature_for_one_sub_cases_decision_does_not_decide_another(world, client):
    mine, other = world.subcase(), world.subcase()  # both routed to jn-si
    # Without ``version``: before, only the signature could have tied it to a sub-case.
    captured = agency_headers(decision_path(mine), method="POST", body=APPROVE)
    before = side_effects()

    replayed = post(client, decision_path(other), APPROVE, captured)

    assert_error(replayed, 401, "bad_signature")
    assert state(other) == UNTOUCHED and state(mine) == UNTOUCHED
    assert side_effects() == before
    # The same headers were good for the sub-case they were made for.
    assert post(client, decision_path(mine), APPROVE, captured).status_code == 200
    assert state(other) == UNTOUCHED


def test_a_signature_for_one_sub_cases_accept_does_not_accept_another(world, client):
    mine, other = world.subcase(), world.subcase()
    captured = agency_headers(accept_path(mine), method="POST")

    assert_error(post(client, accept_path(other), b"", captured), 401, "bad_signature")
    assert_error(post(client, decision_path(mine), APPROVE, captured), 401, "bad_signature")

    assert state(other) == UNTOUCHED and state(mine) == UNTOUCHED


def test_a_tampered_body_is_a_401_and_changes_nothing(world, client):
    subcase = world.subcase()
    path = decision_path(subcase)
    headers = agency_headers(path, method="POST", body=APPROVE)
    tampered = json.dumps({"outcome": "rejected", "note": "材料不全"}, ensure_ascii=False).encode()
    before = side_effects()

    response = post(client, path, tampered, headers)

    assert_error(response, 401, "bad_signature")
    assert state(subcase) == UNTOUCHED
    assert side_effects() == before


def test_a_get_signature_is_no_post_signature(world, client):
    subcase = world.subcase()
    path = accept_path(subcase)

    response = post(client, path, b"", agency_headers(path, method="GET"))

    assert_error(response, 401, "bad_signature")
    assert state(subcase) == UNTOUCHED


@pytest.mark.parametrize("seconds", [-301, 301])
def test_a_stale_post_signature_is_a_401(world, client, seconds):
    subcase = world.subcase()
    path = decision_path(subcase)
    with platform_clock_at_whole_second() as now:
        headers = agency_headers(path, method="POST", body=APPROVE, at=now + seconds)
        assert_error(post(client, path, APPROVE, headers), 401, "bad_signature")
    assert state(subcase) == UNTOUCHED


def test_a_wrong_secret_says_what_to_sign(world, client):
    subcase = world.subcase()
    path = decision_path(subcase)
    headers = agency_headers(path, method="POST", body=APPROVE, secret="guessed")

    message = assert_error(post(client, path, APPROVE, headers), 401, "bad_signature")

    assert "路径" in message
    assert state(subcase) == UNTOUCHED


def test_the_platforms_signer_matches_the_documented_scheme_for_a_post():
    path, now = "/api/v1/subcases/42/decision", time.time()
    ours = signed_path_headers(
        agency_code="jn-si", secret=SECRET, method="POST", path=path, body=APPROVE, now=now
    )
    assert ours == agency_headers(path, method="POST", body=APPROVE, at=now)
