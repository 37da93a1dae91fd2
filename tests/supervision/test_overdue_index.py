"""The overdue lists read the running sub-cases by deadline through their own partial index
(`subcase_running_due_idx`), not by walking every deadline of the history and filtering."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from kuaiban.supervision.selectors.lists import overdue_subcase_list
from tests.supervision.test_figures import context

pytestmark = pytest.mark.django_db

INDEX = "subcase_running_due_idx"


def _plan(sql: str, params: tuple[object, ...]) -> str:
    """The plan with sequential scans and the other deadline index off: what remains is
    whether PostgreSQL can prove the list's condition implies the index's."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("username", ["officer-ty-si", "supervisor-sd", "admin"])
def test_an_overdue_page_is_read_from_the_running_subcases_index(world, ledger, username) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan (run in the PostgreSQL half)")
    ctx = context(world[username])
    page = overdue_subcase_list(ctx.scope, ctx.filters)[:50]
    sql, params = page.query.sql_with_params()
    plan = _plan(sql, params)
    assert INDEX in plan, plan
    count = overdue_subcase_list(ctx.scope, ctx.filters).order_by()
    sql, params = count.values("pk").query.sql_with_params()
    assert INDEX in _plan(f"SELECT COUNT(*) FROM ({sql}) x", params)
