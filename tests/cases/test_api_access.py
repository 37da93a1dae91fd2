"""The sub-case API: officers of the agency only; agencies' systems by signature; 404 otherwise."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCaseStatus
from kuaiban.catalogue.models import Agency, Delivery
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.signing import signed_headers, signed_path_headers
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def subcase(world):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    number = post_multipart(client, retirement_body(), {"personnel_archive": pdf()}).json()[
        "number"
    ]
    return Application.objects.get(number=number).subcases.filter(status="open").first()


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _officer_of(agency: Agency) -> User:
    return User.objects.get_or_create(
        username=f"o-{agency.code}", defaults={"role": "officer", "agency": agency}
    )[0]


def test_the_right_officer_works_it_through_the_api(subcase) -> None:  # type: ignore[no-untyped-def]
    client = _as(_officer_of(subcase.agency))
    detail = client.get(f"/api/v1/subcases/{subcase.pk}").json()
    assert (
        detail["application"] == subcase.application.number and detail["version"] == subcase.version
    )
    assert AuditEvent.objects.filter(
        action="subcase.read", object_id=str(subcase.pk), actor=_officer_of(subcase.agency)
    ).exists()  # an officer's read through the API, as in the workbench
    queue = client.get("/api/v1/subcases").json()
    assert subcase.pk in [row["id"] for row in queue["items"]]
    response = client.post(
        f"/api/v1/subcases/{subcase.pk}/decision",
        data=json.dumps(
            {
                "outcome": "approved",
                "version": detail["version"],
                "results": [{"kind": "e_certificate", "name": "社会保障卡", "number": "X1"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    stale = client.post(
        f"/api/v1/subcases/{subcase.pk}/decision",
        data=json.dumps({"outcome": "rejected", "note": "x", "version": detail["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    "url",
    ["/api/v1/subcases/{id}", "/api/v1/subcases/{id}/accept", "/api/v1/subcases/{id}/decision"],
)
def test_officers_of_other_agencies_and_regions_get_404(subcase, world, url) -> None:  # type: ignore[no-untyped-def]
    for username in ("officer-ty-si", "officer-jn-emp", "officer-ty-emp"):
        user = world[username]
        if user.agency_id == subcase.agency_id:
            continue
        client = _as(user)
        path = url.format(id=subcase.pk)
        response = (
            client.get(path)
            if url.endswith("{id}")
            else client.post(
                path, data=json.dumps({"outcome": "approved"}), content_type="application/json"
            )
        )
        assert response.status_code == 404, (username, path)
    assert _as(world["zhangjianguo"]).get(f"/api/v1/subcases/{subcase.pk}").status_code == 404
    assert Client().get(f"/api/v1/subcases/{subcase.pk}").status_code == 401
    assert not AuditEvent.objects.filter(action="subcase.read").exists()


def test_an_agency_system_decides_with_its_signature(subcase) -> None:  # type: ignore[no-untyped-def]
    agency = subcase.agency
    Agency.objects.filter(pk=agency.pk).update(
        delivery=Delivery.WEBHOOK, webhook_secret="s3cret", webhook_url="http://127.0.0.1:9/hook"
    )
    path = f"/api/v1/subcases/{subcase.pk}/decision"
    body = json.dumps(
        {"outcome": "approved", "results": [{"name": "备案回执", "number": "B-1"}]}
    ).encode()

    def signed(secret: str = "s3cret", now: float | None = None) -> dict[str, str]:
        return signed_path_headers(
            agency_code=agency.code, secret=secret, method="POST", path=path, body=body, now=now
        )

    def post(headers: dict[str, str]):  # type: ignore[no-untyped-def]
        return Client().post(path, data=body, content_type="application/json", headers=headers)

    # The old body-only signature (the webhooks' scheme) names no sub-case: refused.
    old = post(signed_headers(agency_code=agency.code, secret="s3cret", body=body))
    assert old.status_code == 401 and old.json()["error"]["code"] == "bad_signature"
    assert "路径" in old.json()["error"]["message"]
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.OPEN
    response = post(signed())
    assert response.status_code == 200, response.content
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.APPROVED
    response = post(signed(secret="not-the-secret"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_signature"
    assert post(signed(now=0)).status_code == 401
