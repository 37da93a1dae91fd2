from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.applications.numbering import application_number_next

pytestmark = pytest.mark.django_db


def test_numbers_count_per_region_and_day() -> None:
    day = dt.date(2025, 3, 3)
    assert application_number_next(region_code="370102", day=day) == "370102-20250303-00001"
    assert application_number_next(region_code="370102", day=day) == "370102-20250303-00002"
    assert application_number_next(region_code="140106", day=day) == "140106-20250303-00001"
    assert (
        application_number_next(region_code="370102", day=day + dt.timedelta(days=1))
        == "370102-20250304-00001"
    )
