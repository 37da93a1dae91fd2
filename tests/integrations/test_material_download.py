"""An agency's own system downloads the material files its webhook lists.

The webhook goes to the real receiver on 127.0.0.1; the agency's side then fetches each file
over HTTP from the live server, signing the GET over method, path and timestamp with its own
HMAC code (independent of ``kuaiban.integrations.signing``), and checks size and SHA-256.
The refusals (wrong agency, foreign material, bad signature…) go through the test client.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.dispatch import subcase_webhook_body
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxState
from kuaiban.integrations.signing import sign, signed_path_headers
from tests.integrations.conftest import SECRET
from tests.integrations.helpers import (
    PDF,
    agency_headers,
    drain,
    fresh,
    platform_clock_at_whole_second,
    upload,
)

OTHER_SECRET = "lixia-shared-secret"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------------------------------------
# The agency's side: its own signing code, as an agency would write it from the README
# ---------------------------------------------------------------------------------------------


def agency_fetch(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=agency_headers(path), method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


# ---------------------------------------------------------------------------------------------
# Stored files
# ---------------------------------------------------------------------------------------------


def file_path(subcase: Any, material: Any) -> str:
    return f"/api/v1/subcases/{subcase.pk}/materials/{material.pk}/file"


def get(client: Any, path: str, **headers_kw: Any) -> Any:
    return client.get(path, headers=agency_headers(path, **headers_kw))


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def downloads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="subcase.material_download").order_by("pk"))


@pytest.fixture
def other_item(world):
    """A second item of the bundle, with a material the first item does not ask for."""
    from kuaiban.catalogue.models import ItemMaterial, Material, ServiceItem

    item = ServiceItem.objects.create(
        code="1.2.1",
        name="基本养老保险待遇申领",
        category="社会保险",
        agency_kind="social_insurance",
        target="person",
        promised_limit_value=10,
    )
    material = Material.objects.create(code="retirement_form", name="退休审批表", kind="form")
    ItemMaterial.objects.create(item=item, material=material)
    return item


# ---------------------------------------------------------------------------------------------
# The journey: webhook to the receiver, then the file over HTTP from the live server
# ---------------------------------------------------------------------------------------------


def test_the_agency_gets_the_webhook_then_downloads_the_exact_file(
    world, receiver, live_server, settings
):
    settings.KUAIBAN_PUBLIC_URL = live_server.url + "/"
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    ApplicationMaterial.objects.filter(pk=material.pk).update(name="劳动合同")
    message = world.dispatch(subcase)

    assert drain().delivered == 1
    assert fresh(message).state == OutboxState.DELIVERED
    [arrival] = receiver.arrivals
    assert arrival.signature_ok
    shared, contract = arrival.body["materials"]
    assert (shared["code"], shared["provision"], shared["file"]) == ("id_card", "shared", None)
    path = file_path(subcase, material)
    assert contract["id"] == material.pk and contract["provision"] == "uploaded"
    assert contract["file"] == {
        "path": path,
        "url": f"{live_server.url}{path}",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }

    # The agency's system, having applied the webhook, fetches the file it names.
    status, headers, data = agency_fetch(contract["file"]["url"], contract["file"]["path"])

    assert status == 200
    assert data == PDF
    assert len(data) == contract["file"]["size"]
    assert hashlib.sha256(data).hexdigest() == contract["file"]["sha256"]
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "private, no-store"
    number = subcase.application.number
    assert headers["Content-Disposition"] == (
        f'attachment; filename="{number}-labour_contract.pdf"; '
        f"filename*=UTF-8''{number}-%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C.pdf"
    )
    [event] = downloads()
    assert event.object_type == "subcase" and event.object_id == str(subcase.pk)
    assert event.changes == {
        "system": "jn-si",
        "application": number,
        "material": "labour_contract",
        "material_id": material.pk,
    }


def test_the_same_fetch_with_a_wrong_secret_is_refused_over_http(world, live_server):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    path = file_path(subcase, material)
    request = urllib.request.Request(
        live_server.url + path, headers=agency_headers(path, secret="guessed"), method="GET"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value as error:
        assert error.code == 401
        assert json.loads(error.read())["error"]["code"] == "bad_signature"
    assert downloads() == []


# ---------------------------------------------------------------------------------------------
# The webhook's materials entries
# ---------------------------------------------------------------------------------------------


def test_without_a_public_url_the_entry_has_the_relative_path_only(world, settings):
    settings.KUAIBAN_PUBLIC_URL = ""
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    body = subcase_webhook_body(subcase, key="k")

    entry = body["materials"][1]["file"]
    assert entry["path"] == file_path(subcase, material)
    assert entry["url"] is None


def test_size_and_sha256_not_recorded_at_upload_are_read_from_storage(world):
    subcase = world.subcase()
    content = b"%PDF-1.7\n" + os.urandom(70_000)
    material = upload(subcase.application, "labour_contract", content=content, record=False)
    assert (material.size, material.sha256) == (0, "")

    entry = subcase_webhook_body(subcase, key="k")["materials"][1]["file"]

    assert entry["size"] == len(content)
    assert entry["sha256"] == hashlib.sha256(content).hexdigest()


def test_an_owed_material_has_no_file_until_it_is_supplied(world):
    subcase = world.subcase()
    [_, owed] = subcase_webhook_body(subcase, key="k")["materials"]
    assert (owed["provision"], owed["due_date"], owed["file"]) == ("gap", "2025-03-17", None)

    # 容缺后补: the row keeps provision "gap" and gains the file and supplied_at.
    row = ApplicationMaterial.objects.get(application=subcase.application, code="labour_contract")
    row.file.save("supplied.pdf", ContentFile(PDF), save=False)
    row.content_type, row.size = "application/pdf", len(PDF)
    row.sha256, row.supplied_at = hashlib.sha256(PDF).hexdigest(), timezone.now()
    row.save()

    [_, supplied] = subcase_webhook_body(subcase, key="k")["materials"]
    assert supplied["provision"] == "gap" and supplied["file"]["size"] == len(PDF)
    assert get_ok_bytes(subcase, row) == PDF


def get_ok_bytes(subcase: Any, material: Any) -> bytes:
    from django.test import Client

    response = get(Client(), file_path(subcase, material))
    assert response.status_code == 200
    return body_of(response)


def test_a_file_gone_from_storage_makes_the_dispatch_retry_with_a_clear_error(world, receiver):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract", record=False)
    material.file.storage.delete(material.file.name)
    message = world.dispatch(subcase)

    assert drain().retried == 1
    assert receiver.arrivals == []
    assert "读取材料“labour_contract”的文件" in fresh(message).last_error


def test_only_the_items_materials_are_listed(world, other_item):
    subcase = world.subcase()
    upload(subcase.application, "retirement_form")  # another item's material, same application

    codes = [m["code"] for m in subcase_webhook_body(subcase, key="k")["materials"]]

    assert codes == ["id_card", "labour_contract"]


def test_building_the_body_takes_the_same_queries_for_one_or_many_files(world):
    few = world.subcase()
    upload(few.application, "labour_contract")
    many = world.subcase()
    for code in ("labour_contract", "id_card"):
        upload(many.application, code)

    with CaptureQueriesContext(connection) as one:
        subcase_webhook_body(few, key="k")
    with CaptureQueriesContext(connection) as two:
        subcase_webhook_body(many, key="k")

    assert len(one) == len(two) <= 3


# ---------------------------------------------------------------------------------------------
# The download endpoint through the test client: who may fetch what
# ---------------------------------------------------------------------------------------------


def test_the_routed_agency_gets_the_exact_bytes_and_the_download_is_audited(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    response = get(client, file_path(subcase, material))

    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Kuaiban-Sha256"] == hashlib.sha256(PDF).hexdigest()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [e.changes["material_id"] for e in downloads()] == [material.pk]
    assert downloads()[0].actor is None and downloads()[0].actor_label == "system"


def test_another_agency_gets_a_404_even_with_its_own_valid_signature(world, client):
    world.other_agency.webhook_secret = OTHER_SECRET
    world.other_agency.save()
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    response = get(client, file_path(subcase, material), agency="lx-si", secret=OTHER_SECRET)

    assert_error(response, 404, "not_found")
    assert downloads() == []


def test_after_a_transfer_only_the_new_agency_may_fetch(world, client):
    world.other_agency.webhook_secret = OTHER_SECRET
    world.other_agency.save()
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    path = file_path(subcase, material)
    assert get(client, path).status_code == 200

    subcase.agency = world.other_agency
    subcase.save()

    assert_error(get(client, path), 404, "not_found")
    response = get(client, path, agency="lx-si", secret=OTHER_SECRET)
    assert response.status_code == 200 and body_of(response) == PDF


def test_a_material_of_another_application_is_a_404(world, client):
    subcase = world.subcase()
    upload(subcase.application, "labour_contract")
    elsewhere = upload(world.application(), "labour_contract")

    response = get(client, file_path(subcase, elsewhere))

    assert_error(response, 404, "not_found")
    assert response.json()["error"]["message"] == "材料不存在"


def test_a_material_of_another_item_on_the_same_application_is_a_404(world, client, other_item):
    subcase = world.subcase()
    foreign = upload(subcase.application, "retirement_form")

    assert_error(get(client, file_path(subcase, foreign)), 404, "not_found")
    # The sub-case of that item, routed to the same agency, does serve it.
    theirs = world.subcase(subcase.application, item=other_item, seed_name="待遇申领")
    assert get(client, file_path(theirs, foreign)).status_code == 200


@pytest.mark.parametrize("code", ["id_card", "labour_contract"])
def test_a_material_without_a_file_is_a_404(world, client, code):
    subcase = world.subcase()  # id_card from shared data, labour_contract owed (gap)
    material = ApplicationMaterial.objects.get(application=subcase.application, code=code)

    assert_error(get(client, file_path(subcase, material)), 404, "not_found")


@pytest.mark.parametrize(
    "subcase_id, material_id",
    [("{s}", "999999"), ("999999", "{m}"), ("{s}", "99999999999999999999999"), ("{s}", "-1")],
)
def test_missing_or_impossible_ids_are_a_404(world, client, subcase_id, material_id):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    sub, mat = subcase_id.format(s=subcase.pk), material_id.format(m=material.pk)
    path = f"/api/v1/subcases/{sub}/materials/{mat}/file"
    assert_error(get(client, path), 404, "not_found")


def test_a_file_storage_cannot_read_is_a_503_not_a_500(world, client, monkeypatch):
    from django.db.models.fields.files import FieldFile

    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")

    def refuse(self, mode="rb"):  # type: ignore[no-untyped-def]
        raise PermissionError("storage refused")

    monkeypatch.setattr(FieldFile, "open", refuse)
    assert_error(get(client, file_path(subcase, material)), 503, "storage_unavailable")
    assert downloads() == []


def test_a_file_missing_from_storage_is_a_404_not_a_500(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    material.file.storage.delete(material.file.name)

    assert_error(get(client, file_path(subcase, material)), 404, "not_found")
    assert downloads() == []


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def path(world) -> str:
    subcase = world.subcase()
    return file_path(subcase, upload(subcase.application, "labour_contract"))


def test_a_wrong_secret_is_a_401(client, path):
    assert_error(get(client, path, secret="not-the-secret"), 401, "bad_signature")


@pytest.mark.parametrize("seconds", [-301, 301])
def test_a_stale_or_future_timestamp_is_a_401(client, path, seconds):
    with platform_clock_at_whole_second() as now:
        response = get(client, path, at=now + seconds)
    assert_error(response, 401, "bad_signature")
    assert "过期" in response.json()["error"]["message"]


def test_a_signature_for_another_file_does_not_open_this_one(world, client, path):
    subcase = world.subcase()
    other = file_path(subcase, upload(subcase.application, "labour_contract"))
    assert get(client, other).status_code == 200

    tampered = client.get(path, headers=agency_headers(other))  # signed for the other path

    assert_error(tampered, 401, "bad_signature")


def test_a_path_altered_after_signing_is_refused(world, client, path):
    # The same sub-case and material, spelled differently: the signature named the other.
    subcase_id, material_id = path.split("/")[4], path.split("/")[6]
    altered = f"/api/v1/subcases/0{subcase_id}/materials/{material_id}/file"

    assert_error(client.get(altered, headers=agency_headers(path)), 401, "bad_signature")
    assert client.get(altered, headers=agency_headers(altered)).status_code == 200
    assert len(downloads()) == 1


def test_a_path_outside_the_route_is_a_json_404(client, path):
    for suffix in ("/", "/../file"):
        response = client.get(path + suffix, headers=agency_headers(path + suffix))
        assert_error(response, 404, "not_found")
    assert downloads() == []


def test_a_body_signature_is_not_a_path_signature(client, path):
    timestamp = int(time.time())
    response = client.get(
        path,
        headers={
            "X-Kuaiban-Agency": "jn-si",
            "X-Kuaiban-Timestamp": str(timestamp),
            "X-Kuaiban-Signature": sign(secret=SECRET, body=b"", timestamp=timestamp),
        },
    )
    assert_error(response, 401, "bad_signature")


def test_the_agency_header_cannot_be_swapped(world, client, path):
    world.other_agency.webhook_secret = OTHER_SECRET
    world.other_agency.save()
    headers = agency_headers(path) | {"X-Kuaiban-Agency": "lx-si"}
    assert_error(client.get(path, headers=headers), 401, "bad_signature")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Kuaiban-Agency": "jn-si", "X-Kuaiban-Timestamp": "soon", "X-Kuaiban-Signature": "x"},
        {"X-Kuaiban-Agency": "jn-si", "X-Kuaiban-Timestamp": "0", "X-Kuaiban-Signature": "x"},
        # Too long to compare as a float: once a 500 (OverflowError), now refused up front.
        {"X-Kuaiban-Agency": "jn-si", "X-Kuaiban-Timestamp": "9" * 400, "X-Kuaiban-Signature": "x"},
        {"X-Kuaiban-Agency": "jn-si", "X-Kuaiban-Timestamp": "-5", "X-Kuaiban-Signature": "x"},
        {"X-Kuaiban-Agency": "jn-si", "X-Kuaiban-Timestamp": "１２３", "X-Kuaiban-Signature": "x"},
    ],
)
def test_a_missing_or_malformed_signature_is_a_401(client, path, headers):
    assert_error(client.get(path, headers=headers), 401, "bad_signature")


def test_a_non_ascii_signature_is_a_401_not_a_500(client, path):
    headers = agency_headers(path) | {"X-Kuaiban-Signature": "sha256=签名"}
    assert_error(client.get(path, headers=headers), 401, "bad_signature")


def test_an_officers_session_is_no_signature(world, client, path):
    from kuaiban.accounts.models import Role, User

    officer = User.objects.create_user(
        username="officer-jn", password="x", role=Role.OFFICER, agency=world.agency
    )
    client.force_login(officer)
    assert_error(client.get(path), 401, "bad_signature")


def test_the_platforms_path_signer_matches_the_documented_scheme(path):
    now = time.time()
    ours = signed_path_headers(agency_code="jn-si", secret=SECRET, method="GET", path=path, now=now)
    assert ours == agency_headers(path, at=now)


def test_the_file_url_takes_only_get(client, path):
    response = client.post(path, headers=agency_headers(path))
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


# ---------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------


def test_a_download_takes_four_queries_however_many_materials_there_are(
    world, client, django_assert_max_num_queries
):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    with django_assert_max_num_queries(4):
        assert get(client, file_path(subcase, material)).status_code == 200

    for n in range(20):
        ApplicationMaterial.objects.create(
            application=subcase.application, code=f"extra_{n}", name="其他材料", provision="shared"
        )
    with django_assert_max_num_queries(4):
        response = get(client, file_path(subcase, material))
        assert response.status_code == 200
    assert body_of(response) == PDF


def test_a_name_that_could_split_the_header_or_name_a_folder_is_made_safe(world, client):
    subcase = world.subcase()
    material = upload(subcase.application, "labour_contract")
    ApplicationMaterial.objects.filter(pk=material.pk).update(name='劳动"合同\r\n/../;x=1')

    response = get(client, file_path(subcase, material))

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    number = subcase.application.number
    assert disposition.startswith(f'attachment; filename="{number}-labour_contract.pdf"; ')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert encoded == f"{number}-%E5%8A%B3%E5%8A%A8_%E5%90%88%E5%90%8C_x%3D1.pdf"
