"""Submitting through the API: one transaction, idempotent, nothing half-stored, 404 for others."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import (
    Application,
    ApplicationCommitment,
    ApplicationMaterial,
    Provision,
    SharedDataUse,
)
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.calendar.selectors import add_working_days, is_working_day
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage
from kuaiban.shareddata.selectors import lookup_person
from tests.applications.helpers import PNG, pdf, post_multipart, retirement_body
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _nothing_stored() -> None:
    assert Application.objects.count() == 0
    assert ApplicationMaterial.objects.count() == 0
    assert SubCase.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert _media_files() == []


def test_person_submits_retirement_with_shared_data(world) -> None:
    client = _client(world["zhangjianguo"])
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    body = response.json()
    number = body["number"]
    assert number.startswith("370102-20250303-")
    app = Application.objects.get(number=number)
    # Shared data filled the person's own fields and replaced the ID card and bank details.
    assert app.form["person_name"] == "张建国"
    assert app.form["id_number"] == "370102196503121234"
    provisions = dict(app.materials.values_list("code", "provision"))
    assert provisions["id_card"] == Provision.SHARED
    assert provisions["bank_account_info"] == Provision.SHARED
    assert provisions["personnel_archive"] == Provision.UPLOADED
    uses = {u.source: u for u in SharedDataUse.objects.filter(application=app)}
    assert "person" in uses and "id_number" in uses["person"].used_for["fields"]
    assert "bank_account_info" in uses["insurance"].used_for["materials"]
    assert uses["person"].record.startswith("person:")
    # The frozen snapshot, the sub-cases, the outbox message and the audit row.
    assert app.snapshot["pack"]["code"] == "shandong-2020"
    assert [i["code"] for i in app.snapshot["items"]] == app.items
    first = SubCase.objects.filter(application=app, stage=1)
    assert first.exists() and all(s.status == SubCaseStatus.OPEN and s.due_at for s in first)
    assert SubCase.objects.filter(
        application=app, stage__gt=1, status=SubCaseStatus.WAITING
    ).exists()
    assert OutboxMessage.objects.filter(idempotency_key=f"application.submitted:{number}").exists()
    assert AuditEvent.objects.filter(action="application.submit", object_id=number).exists()
    # The promise is a Beijing calendar date, whatever the server's own time zone.
    assert body["promised_due_date"] == timezone.localtime(app.promised_due_at).date().isoformat()
    assert app.promised_due_at > app.submitted_at
    assert body["applicant_identifier"] == "370102********1234"
    assert body["burden"]["applications"] == {"separate": len(app.items), "bundled": 1}


def test_retry_with_the_same_idempotency_key_returns_the_same_application(world) -> None:
    client = _client(world["zhangjianguo"])
    first = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-1"}
    )
    again = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-1"}
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert len(_media_files()) == 1


@pytest.mark.parametrize("base", ["9000", "abc"], ids=["valid", "invalid"])
def test_same_key_with_a_different_request_is_a_conflict(world, base: str) -> None:
    """Valid or not, another request under a used key is answered 409, not stored or checked."""
    client = _client(world["zhangjianguo"])
    post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-2"}
    )
    other = retirement_body(form={**retirement_body()["form"], "contribution_base": base})
    response = post_multipart(
        client, other, {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-2"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    if base == "abc":  # the same body without the key is refused as invalid
        assert post_multipart(client, other, {"personnel_archive": pdf()}).status_code == 422
    assert Application.objects.count() == 1


def test_a_retry_that_would_no_longer_validate_still_gets_the_first_application(world) -> None:
    """The key is not looked up before a new submission: it is found when the retry fails."""
    person = world["zhangjianguo"]
    client = _client(person)
    first = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-3"}
    )
    person.region = None  # a new submission from this account would now be refused (422)
    person.save(update_fields=["region"])
    again = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-3"}
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    fresh = post_multipart(
        client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": "k-4"}
    )
    assert fresh.status_code == 422
    assert Application.objects.count() == 1


def test_a_forbidden_type_renamed_pdf_is_refused_and_nothing_is_stored(world) -> None:
    client = _client(world["zhangjianguo"])
    fake = SimpleUploadedFile(
        "archive.pdf", b"MZ\x90\x00 this is a windows program", content_type="application/pdf"
    )
    response = post_multipart(client, retirement_body(), {"personnel_archive": fake})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "改扩展名无效" in fields["materials.personnel_archive"][0]
    _nothing_stored()


def test_an_oversized_upload_is_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_UPLOAD_MAX_BYTES = 1024
    client = _client(world["zhangjianguo"])
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, content_type="image/png")
    response = post_multipart(client, retirement_body(), {"personnel_archive": big})
    assert response.status_code == 422
    assert "文件过大" in response.json()["error"]["fields"]["materials.personnel_archive"][0]
    _nothing_stored()


def test_a_missing_required_field_is_named(world) -> None:
    client = _client(world["zhangjianguo"])
    form = retirement_body()["form"]
    del form["retirement_date"]
    response = post_multipart(client, retirement_body(form=form), {"personnel_archive": pdf()})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["form.retirement_date"] == ["请填写“退休日期”"]
    _nothing_stored()


def test_a_failure_after_files_were_written_leaves_no_file(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kuaiban.applications.services as services

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr(services, "outbox_message_new", broken)
    client = _client(world["zhangjianguo"])
    client.raise_request_exception = False
    response = post_multipart(client, retirement_body(), {"personnel_archive": pdf()})
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    _nothing_stored()


def _hiring_body() -> dict:
    """Shanxi 1-1 企业招用工 for one new employee, 李明, whose phone is on the form."""
    return {
        "pack": "shanxi-2020",
        "bundle": "1",
        "scenario": "1-1",
        "items": [],
        "form": {
            "contribution_base": "7200",
            "hire_date": "2025-03-01",
            "id_number": "140106199005153010",
            "person_name": "李明",
            "phone": "13812345678",
            "change_date": "2025-03-01",
            "change_type": "增员",
            "contract_start": "2025-03-01",
            "job_title": "软件工程师",
            "contract_type": "固定期限",
            "filing_type": "劳动合同订立",
        },
        "materials": {},
        "channel": "web",
    }


def test_a_unit_submits_hiring_through_the_same_endpoint(world) -> None:
    files = {"id_card": pdf(), "labour_contract": pdf()}
    response = post_multipart(_client(world["unit-jinyang"]), _hiring_body(), files)
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert app.number.startswith("140106-")
    assert app.form["unit_name"] == "太原晋阳软件科技有限公司"  # from the enterprise register
    assert app.applicant_kind == "unit"
    assert set(app.materials.values_list("code", flat=True)) >= {"id_card", "labour_contract"}


def _survivor_body(*, dependants: str = "0", **materials: str) -> dict:
    """Shandong 9-1 退休人员过世: 张建国 claims for his late father (``dependants`` 供养亲属)."""
    return {
        "pack": "shandong-2020",
        "bundle": "9",
        "scenario": "9-1",
        "items": [],
        "form": {
            "person_name": "张德顺",
            "id_number": make_id_number(birth="19400101", seq="015"),
            "death_date": "2025-02-20",
            "claimant_name": "张建国",
            "claimant_id_number": "370102196503121234",
            "claimant_relation": "子女",
            "phone": "13812345678",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": "张建国",
            "dependants_count": dependants,
        },
        "materials": materials,
        "commitments": {"credit": True},
        "channel": "web",
    }


def test_a_gap_material_is_owed_by_a_working_day_date(world) -> None:
    # 容缺受理 on Monday 2025-03-03: the cremation certificate is not a key material, so it may
    # be handed in later, within 10 working days: by Monday 2025-03-17.
    body = _survivor_body(dependants="1", cremation_certificate="gap", dependant_proof="commitment")
    response = post_multipart(_client(world["zhangjianguo"]), body, {"death_certificate": pdf()})
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    owed = app.materials.get(code="cremation_certificate")
    assert owed.provision == Provision.GAP
    assert owed.due_date == dt.date(2025, 3, 17)
    assert is_working_day(owed.due_date)
    assert not owed.file and owed.supplied_at is None
    assert app.materials.get(code="dependant_proof").provision == Provision.COMMITMENT
    listed = {m["code"]: m for m in response.json()["materials"]}
    assert listed["cremation_certificate"]["due_date"] == "2025-03-17"


def test_a_gap_owed_over_a_holiday_falls_on_the_next_working_day(world, frozen_now) -> None:
    # Submitted on Thursday 2025-09-25: ten working days skip the National Day holiday (1–8
    # October) and count the make-up Sunday 28 September and Saturday 11 October: Wednesday 15.
    when = dt.datetime(2025, 9, 25, 10, 0, tzinfo=frozen_now.tzinfo)
    with mock.patch.object(timezone, "now", return_value=when):
        response = post_multipart(
            _client(world["zhangjianguo"]),
            _survivor_body(cremation_certificate="gap"),
            {"death_certificate": pdf()},
        )
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    owed = app.materials.get(code="cremation_certificate")
    assert owed.due_date == dt.date(2025, 10, 15)
    assert owed.due_date == add_working_days(start=dt.date(2025, 9, 25), days=10)


def test_a_key_material_cannot_be_owed(world) -> None:
    body = {**_hiring_body(), "materials": {"labour_contract": "gap"}}
    response = post_multipart(_client(world["unit-jinyang"]), body, {"id_card": pdf()})
    assert response.status_code == 422
    assert "关键材料" in response.json()["error"]["fields"]["materials.labour_contract"][0]
    _nothing_stored()


def test_credit_commitment_is_required_when_money_is_paid(world) -> None:
    client = _client(world["zhangjianguo"])
    # 1.6.1 pays a pension: without the credit commitment the submission is refused.
    response = post_multipart(
        client, retirement_body(commitments={"credit": False}), {"personnel_archive": pdf()}
    )
    assert response.status_code == 422
    assert "credit_commitment" in response.json()["error"]["fields"]
    ok = post_multipart(
        client, retirement_body(commitments={"credit": True}), {"personnel_archive": pdf()}
    )
    assert ok.status_code == 201
    assert ApplicationCommitment.objects.filter(kind="credit").count() == 1


def test_json_body_without_files_and_bad_bodies(world) -> None:
    client = _client(world["zhangjianguo"])
    response = client.post(
        "/api/v1/applications", data="{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()
    response = client.post(
        "/api/v1/applications",
        data=json.dumps({"pack": "shandong-2020"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "bundle" in json.dumps(response.json()["error"]["fields"])
    response = client.post("/api/v1/applications", data="x", content_type="text/plain")
    assert response.status_code == 415
    _nothing_stored()


def test_nobody_else_sees_an_application(world) -> None:
    owner = _client(world["zhangjianguo"])
    number = post_multipart(owner, retirement_body(), {"personnel_archive": pdf()}).json()["number"]
    assert owner.get(f"/api/v1/applications/{number}").status_code == 200
    for username in ("unit-qilu", "officer-ty-si", "clerk-lixia", "supervisor-sd"):
        response = _client(world[username]).get(f"/api/v1/applications/{number}")
        expected = 200 if username == "supervisor-sd" else 404
        assert response.status_code == expected, username
    assert Client().get(f"/api/v1/applications/{number}").status_code == 401
    # Officers of the agencies the sub-cases went to do see it.
    agency_ids = set(
        SubCase.objects.filter(application__number=number).values_list("agency_id", flat=True)
    )
    officer = User.objects.filter(role="officer", agency_id__in=agency_ids).first()
    assert officer is not None
    assert _client(officer).get(f"/api/v1/applications/{number}").status_code == 200


def test_my_applications_are_paginated(world) -> None:
    client = _client(world["zhangjianguo"])
    for n in range(3):
        post_multipart(
            client, retirement_body(), {"personnel_archive": pdf()}, **{"Idempotency-Key": f"p{n}"}
        )
    page = client.get("/api/v1/applications?page=1").json()
    assert page["count"] == 3 and len(page["items"]) == 3
    assert _client(world["unit-qilu"]).get("/api/v1/applications").json()["count"] == 0


def test_a_missing_route_is_refused_clearly_and_stores_nothing(world) -> None:
    from kuaiban.catalogue.models import Route

    Route.objects.filter(region__code="370100", agency_kind="labour_relations").delete()
    response = post_multipart(
        _client(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "route_missing"
    assert "4.1.1" in error["fields"]["items"][0] and "历下区" in error["fields"]["items"][0]
    _nothing_stored()


def test_a_person_without_a_phone_on_file_is_reached_at_the_form_phone(world) -> None:
    person = world["zhangjianguo"]
    person.phone = ""
    person.save(update_fields=["phone"])
    body = retirement_body()
    body["form"]["phone"] = "13900001111"
    response = post_multipart(_client(person), body, {"personnel_archive": pdf()})
    assert response.status_code == 201, response.content
    assert Application.objects.get(number=response.json()["number"]).applicant_phone == (
        "13900001111"
    )


def test_a_unit_is_not_reached_at_its_employee_phone(world) -> None:
    unit = world["unit-jinyang"]
    unit.phone = ""
    unit.save(update_fields=["phone"])
    body = _hiring_body()
    files = {"id_card": pdf(), "labour_contract": pdf()}
    response = post_multipart(_client(unit), body, files)
    assert response.status_code == 201, response.content
    assert Application.objects.get(number=response.json()["number"]).applicant_phone == ""


def test_without_dependants_their_proof_is_neither_asked_nor_counted(world) -> None:
    """供养亲属人数 0: 供养亲属生活来源证明 is not required, not stored and not in the burden."""
    client = _client(world["zhangjianguo"])
    offered = post_multipart(
        client, _survivor_body(cremation_certificate="gap", dependant_proof="gap"), {}
    )
    assert offered.status_code == 422
    assert (
        "无需提供“供养亲属生活来源证明”"
        in (offered.json()["error"]["fields"]["materials.dependant_proof"][0])
    )
    with_dependants = post_multipart(
        client, _survivor_body(dependants="1", cremation_certificate="gap"), {}
    )
    assert with_dependants.status_code == 422
    assert "materials.dependant_proof" in with_dependants.json()["error"]["fields"]
    assert Application.objects.count() == 0
    response = post_multipart(
        client, _survivor_body(cremation_certificate="gap"), {"death_certificate": pdf()}
    )
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert not app.materials.filter(code="dependant_proof").exists()
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="9")
    profile = lookup_person(id_number="370102196503121234").profile
    full = bundle_plan(bundle=bundle, scenario_code="9-1", profile=profile)
    [proof] = [m for m in full.materials if m.code == "dependant_proof"]
    users = len(proof.items)  # the items that each ask for it on their own
    assert app.burden["materials"]["bundled"] == full.burden["materials"].bundled - 1
    assert app.burden["materials"]["separate"] == full.burden["materials"].separate - users
