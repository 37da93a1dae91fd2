"""The people's and their insurance records' columns the person rules read are in covering
indexes (PostgreSQL), so a run's chunk over millions of people reads them without the wide
tables: the people's in an index of their own, the insurance records' in the index of their
one-to-one key (the planner did not take a second index beside the key)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from kuaiban.proactive.engine import eligible_queryset
from kuaiban.proactive.language.conditions import condition_paths
from kuaiban.proactive.language.fields import FIELDS, PERSON

pytestmark = pytest.mark.django_db


def _index_columns(index: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE i.indexrelid = %s::regclass",
            [index],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_person_column_a_shipped_person_rule_reads_is_in_the_covering_index(
    published,
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE indexes are PostgreSQL's (run in the PostgreSQL half)")
    fields = FIELDS[PERSON]
    read = {"id", "id_number", "region_code"}  # the range, the subject, the rule's region
    for version in published.values():
        rule = version.definition
        if rule["target"] != PERSON:
            continue
        for condition in rule["conditions"]:
            for path in condition_paths(condition):
                lookup = fields[path].lookup
                if "__" not in lookup:
                    read.add(lookup)
    assert len(read) > 3
    assert read <= _index_columns("shareddata_person_rule_columns")


def test_every_insurance_column_a_person_rule_may_read_is_in_the_key_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE indexes are PostgreSQL's (run in the PostgreSQL half)")
    insurance = {
        field.lookup.split("__", 1)[1]
        for field in FIELDS[PERSON].values()
        if field.lookup.startswith("insurance__")
    }
    assert {"status", "monthly_wage", "last_activity_on"} <= insurance
    columns = _index_columns("shareddata_insurancerecord_person_id_key")
    assert insurance | {"person_id"} == columns
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indisunique, indnkeyatts FROM pg_index "
            "WHERE indexrelid = 'shareddata_insurancerecord_person_id_key'::regclass"
        )
        assert cursor.fetchone() == (True, 1)  # still the one-to-one key: unique on person_id


def test_a_run_chunk_reads_the_insurance_records_by_an_index_only_scan(
    published,
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE indexes are PostgreSQL's (run in the PostgreSQL half)")
    rule = published["silent-certification"].definition
    chunk = eligible_queryset(rule, on=dt.date(2026, 12, 1), span=(1, 250_001))
    sql, params = chunk.values("pk", "insurance__last_activity_on").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # The test's tables are tiny: whatever the statistics of the moment, ask only whether
        # the insurance records can be read from the key's index alone.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using shareddata_insurancerecord_person_id_key" in plan, plan
