"""A submission costs a fixed, small number of SQL statements, however many applications exist,
and takes the day's number once, in one statement, after the rows that do not show it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kuaiban.accounts.models import User
from kuaiban.accounts.services import token_issue
from kuaiban.applications.models import Application, NumberSequence
from tests.applications.helpers import UNEMPLOYMENT

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 14
# On PostgreSQL several models' rows share one statement and the number is taken and written by
# one: the three reads, BEGIN, five writes, COMMIT.
MAX_STATEMENTS_POSTGRESQL = 10


def _submit(client: Client) -> tuple[dict[str, Any], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/applications",
            json.dumps(UNEMPLOYMENT, ensure_ascii=False),
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert response.status_code == 201, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


def _bearer(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user).raw}")


def _more_applications(count: int, like: str) -> None:
    template = Application.objects.get(number=like)
    values = {
        f.attname: getattr(template, f.attname)
        for f in Application._meta.concrete_fields
        if f.attname not in ("id", "number", "idempotency_key")
    }
    Application.objects.bulk_create(
        Application(number=f"000000-20000101-{n:07d}", **values) for n in range(count)
    )


def test_a_submission_takes_at_most_fourteen_statements_whatever_the_data_size(world) -> None:  # type: ignore[no-untyped-def]
    client = _bearer(world["zhangjianguo"])
    first, _ = _submit(client)  # builds this process's policy cache
    assert len(first["subcases"]) == 7
    _, small = _submit(client)
    _more_applications(200, like=first["number"])
    _, large = _submit(client)
    limit = MAX_STATEMENTS_POSTGRESQL if connection.vendor == "postgresql" else MAX_STATEMENTS
    assert len(small) <= limit, "\n".join(small)
    assert len(large) == len(small), "\n".join(large)


def test_the_days_number_is_taken_once_in_one_statement_after_the_unnumbered_rows(world) -> None:  # type: ignore[no-untyped-def]
    client = _bearer(world["zhangjianguo"])
    _submit(client)
    answer, statements = _submit(client)
    table = NumberSequence._meta.db_table
    touching = [i for i, sql in enumerate(statements) if table in sql]
    assert len(touching) == 1, statements
    [at] = touching
    taking = statements[at].upper()
    assert "INSERT" in taking and "ON CONFLICT" in taking
    if connection.vendor == "postgresql":  # the number written on the application by it too
        assert taking.startswith("WITH") and 'SET "NUMBER" =' in taking
    assert any("cases_subcase" in sql for sql in statements[:at])  # the sub-cases came first
    # After it only the number itself, the materials, the outbox message, the audit and the commit.
    assert len(statements) - at <= 6, statements[at:]
    assert answer["number"].endswith("-00002")
    assert NumberSequence.objects.get().last == 2


def test_the_answer_from_the_rows_held_equals_the_application_read_back(world) -> None:  # type: ignore[no-untyped-def]
    client = _bearer(world["zhangjianguo"])
    answer, _ = _submit(client)
    again = client.get(f"/api/v1/applications/{answer['number']}").json()
    assert answer == again
