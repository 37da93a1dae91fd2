"""The people's columns the person rules read are in one covering index (PostgreSQL), so a
preview over millions of people reads them without the wide people table."""

from __future__ import annotations

import pytest
from django.db import connection

from kuaiban.proactive.language.conditions import condition_paths
from kuaiban.proactive.language.fields import FIELDS, PERSON

pytestmark = pytest.mark.django_db


def _index_columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE i.indexrelid = 'shareddata_person_rule_columns'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_person_column_a_shipped_person_rule_reads_is_in_the_covering_index(
    published,
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("a covering index (INCLUDE): PostgreSQL only")
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
    assert read <= _index_columns()
