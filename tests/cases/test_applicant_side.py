"""综合反馈 for the applicant: one status, one set of results, corrections, withdrawal, supplies."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kuaiban.applications.models import Application, Provision
from kuaiban.cases.models import SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from tests.applications.helpers import PDF, pdf, post_multipart, retirement_body
from tests.cases.test_flow import _officer

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _submit(world, **body) -> Application:  # type: ignore[no-untyped-def]
    response = post_multipart(
        _client(world["zhangjianguo"]), retirement_body(**body), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def test_results_are_gathered_in_one_place(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    for stage in sorted(set(app.subcases.values_list("stage", flat=True))):
        for subcase in app.subcases.filter(stage=stage):
            subcase_decide(
                actor=_officer(subcase),
                subcase=subcase,
                outcome=Outcome.APPROVED,
                results=[
                    {
                        "kind": "document",
                        "name": f"{subcase.seed_name}决定书",
                        "number": f"D-{subcase.pk}",
                    }
                ],
            )
    owner = _client(world["zhangjianguo"])
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert "已办结" in page
    for subcase in app.subcases.all():
        assert f"D-{subcase.pk}" in page
    api = owner.get(f"/api/v1/applications/{app.number}").json()
    assert api["status"] == "done" and len(api["results"]) == app.subcases.count()
    pdf_response = owner.get(f"/me/applications/{app.number}/results.pdf")
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    assert (
        _client(world["unit-qilu"]).get(f"/me/applications/{app.number}/results.pdf").status_code
        == 404
    )


def test_correction_is_shown_once_and_answered_by_the_applicant(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    subcase = app.subcases.filter(status="open").first()
    subcase_decide(
        actor=_officer(subcase),
        subcase=subcase,
        outcome=Outcome.CORRECTION,
        correction_items=["请补充档案中的参加工作时间证明"],
    )
    owner = _client(world["zhangjianguo"])
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert "一次性告知" in page and "参加工作时间证明" in page
    assert (
        _client(world["unit-qilu"])
        .post(f"/me/applications/{app.number}/correction", {"note": "x"})
        .status_code
        == 404
    )
    response = owner.post(
        f"/me/applications/{app.number}/correction", {"note": "已补充，见档案第5页"}
    )
    assert response.status_code == 302
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.ACCEPTED


def test_withdraw_before_work_starts_and_not_after(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    owner = _client(world["zhangjianguo"])
    assert "撤回申请" in owner.get(f"/me/applications/{app.number}/").content.decode()
    assert (
        _client(world["unit-qilu"]).post(f"/me/applications/{app.number}/withdraw").status_code
        == 404
    )
    owner.post(f"/me/applications/{app.number}/withdraw")
    app.refresh_from_db()
    assert app.status == "withdrawn"
    other = _submit(world)
    subcase = other.subcases.filter(status="open").first()
    subcase_accept(actor=_officer(subcase), subcase=subcase)
    assert "撤回申请" not in owner.get(f"/me/applications/{other.number}/").content.decode()
    owner.post(f"/me/applications/{other.number}/withdraw")
    other.refresh_from_db()
    assert other.status != "withdrawn"


def test_an_owed_material_is_supplied_later(world, settings) -> None:  # type: ignore[no-untyped-def]
    # The unit journey leaves the (non-key) household register owed, if the scenario has one;
    # here we make a retirement material owed directly to exercise the path.
    app = _submit(world)
    row = app.materials.get(code="personnel_archive")
    row.provision, row.due_date = Provision.GAP, app.submitted_at.date()
    row.file = ""
    row.save()
    owner = _client(world["zhangjianguo"])
    bad = owner.post(
        f"/me/applications/{app.number}/supply/personnel_archive",
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
    )
    assert bad.status_code == 302
    row.refresh_from_db()
    assert row.supplied_at is None
    good = owner.post(
        f"/me/applications/{app.number}/supply/personnel_archive",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert good.status_code == 302
    row.refresh_from_db()
    assert row.supplied_at is not None and row.file
    assert (
        owner.post(
            f"/me/applications/{app.number}/supply/personnel_archive",
            {"file": SimpleUploadedFile("a.pdf", PDF)},
        ).status_code
        == 404
    )


def test_the_detail_shows_each_items_agency_and_status(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    first = app.subcases.filter(status="open").select_related("agency").first()
    subcase_accept(actor=_officer(first), subcase=first)
    page = _client(world["zhangjianguo"]).get(f"/me/applications/{app.number}/").content.decode()
    assert "各事项办理情况" in page
    for subcase in app.subcases.select_related("agency"):
        row = f"<td>{subcase.agency.name}</td>"
        assert row in page, row
        assert subcase.seed_name in page
    assert "办理中" in page or "已受理" in page
    assert page.count('<span class="status status-') >= app.subcases.count() + 1


def test_the_results_notice_is_offered_only_when_there_are_results(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    owner = _client(world["zhangjianguo"])
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert "打印办理结果通知书" not in page
    assert owner.get(f"/me/applications/{app.number}/results.pdf").status_code == 404
    subcase = app.subcases.filter(status="open").first()
    subcase_decide(actor=_officer(subcase), subcase=subcase, outcome=Outcome.APPROVED)
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert "打印办理结果通知书" in page
    assert owner.get(f"/me/applications/{app.number}/results.pdf").status_code == 200


def test_withdrawing_asks_for_confirmation_first(world) -> None:  # type: ignore[no-untyped-def]
    app = _submit(world)
    owner = _client(world["zhangjianguo"])
    detail = owner.get(f"/me/applications/{app.number}/").content.decode()
    # The button on the detail page only opens the question; nothing is withdrawn by it.
    assert f'<form method="get" action="/me/applications/{app.number}/withdraw">' in detail
    confirm = owner.get(f"/me/applications/{app.number}/withdraw")
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "确定要撤回这件申请吗？" in text and "确认撤回" in text and "不撤回，返回办件" in text
    app.refresh_from_db()
    assert app.status != "withdrawn"
    assert (
        _client(world["unit-qilu"]).get(f"/me/applications/{app.number}/withdraw").status_code
        == 404
    )
    owner.post(f"/me/applications/{app.number}/withdraw")
    app.refresh_from_db()
    assert app.status == "withdrawn"
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert "申请已撤回，各事项不再办理。" in page and "办结后将在此统一发放" not in page
    # Once withdrawn, asking again sends the applicant back with the reason.
    again = owner.get(f"/me/applications/{app.number}/withdraw")
    assert again.status_code == 302
