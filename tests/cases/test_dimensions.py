"""A sub-case carries its application's region, pack and bundle, so that supervision reads a
day's sub-cases without joining their applications: set when it is made, and filled in by the
migration that added them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.forms import modelform_factory
from django.test import Client

from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from tests.applications.helpers import pdf, post_multipart, retirement_body

BEFORE = ("cases", "0005_subcase_paid_amount_and_reopen")
AFTER = ("cases", "0006_subcase_region_pack_bundle")


def _submitted(world) -> Application:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def _copies(application: Application) -> set[tuple[int, int, int]]:
    return set(application.subcases.values_list("region_id", "pack_id", "bundle_id"))


@pytest.mark.django_db
def test_a_submitted_applications_subcases_carry_its_region_pack_and_bundle(world) -> None:  # type: ignore[no-untyped-def]
    application = _submitted(world)
    assert application.subcases.count() > 1
    assert _copies(application) == {
        (application.region_id, application.pack_id, application.bundle_id)
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_them_in_from_the_applications(world) -> None:  # type: ignore[no-untyped-def]
    application = _submitted(world)
    count = application.subcases.count()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])  # the columns are dropped; the sub-cases stay
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), SubCase._meta.db_table
        )
    }
    assert "region_id" not in columns
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    assert application.subcases.count() == count
    assert not SubCase.objects.exclude(
        region_id=F("application__region_id"),
        pack_id=F("application__pack_id"),
        bundle_id=F("application__bundle_id"),
    ).exists()
    assert _copies(application) == {
        (application.region_id, application.pack_id, application.bundle_id)
    }


def test_they_cannot_be_edited_apart_from_the_application() -> None:
    form = modelform_factory(SubCase, fields="__all__")
    assert {"region", "pack", "bundle"}.isdisjoint(form.base_fields)
    assert "item" in form.base_fields
