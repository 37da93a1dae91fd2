"""Query counts of the bundle endpoints: bounded, and the same for 3 items as for 12."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.accounts.models import Role
from kuaiban.bundles.services import pack_load
from tests.bundles.helpers import SPRING_2025, generated_files

SMALL, LARGE = 3, 12

# Bundle detail: pack, bundle, questions, scenarios, bundle items (+ item), item materials,
# item fields, speed-ups.
DETAIL_BOUND = 8
# Plan: the detail's 8, plus the calendar (years, special days).
PLAN_BOUND = 10
# Plan for a named applicant: plus the session and user, and the shared-data person with its
# insurance, employment, unemployment and certificate records, and the audit row of that read.
PLAN_APPLICANT_BOUND = 16


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: SPRING_2025.astimezone(dt.UTC))


@pytest.fixture
def packs(tmp_path, seeded_calendar):
    for n in (SMALL, LARGE):
        pack_load(path=generated_files(tmp_path / f"gen{n}", items=n))


def detail(client, n: int):
    return client.get(f"/api/v1/bundles/gen-{n}/1")


def plan(client, n: int, body: dict | None = None):
    return client.post(
        f"/api/v1/bundles/gen-{n}/1/plan",
        data=json.dumps(body or {"scenario": "1-1"}),
        content_type="application/json",
    )


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content.decode()
    return len(captured.captured_queries)


@pytest.mark.usefixtures("packs")
@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_bundle_detail_is_bounded(client, django_assert_max_num_queries, n):
    with django_assert_max_num_queries(DETAIL_BOUND):
        response = detail(client, n)
    assert response.status_code == 200
    assert len(response.json()["scenarios"][0]["items"]) == n


@pytest.mark.usefixtures("packs")
def test_bundle_detail_does_not_grow_with_items(client):
    assert queries_of(lambda: detail(client, SMALL)) == queries_of(lambda: detail(client, LARGE))


@pytest.mark.usefixtures("packs")
@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_plan_is_bounded(client, django_assert_max_num_queries, n):
    with django_assert_max_num_queries(PLAN_BOUND):
        response = plan(client, n)
    assert response.status_code == 200
    body = response.json()
    assert len(body["subitems"]) == n
    # Shared id_card and person_name are merged: 2 own + 1 shared per item; each item's own
    # application form (kind: form) is generated from the merged form, so not asked for.
    assert body["burden"]["materials"] == {"separate": 3 * n, "bundled": n + 1}
    assert body["burden"]["fields"] == {"separate": 3 * n, "bundled": 2 * n + 1}


@pytest.mark.usefixtures("packs")
def test_plan_does_not_grow_with_items(client):
    assert queries_of(lambda: plan(client, SMALL)) == queries_of(lambda: plan(client, LARGE))


@pytest.mark.usefixtures("packs")
@pytest.mark.parametrize("n", [SMALL, LARGE])
def test_plan_for_an_applicant_is_bounded(
    client, make_user, make_person, django_assert_max_num_queries, n
):
    person = make_person(insurance=True)
    client.force_login(make_user(role=Role.CLERK))
    body = {"scenario": "1-1", "applicant": {"id_number": person.id_number}}
    with django_assert_max_num_queries(PLAN_APPLICANT_BOUND):
        response = plan(client, n, body)
    assert response.status_code == 200
    # id_card is shared and the forms come from the merged form: one proof per item is left.
    assert response.json()["burden"]["materials"]["bundled"] == n


@pytest.mark.usefixtures("packs")
def test_plan_for_an_applicant_does_not_grow_with_items(client, make_user, make_person):
    person = make_person(insurance=True)
    client.force_login(make_user(role=Role.CLERK))
    body = {"scenario": "1-1", "applicant": {"id_number": person.id_number}}
    small = queries_of(lambda: plan(client, SMALL, body))
    large = queries_of(lambda: plan(client, LARGE, body))
    assert small == large


@pytest.mark.usefixtures("packs")
def test_lists_are_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/packs").status_code == 200
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/bundles", {"pack": f"gen-{LARGE}"})
    assert response.status_code == 200
