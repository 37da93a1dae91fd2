"""The people's and the insurance records' columns the person rules read are each in one
covering index (PostgreSQL), so a preview over millions of people reads them without the wide
tables."""

from __future__ import annotations

import pytest
from django.db import connection

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


def _read_by_person_rules(published) -> set[str]:  # type: ignore[no-untyped-def]
    """Every lookup a shipped person rule reads: its conditions and its amount's fields."""
    fields = FIELDS[PERSON]
    read = set()
    for version in published.values():
        rule = version.definition
        if rule["target"] != PERSON:
            continue
        paths = [path for condition in rule["conditions"] for path in condition_paths(condition)]
        amount = rule.get("amount") or {}
        paths += [amount[key] for key in ("base", "rate_by") if key in amount]
        read.update(fields[path].lookup for path in paths)
    return read


def test_every_person_column_a_shipped_person_rule_reads_is_in_the_covering_index(
    published,
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("a covering index (INCLUDE): PostgreSQL only")
    read = {"id", "id_number", "region_code"}  # the range, the subject, the rule's region
    read |= {lookup for lookup in _read_by_person_rules(published) if "__" not in lookup}
    assert len(read) > 3
    assert read <= _index_columns("shareddata_person_rule_columns")


def test_every_insurance_column_a_shipped_person_rule_reads_is_in_the_covering_index(
    published,
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("a covering index (INCLUDE): PostgreSQL only")
    read = {"person_id"}  # the join and the range
    read |= {
        lookup.removeprefix("insurance__")
        for lookup in _read_by_person_rules(published)
        if lookup.startswith("insurance__")
    }
    assert {"status", "monthly_wage", "last_activity_on"} <= read
    assert read <= _index_columns("shareddata_insurance_rule_columns")
