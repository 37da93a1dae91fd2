"""容缺后补 at any window and online: the material arrives once, the officer sees who handed it
in, when, and whether it was late; the public progress no longer lists it as owed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.applications.models import Application
from kuaiban.core.models import AuditEvent
from tests.applications.helpers import PDF, pdf, post_multipart
from tests.applications.test_submit_api import _survivor_body
from tests.cases.test_flow import _officer

pytestmark = pytest.mark.django_db

ID_NUMBER = "370102196503121234"
URL = "/window/supply/"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def app(world) -> Application:  # type: ignore[no-untyped-def]
    body = _survivor_body(cremation_certificate="gap")
    response = post_multipart(_client(world["zhangjianguo"]), body, {"death_certificate": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def test_a_clerk_at_another_window_takes_the_owed_material_and_the_officer_sees_it(
    world, app
) -> None:
    clerk = _client(world["clerk-jinan"])  # the city's hall, not the district window of intake
    wrong = clerk.post(URL, {"action": "find", "number": app.number, "identifier": "X" * 18})
    assert wrong.status_code == 404 and "cremation_certificate" not in wrong.content.decode()
    found = clerk.post(
        URL, {"action": "find", "number": app.number, "identifier": ID_NUMBER.lower()}
    )
    page = found.content.decode()
    assert found.status_code == 200 and 'name="code" value="cremation_certificate"' in page
    assert AuditEvent.objects.filter(
        action="application.read", object_id=app.number, actor_label="clerk-jinan"
    ).exists()
    response = clerk.post(
        URL,
        {"action": "supply", "code": "cremation_certificate", "file": pdf("火化证明.pdf")},
    )
    assert response.status_code == 302
    row = app.materials.get(code="cremation_certificate")
    assert row.supplied_at is not None and row.supplied_by == world["clerk-jinan"]
    assert row.file.read() == PDF
    after = clerk.get(URL).content.decode()
    assert "已收取" in after and "没有需要补齐的容缺材料" in after
    # Handed in once: the same material again is refused.
    again = clerk.post(
        URL, {"action": "supply", "code": "cremation_certificate", "file": pdf()}, follow=True
    )
    assert "没有需要补齐的该项材料" in again.content.decode()
    assert app.materials.get(code="cremation_certificate").supplied_at == row.supplied_at

    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    detail = _client(_officer(subcase)).get(f"/workbench/subcases/{subcase.pk}/").content
    text = detail.decode()
    assert "窗口收件：刘芳" in text and "补交容缺材料" in text and "逾期" not in text
    progress = Client().get("/api/v1/progress", {"number": app.number, "id_tail": "1234"})
    assert all(o["kind"] != "material" for o in progress.json()["owed"])


def test_only_clerks_take_materials_at_a_window(world, app) -> None:
    for name in ("zhangjianguo", "officer-jn-si", "supervisor-sd"):
        response = _client(world[name]).post(
            URL, {"action": "find", "number": app.number, "identifier": ID_NUMBER}
        )
        assert response.status_code == 403, name
    assert Client().get(URL).status_code == 302  # to the log-in


def test_handed_in_late_online_is_received_and_marked_late(world, app) -> None:
    # The ten working days have passed: the due date lies behind us.
    app.materials.filter(code="cremation_certificate").update(
        due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    owner = _client(world["zhangjianguo"])
    response = owner.post(
        f"/me/applications/{app.number}/supply/cremation_certificate",
        {"file": pdf()},
        follow=True,
    )
    assert "材料已补齐" in response.content.decode()
    row = app.materials.get(code="cremation_certificate")
    assert row.supplied_by == world["zhangjianguo"] and row.supplied_at is not None
    event = AuditEvent.objects.get(action="material.supply", object_id=app.number)
    assert event.changes["late"] is True
    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    text = _client(_officer(subcase)).get(f"/workbench/subcases/{subcase.pk}/").content.decode()
    assert "申请人网上提交：张建国" in text and "逾期" in text
