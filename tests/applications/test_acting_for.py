"""亲情代办: 王芳, authorised by 张建国, applies, follows and receives results for him — every
act says who acted for whom — and after revocation or expiry she gets 404 like anyone else."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.authorisations import Act, authorisation_grant
from kuaiban.accounts.models import Authorisation, User
from kuaiban.applications.models import Application
from kuaiban.core.models import AuditEvent
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.worlds import NOW

pytestmark = pytest.mark.django_db
ZHANG = "370102196503121234"
WANG = "320102198807150421"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _grant(world, acts: set[Act] | None = None, days: int = 365) -> Authorisation:  # type: ignore[no-untyped-def]
    return authorisation_grant(
        actor=world["zhangjianguo"],
        agent_id_number=WANG,
        relation="子女",
        valid_from=NOW.date(),
        valid_until=NOW.date() + dt.timedelta(days=days),
        acts=acts or set(Act),
    )


def _apply_for_zhang(client: Client):  # type: ignore[no-untyped-def]
    body = retirement_body(applicant={"id_number": ZHANG})
    return post_multipart(client, body, {"personnel_archive": pdf()})


def test_the_grantor_authorises_on_the_page(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world["zhangjianguo"])
    assert client.get("/me/authorisations/").status_code == 200
    response = client.post(
        "/me/authorisations/",
        {
            "agent_id_number": WANG,
            "relation": "子女",
            "valid_from": "2025-03-03",
            "valid_until": "2026-03-02",
            "may_apply": "1",
            "may_query": "1",
        },
    )
    assert response.status_code == 302
    found = Authorisation.objects.get()
    assert (found.grantor, found.agent) == (world["zhangjianguo"], world["wangfang"])
    assert found.may_apply and found.may_query and not found.may_receive
    assert found.created_by == world["zhangjianguo"]
    event = AuditEvent.objects.get(action="authorisation.grant")
    assert WANG not in str(event.changes)  # masked
    # Bad input: nothing stored, the reasons shown.
    bad = client.post("/me/authorisations/", {"agent_id_number": ZHANG, "relation": ""})
    assert bad.status_code == 422 and "不能授权给本人" in bad.content.decode()
    assert Authorisation.objects.count() == 1


def test_the_family_member_applies_queries_and_receives_for_him(world) -> None:  # type: ignore[no-untyped-def]
    _grant(world)
    wang = as_user(world["wangfang"])
    response = _apply_for_zhang(wang)
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    assert application.applicant == world["zhangjianguo"]
    assert application.submitted_by == world["wangfang"] and application.agent == world["wangfang"]
    assert application.region.code == "370102"  # his place, not hers
    assert application.acted_for_label == "王芳 代 张建国 办理"
    submit = AuditEvent.objects.get(action="application.submit", object_id=application.number)
    assert submit.changes["acted_for"] == "王芳 代 张建国 办理"
    # She follows it: list, API, page — each read of his case audited as hers for him.
    listed = wang.get("/api/v1/applications").json()
    assert application.number in {a["number"] for a in listed["items"]}
    assert wang.get(f"/api/v1/applications/{application.number}").status_code == 200
    page = wang.get(f"/me/applications/{application.number}/")
    assert page.status_code == 200 and "王芳 代 张建国 办理" in page.content.decode()
    reads = AuditEvent.objects.filter(action="application.read", object_id=application.number)
    assert reads.count() == 2
    assert {e.changes["acted_for"] for e in reads} == {"王芳 代 张建国 查询"}
    receipt = wang.get(f"/me/applications/{application.number}/receipt/").content.decode()
    assert "亲情代办" in receipt and "王芳 代 张建国 办理" in receipt
    # He sees it as his own.
    assert (
        as_user(world["zhangjianguo"]).get(f"/me/applications/{application.number}/").status_code
        == 200
    )


def test_after_revocation_she_gets_404_everywhere(world) -> None:  # type: ignore[no-untyped-def]
    authorisation = _grant(world)
    wang = as_user(world["wangfang"])
    number = _apply_for_zhang(wang).json()["number"]
    zhang = as_user(world["zhangjianguo"])
    assert zhang.post(f"/me/authorisations/{authorisation.pk}/revoke").status_code == 302
    assert AuditEvent.objects.filter(action="authorisation.revoke").count() == 1
    assert wang.get(f"/api/v1/applications/{number}").status_code == 404
    assert wang.get(f"/me/applications/{number}/").status_code == 404
    assert wang.get(f"/me/applications/{number}/receipt/").status_code == 404
    assert wang.get(f"/me/applications/{number}/results.pdf").status_code == 404
    assert wang.post(f"/me/applications/{number}/withdraw").status_code == 404
    assert number not in str(wang.get("/api/v1/applications").json())
    refused = _apply_for_zhang(wang)
    assert refused.status_code == 422 and "applicant" in refused.json()["error"]["fields"]
    # Revoking twice is a conflict shown as a message, not a second row.
    zhang.post(f"/me/authorisations/{authorisation.pk}/revoke")
    assert AuditEvent.objects.filter(action="authorisation.revoke").count() == 1


def test_after_expiry_she_gets_404(world) -> None:  # type: ignore[no-untyped-def]
    _grant(world, days=0)  # today only
    wang = as_user(world["wangfang"])
    number = _apply_for_zhang(wang).json()["number"]
    assert wang.get(f"/api/v1/applications/{number}").status_code == 200
    with mock.patch.object(timezone, "now", return_value=NOW + dt.timedelta(days=1)):
        assert wang.get(f"/api/v1/applications/{number}").status_code == 404
        assert wang.get(f"/me/applications/{number}/").status_code == 404


def test_the_scope_limits_the_acts(world) -> None:  # type: ignore[no-untyped-def]
    _grant(world, acts={Act.QUERY})
    wang = as_user(world["wangfang"])
    assert _apply_for_zhang(wang).status_code == 422  # may follow, not apply
    number = _apply_for_zhang(as_user(world["zhangjianguo"])).json()["number"]
    assert wang.get(f"/api/v1/applications/{number}").status_code == 200
    assert wang.get(f"/me/applications/{number}/results.pdf").status_code == 404  # no receive
    assert wang.post(f"/me/applications/{number}/withdraw").status_code == 404  # no apply


@pytest.mark.parametrize("username", ["unit-qilu", "officer-jn-si", "supervisor-sd"])
def test_nobody_else_sees_or_revokes_an_authorisation(world, username: str) -> None:  # type: ignore[no-untyped-def]
    authorisation = _grant(world)
    client = as_user(world[username])
    assert client.post(f"/me/authorisations/{authorisation.pk}/revoke").status_code == 404
    assert Authorisation.objects.get().revoked_at is None


def test_a_clerk_registers_it_at_the_window(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world["clerk-lixia"])
    response = client.post(
        "/me/authorisations/",
        {
            "grantor_id_number": ZHANG,
            "agent_id_number": WANG,
            "relation": "子女",
            "valid_from": "2025-03-03",
            "valid_until": "2025-09-02",
            "may_apply": "1",
            "may_query": "1",
            "may_receive": "1",
        },
    )
    assert response.status_code == 302
    found = Authorisation.objects.get()
    assert found.grantor == world["zhangjianguo"] and found.created_by == world["clerk-lixia"]


def test_the_api_grants_lists_and_revokes(world) -> None:  # type: ignore[no-untyped-def]
    zhang = as_user(world["zhangjianguo"])
    body = {
        "agent_id_number": WANG,
        "relation": "子女",
        "acts": ["may_apply", "may_query", "may_receive"],
        "valid_from": "2025-03-03",
        "valid_until": "2026-03-02",
    }
    created = zhang.post("/api/v1/authorisations", body, content_type="application/json")
    assert created.status_code == 201, created.content
    given = created.json()
    assert given["active"] and given["agent_id_number"] != WANG  # masked
    wang = as_user(world["wangfang"])
    assert [a["id"] for a in wang.get("/api/v1/authorisations").json()["items"]] == [given["id"]]
    # Nobody else sees or revokes it.
    other = as_user(world["unit-qilu"])
    assert other.get("/api/v1/authorisations").json()["count"] == 0
    assert other.post(f"/api/v1/authorisations/{given['id']}/revoke").status_code == 404
    revoked = zhang.post(f"/api/v1/authorisations/{given['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert zhang.post(f"/api/v1/authorisations/{given['id']}/revoke").status_code == 409
    # Bad input: 422, nothing stored.
    for bad in (
        {**body, "acts": []},
        {**body, "agent_id_number": ZHANG},
        {**body, "valid_until": "2024-01-01"},
        {**body, "unknown": 1},
    ):
        assert (
            zhang.post("/api/v1/authorisations", bad, content_type="application/json").status_code
            == 422
        )
    assert Authorisation.objects.count() == 1
    assert (
        as_user(world["officer-jn-si"])
        .post("/api/v1/authorisations", body, content_type="application/json")
        .status_code
        == 403
    )


def test_the_family_members_page_leads_on_to_applying_for_him(world) -> None:  # type: ignore[no-untyped-def]
    authorisation = _grant(world)
    wang = as_user(world["wangfang"]).get("/me/authorisations/").content.decode()
    assert '<a href="/apply/">代张建国申请办理</a>' in wang and "查看代办的办件" in wang
    zhang = as_user(world["zhangjianguo"])
    assert "代张建国申请办理" not in zhang.get("/me/authorisations/").content.decode()
    zhang.post(f"/me/authorisations/{authorisation.pk}/revoke")
    after = as_user(world["wangfang"]).get("/me/authorisations/").content.decode()
    assert "代张建国申请办理" not in after and "已撤销" in after
