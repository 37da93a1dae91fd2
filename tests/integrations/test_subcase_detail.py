"""An agency's own system reads a sub-case (``GET callback.detail``) and its queue.

GETs are signed over method, path and timestamp (the agency's own HMAC code in
``tests.integrations.helpers``; POSTs the same way, ``test_agency_posts``): the old body
signature over ``"<timestamp>."`` names no sub-case and is refused. Each read of a detail is
audited. The detail lists the item's materials exactly as the webhook does, with the same file
facts.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.dispatch import subcase_webhook_body
from kuaiban.catalogue.models import ItemMaterial, Material
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.signing import signed_headers
from tests.integrations.conftest import SECRET
from tests.integrations.helpers import PDF, agency_headers, platform_clock_at_whole_second, upload

OTHER_SECRET = "lixia-shared-secret"
QUEUE = "/api/v1/subcases"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def detail_path(subcase: Any) -> str:
    return f"/api/v1/subcases/{subcase.pk}"


def file_path(subcase: Any, material: Any) -> str:
    return f"/api/v1/subcases/{subcase.pk}/materials/{material.pk}/file"


def read(client: Client, subcase: Any) -> dict[str, Any]:
    path = detail_path(subcase)
    response = client.get(path, headers=agency_headers(path))
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="subcase.read").order_by("pk"))


def body_signed() -> dict[str, str]:
    """The old scheme: ``"<timestamp>." + body`` over an empty body, the same for every GET."""
    return signed_headers(agency_code="jn-si", secret=SECRET, body=b"")


# ---------------------------------------------------------------------------------------------
# Signatures and audit
# ---------------------------------------------------------------------------------------------


def test_the_routed_agency_reads_with_a_path_signature_and_the_read_is_audited(world, client):
    subcase = world.subcase()

    detail = read(client, subcase)

    assert detail["id"] == subcase.pk
    assert detail["application"] == subcase.application.number
    [event] = reads()
    assert (event.object_type, event.object_id) == ("subcase", str(subcase.pk))
    assert event.actor is None and event.actor_label == "system"
    assert event.changes == {"system": "jn-si", "application": subcase.application.number}


def test_a_body_signature_on_a_get_is_a_401(world, client):
    subcase = world.subcase()

    for path in (detail_path(subcase), QUEUE):
        assert_error(client.get(path, headers=body_signed()), 401, "bad_signature")

    assert reads() == []


def test_a_path_signature_for_another_sub_case_is_a_401(world, client):
    mine, other = world.subcase(), world.subcase()  # both routed to jn-si
    captured = agency_headers(detail_path(mine))
    assert client.get(detail_path(mine), headers=captured).status_code == 200

    replayed = client.get(detail_path(other), headers=captured)

    assert_error(replayed, 401, "bad_signature")
    assert [e.object_id for e in reads()] == [str(mine.pk)]


def test_a_file_signature_does_not_open_the_detail(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    response = client.get(
        detail_path(subcase), headers=agency_headers(file_path(subcase, material))
    )

    assert_error(response, 401, "bad_signature")


def test_another_agency_with_its_own_valid_signature_gets_a_404(world, client):
    world.other_agency.webhook_secret = OTHER_SECRET
    world.other_agency.save()
    subcase = world.subcase()
    path = detail_path(subcase)

    response = client.get(path, headers=agency_headers(path, agency="lx-si", secret=OTHER_SECRET))

    assert_error(response, 404, "not_found")
    assert reads() == []


@pytest.mark.parametrize("seconds", [-301, 301])
def test_a_stale_path_signature_is_a_401(world, client, seconds):
    path = detail_path(world.subcase())
    with platform_clock_at_whole_second() as now:
        response = client.get(path, headers=agency_headers(path, at=now + seconds))
    assert_error(response, 401, "bad_signature")


def test_the_queue_is_read_with_a_path_signature_too(world, client):
    subcase = world.subcase()
    world.subcase(agency=world.other_agency)

    # The path is signed, the query string is not (as for the files).
    response = client.get(f"{QUEUE}?status=open", headers=agency_headers(QUEUE))

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["items"]] == [subcase.pk]


# ---------------------------------------------------------------------------------------------
# Materials: the webhook's entries, file facts included
# ---------------------------------------------------------------------------------------------


def test_the_materials_carry_the_webhooks_file_facts(world, client, settings):
    settings.KUAIBAN_PUBLIC_URL = "https://kuaiban.example.gov.cn/"
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    materials = read(client, subcase)["materials"]

    shared, contract = materials
    assert (shared["code"], shared["provision"], shared["file"]) == ("id_card", "shared", None)
    path = file_path(subcase, material)
    assert contract == {
        "id": material.pk,
        "code": "labour_contract",
        "name": "劳动合同",
        "provision": "uploaded",
        "due_date": None,
        "file": {
            "path": path,
            "url": f"https://kuaiban.example.gov.cn{path}",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    }
    assert materials == subcase_webhook_body(subcase, key="k")["materials"]


def test_size_and_sha256_not_recorded_at_upload_are_read_from_storage(world, client):
    subcase = world.subcase()
    content = b"%PDF-1.7\n" + b"x" * 70_000
    upload(subcase.application, "labour_contract", content=content, record=False)

    entry = read(client, subcase)["materials"][1]["file"]

    assert entry["size"] == len(content)
    assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry["url"] is None  # no KUAIBAN_PUBLIC_URL in the tests


def test_a_gap_material_gains_its_file_once_supplied(world, client):
    subcase = world.subcase()
    [_, owed] = read(client, subcase)["materials"]
    assert (owed["provision"], owed["due_date"], owed["file"]) == ("gap", "2025-03-17", None)

    row = ApplicationMaterial.objects.get(application=subcase.application, code="labour_contract")
    row.file.save("supplied.pdf", ContentFile(PDF), save=False)
    row.content_type, row.size = "application/pdf", len(PDF)
    row.sha256, row.supplied_at = hashlib.sha256(PDF).hexdigest(), timezone.now()
    row.save()

    [_, supplied] = read(client, subcase)["materials"]
    assert supplied["provision"] == "gap"
    assert supplied["file"]["path"] == file_path(subcase, row)
    assert supplied["file"]["size"] == len(PDF)
    download = client.get(file_path(subcase, row), headers=agency_headers(file_path(subcase, row)))
    assert download.status_code == 200


def test_only_the_items_materials_are_listed(world, client):
    subcase = world.subcase()
    upload(subcase.application, "retirement_form")  # not one of this item's materials

    codes = [m["code"] for m in read(client, subcase)["materials"]]

    assert codes == ["id_card", "labour_contract"]


def test_a_file_unreadable_in_storage_is_a_503_in_the_error_shape(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract", record=False)
    material.file.storage.delete(material.file.name)
    path = detail_path(subcase)

    response = client.get(path, headers=agency_headers(path))

    assert_error(response, 503, "storage_unavailable")
    assert "暂时无法读取" in response.json()["error"]["message"]
    assert reads() == []


def test_reading_takes_the_same_queries_for_one_or_many_files(
    world, client, django_assert_max_num_queries
):
    subcase = world.subcase()
    small = b"%PDF-1.4\nsmall\n%%EOF\n"
    upload(subcase.application, "labour_contract", content=small)
    with django_assert_max_num_queries(4):
        read(client, subcase)

    for n in range(12):
        extra = Material.objects.create(code=f"extra_{n}", name=f"其他材料{n}", kind="proof")
        ItemMaterial.objects.create(item=world.item, material=extra)
        upload(subcase.application, f"extra_{n}", content=small, record=n % 2 == 0)
    with django_assert_max_num_queries(4):
        materials = read(client, subcase)["materials"]

    assert len(materials) == 14
    assert sum(1 for m in materials if m["file"]) == 13


def test_an_unreadable_file_refuses_a_post_before_it_acts_not_after(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract", record=False)
    material.file.storage.delete(material.file.name)
    path = f"{detail_path(subcase)}/accept"
    headers = agency_headers(path, method="POST")

    response = client.post(path, data=b"", content_type="application/json", headers=headers)

    assert_error(response, 503, "storage_unavailable")
    subcase.refresh_from_db()
    assert subcase.status == "open" and subcase.version == 0  # nothing done: a retry is safe
