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
    """The plan with the sub-cases' other indexes gone (dropped in a transaction rolled back
    after) and sequential scans off: what is left is whether PostgreSQL can prove that the
    list's condition implies the partial index's. Which index it picks among several depends
    on the statistics of the moment; whether it can use this one does not."""
    table = "cases_subcase"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before DDL
            cursor.execute(
                "SELECT c.relname, k.conname FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND c.relname <> %s",
                [table, INDEX],
            )
            for name, constraint in cursor.fetchall():
                if constraint:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                else:
                    cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            raise _Seen(plan)
    except _Seen as seen:
        return seen.plan


class _Seen(Exception):
    """Carries the plan out of the transaction, which is rolled back."""

    def __init__(self, plan: str) -> None:
        self.plan = plan


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
