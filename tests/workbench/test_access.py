"""Who may use the workbench: the sub-case's own agency only (404 for any other officer, on
every URL), log-in first (anonymous → log-in page), officers only (403 for every other role,
decided before any lookup, so it says nothing about which sub-cases exist)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from kuaiban.accounts.models import Role, User
from kuaiban.applications.materials import material_supply
from kuaiban.applications.models import ApplicationMaterial, Provision
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.core.models import AuditEvent
from tests.applications.helpers import PDF, pdf
from tests.workbench.helpers import JN_SI, client_for, first_open, queue_ids, submit_retirement

pytestmark = pytest.mark.django_db

ACTIONS = ("accept", "approve", "reject", "correction", "transfer")


@pytest.fixture
def target(world):  # type: ignore[no-untyped-def]
    """The retirement's first sub-case (济南社保) and its uploaded scan."""
    application = submit_retirement(world)
    subcase = first_open(application, JN_SI)
    scan = application.materials.get(provision=Provision.UPLOADED)
    return subcase, scan


def _requests(subcase: SubCase, scan: ApplicationMaterial) -> list[tuple[str, str]]:
    base = f"/workbench/subcases/{subcase.pk}/"
    return [
        ("get", base),
        ("get", f"{base}materials/{scan.pk}/"),
        *[("post", f"{base}{action}/") for action in ACTIONS],
    ]


def _send(client, method: str, url: str):  # type: ignore[no-untyped-def]
    data = {
        "version": "0",
        "reject_note": "x",
        "correction_items": "x",
        "transfer_reason": "x",
        "transfer_agency": "1",
    }
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("username", ["officer-jn-emp", "officer-jn-lab", "officer-ty-si"])
def test_an_officer_of_another_agency_or_region_gets_404_on_every_url(
    world, target, username
) -> None:
    subcase, scan = target
    client = client_for(world[username])
    for method, url in _requests(subcase, scan):
        assert _send(client, method, url).status_code == 404, (method, url)
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN and subcase.version == 0
    assert not AuditEvent.objects.filter(object_type="subcase", actor=world[username]).exists()
    assert subcase.pk not in queue_ids(client)


def test_a_missing_sub_case_is_the_same_404(world, target) -> None:
    _, scan = target
    client = client_for(world["officer-jn-si"])
    missing = SubCase(pk=999_999)
    for method, url in _requests(missing, scan):
        assert _send(client, method, url).status_code == 404, (method, url)


def test_anonymous_visitors_are_sent_to_log_in(world, target) -> None:
    subcase, scan = target
    client = client_for(None)
    for method, url in [("get", "/workbench/"), *_requests(subcase, scan)]:
        response = _send(client, method, url)
        assert response.status_code == 302, (method, url)
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"


@pytest.mark.parametrize(
    "username", ["zhangjianguo", "unit-qilu", "clerk-lixia", "supervisor-sd", "admin"]
)
def test_other_roles_get_403_on_every_url(world, target, username) -> None:
    subcase, scan = target
    client = client_for(world[username])
    for method, url in [("get", "/workbench/"), *_requests(subcase, scan)]:
        response = _send(client, method, url)
        assert response.status_code == 403, (method, url)
        assert "经办工作台仅供经办机构工作人员使用" in response.content.decode()
    subcase.refresh_from_db()
    assert subcase.version == 0


def test_an_officer_without_an_agency_is_refused(world, target) -> None:
    nobody = User.objects.create_user(username="officer-nowhere", role=Role.OFFICER)
    assert client_for(nobody).get("/workbench/").status_code == 403


def test_the_right_officer_downloads_the_file_through_the_access_helper(world, target) -> None:
    subcase, scan = target
    client = client_for(world["officer-jn-si"])
    page = client.get(f"/workbench/subcases/{subcase.pk}/").content.decode()
    link = f"/workbench/subcases/{subcase.pk}/materials/{scan.pk}/"
    assert f'href="{link}"' in page
    assert "/media/" not in page  # never a public media URL
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".pdf" in disposition
    assert "filename*=utf-8''" in disposition  # the Chinese material name, RFC 5987 encoded
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(
        action="subcase.material_download",
        object_id=str(subcase.pk),
        actor=world["officer-jn-si"],
        changes__material=scan.code,
    ).exists()


def test_only_stored_files_of_this_application_are_served(world, target) -> None:
    subcase, scan = target
    client = client_for(world["officer-jn-si"])
    shared = subcase.application.materials.get(provision=Provision.SHARED, code="id_card")
    other = submit_retirement(world).materials.get(provision=Provision.UPLOADED)
    base = f"/workbench/subcases/{subcase.pk}/materials/"
    assert client.get(f"{base}{shared.pk}/").status_code == 404
    assert client.get(f"{base}{other.pk}/").status_code == 404  # another application's file
    assert client.get(f"{base}999999/").status_code == 404
    scan.file.delete(save=False)  # the row survives, the file is gone: still no 500
    assert client.get(f"{base}{scan.pk}/").status_code == 404


def _owe(material: ApplicationMaterial) -> ApplicationMaterial:
    """The material accepted with a gap (容缺): owed by a date, no file yet."""
    material.file.delete(save=False)
    material.provision, material.due_date = Provision.GAP, dt.date(2025, 3, 17)
    material.content_type, material.size, material.sha256 = "", 0, ""
    material.save()
    return material


def test_a_gap_material_supplied_later_is_downloadable_by_the_right_officer(world, target) -> None:
    subcase, scan = target
    owed = _owe(scan)
    officer = client_for(world["officer-jn-si"])
    page = f"/workbench/subcases/{subcase.pk}/"
    link = f"/workbench/subcases/{subcase.pk}/materials/{owed.pk}/"
    assert f'href="{link}"' not in officer.get(page).content.decode()
    assert officer.get(link).status_code == 404  # owed, nothing to download yet

    supplied = material_supply(
        actor=world["zhangjianguo"],
        application=subcase.application,
        code=owed.code,
        upload=pdf("supplied.pdf"),
    )

    assert supplied.provision == Provision.GAP and supplied.supplied_at is not None
    html = officer.get(page).content.decode()
    assert f'href="{link}"' in html and "已于 2025-03-03 " in html
    response = officer.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="subcase.material_download",
        object_id=str(subcase.pk),
        actor=world["officer-jn-si"],
        changes__material=owed.code,
    ).exists()
    for username in ("officer-jn-emp", "officer-ty-si"):
        assert client_for(world[username]).get(link).status_code == 404, username


def test_reading_the_page_is_audited(world, target) -> None:
    subcase, _ = target
    client_for(world["officer-jn-si"]).get(f"/workbench/subcases/{subcase.pk}/")
    assert AuditEvent.objects.filter(
        action="subcase.read", object_id=str(subcase.pk), actor=world["officer-jn-si"]
    ).exists()
