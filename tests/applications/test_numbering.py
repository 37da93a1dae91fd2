from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.applications.numbering import application_number_next, application_number_take

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


def test_a_number_taken_is_the_next_one_and_is_written_on_the_application(world) -> None:  # type: ignore[no-untyped-def]
    """`application_number_take` (one statement on PostgreSQL) gives what
    `application_number_next` gives, past five digits too, and puts it on the row."""
    from kuaiban.applications.models import Application, NumberSequence
    from tests.applications.test_submit_queries import _bearer, _submit

    answer, _ = _submit(_bearer(world["zhangjianguo"]))
    application = Application.objects.get(number=answer["number"])
    day = dt.date(2024, 1, 2)
    taken = application_number_take(pk=application.pk, region_code="370102", day=day)
    assert taken == "370102-20240102-00001"
    assert Application.objects.get(pk=application.pk).number == taken
    NumberSequence.objects.filter(region_code="370102", day=day).update(last=123_455)
    taken = application_number_take(pk=application.pk, region_code="370102", day=day)
    assert taken == "370102-20240102-123456" == f"370102-20240102-{123_456:05d}"
    assert Application.objects.get(pk=application.pk).number == taken
