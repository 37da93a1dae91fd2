"""ID numbers and credit codes are looked up whole, never by prefix: one index each, no second
``varchar_pattern_ops`` index for LIKE (which Django adds on PostgreSQL for ``unique=True`` and
``db_index=True`` text fields). Application numbers are searched by prefix and keep theirs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction

from kuaiban.shareddata.models import Person

pytestmark = pytest.mark.django_db


def _index_definitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    ("table", "column", "prefix_search"),
    [
        ("shareddata_person", "id_number", False),
        ("applications_application", "applicant_id_number", False),
        ("applications_application", "applicant_credit_code", False),
        ("applications_application", "number", True),  # 办件编号 searched by its start
    ],
)
def test_an_identifier_has_one_plain_index_and_a_like_index_only_where_searched_by_prefix(
    table: str, column: str, prefix_search: bool
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pattern-ops indexes are PostgreSQL's (run in the PostgreSQL half)")
    on_column = [
        d for d in _index_definitions(table) if re.search(rf"\({column}( \w+_pattern_ops)?\)$", d)
    ]
    plain = [d for d in on_column if "pattern_ops" not in d]
    like = [d for d in on_column if "pattern_ops" in d]
    assert len(plain) == 1, on_column
    assert len(like) == (1 if prefix_search else 0), on_column


def test_an_id_number_is_still_unique() -> None:
    fields = {"name": "张三", "gender": "男", "birth_date": dt.date(1980, 1, 1)}
    Person.objects.create(id_number="11010119800101001X", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(id_number="11010119800101001X", **fields)
