"""The roll-ups' dimensions hold no constraint in the database: a build writes hundreds of
thousands of rows in one transaction, and PostgreSQL checked every row's keys at the commit
(`kuaiban/supervision/models.py`, `_dimension`). A deleted dimension still takes its roll-up
rows with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from kuaiban.bundles.models import Bundle
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.supervision.models import ProcessingDaily
from kuaiban.supervision.rollups.build import ROLLUPS


@pytest.mark.django_db
def test_no_roll_up_table_has_a_foreign_key_constraint() -> None:
    with connection.cursor() as cursor:
        for model in ROLLUPS:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            keys = [name for name, c in constraints.items() if c["foreign_key"]]
            assert keys == [], model.__name__
    # The dimensions are still relations (filters join them; a deletion cascades).
    for model in ROLLUPS:
        assert model._meta.get_field("region").is_relation


def test_a_deleted_region_takes_its_roll_up_rows_with_it(world: object) -> None:
    bundle = Bundle.objects.select_related("pack").first()
    assert bundle is not None
    item = ServiceItem.objects.first()
    assert item is not None
    district = Region.objects.create(code="379999", name="测试区", level=RegionLevel.COUNTY)
    kept = ProcessingDaily.objects.first()
    row = ProcessingDaily.objects.create(
        day=dt.date(2025, 3, 19),
        region=district,
        pack=bundle.pack,
        bundle=bundle,
        item=item,
        tenths=12,
        decided=1,
        days_sum=12_000,
    )
    district.delete()
    assert not ProcessingDaily.objects.filter(pk=row.pk).exists()
    assert kept is None or ProcessingDaily.objects.filter(pk=kept.pk).exists()
