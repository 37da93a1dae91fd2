"""The frozen snapshot is one typed shape, stored as the same JSON as before, read leniently."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.applications.models import Application
from kuaiban.applications.snapshot import Snapshot
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


def test_a_submitted_snapshot_round_trips_and_reads_as_attributes(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    stored = application.snapshot
    frozen = application.frozen
    assert frozen.to_dict() == stored  # the JSON on file is exactly the typed shape
    assert set(stored) == {
        "pack",
        "bundle",
        "scenario",
        "items",
        "fields",
        "materials",
        "promised_due_at",
    }
    assert frozen.serial  # Shandong 7-1 is serial
    assert frozen.pack.code == application.pack.code
    first = frozen.items[0]
    assert stored["items"][0]["promised"] == {
        "unit": first.promised.unit,
        "value": first.promised.value,
    }
    assert frozen.item(first.code) == first and frozen.item("nope") is None
    assert frozen.field_labels()["id_number"] == next(
        f["label"] for f in stored["fields"] if f["key"] == "id_number"
    )


def test_an_old_or_generated_snapshot_reads_with_empty_values() -> None:
    frozen = Snapshot.from_dict({"synthetic": True, "pack": "sd-2020", "bundle": "7"})
    assert frozen.items == () and frozen.fields == () and not frozen.serial
    assert frozen.pack.code == "" and frozen.promised_due_at is None
    item = Snapshot.from_dict(
        {"items": [{"code": "1.6.1", "promised": {"unit": "instant"}}, "junk"]}
    ).items
    assert len(item) == 1 and item[0].promised == TimeLimit(LimitUnit.INSTANT) and item[0].instant
    assert Snapshot.from_dict(None).items == ()
    [old_field] = Snapshot.from_dict({"fields": [{"key": "unit_name", "label": "单位名称"}]}).fields
    assert not old_field.not_applicable and not old_field.by_employer
