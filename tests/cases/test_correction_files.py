"""补正 with files: the officer's words reach the applicant, files are checked like intake
uploads and join the materials the officers see, the notice lists everything; web and API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kuaiban.applications.models import Application, ApplicationMaterial, Provision
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.integrations.models import OutboxMessage
from tests.applications.helpers import PDF, PNG, pdf, post_multipart, retirement_body
from tests.cases.test_flow import _officer

pytestmark = pytest.mark.django_db

NOTE = "档案扫描件第3页看不清，请重新拍照上传。"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _requested(world) -> tuple[Application, SubCase]:  # type: ignore[no-untyped-def]
    response = post_multipart(
        _client(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    subcase = app.subcases.filter(status="open").order_by("pk").first()
    assert subcase is not None
    subcase_decide(
        actor=_officer(subcase),
        subcase=subcase,
        outcome=Outcome.CORRECTION,
        note=NOTE,
        correction_items=["人事档案第3页"],
    )
    return app, subcase


def _corrections(app: Application) -> list[ApplicationMaterial]:
    return list(app.materials.filter(provision=Provision.CORRECTION).order_by("pk"))


def test_the_applicant_sees_the_officers_words_and_answers_with_files_the_officer_sees(
    world, settings_media
) -> None:
    app, subcase = _requested(world)
    owner = _client(world["zhangjianguo"])
    page = owner.get(f"/me/applications/{app.number}/").content.decode()
    assert NOTE in page and "人事档案第3页" in page and 'name="files"' in page
    response = owner.post(
        f"/me/applications/{app.number}/correction",
        {
            "note": "已重新拍照",
            "files": [
                SimpleUploadedFile("第3页.png", PNG, content_type="image/png"),
                SimpleUploadedFile("archive.pdf", PDF, content_type="application/pdf"),
            ],
        },
    )
    assert response.status_code == 302
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.ACCEPTED and subcase.paused_since is None
    rows = _corrections(app)
    assert [(r.code, r.content_type) for r in rows] == [
        ("correction-1", "image/png"),
        ("correction-2", "application/pdf"),
    ]
    assert rows[0].name == "补正材料1：第3页.png" and rows[0].supplied_at is not None
    officer = _client(_officer(subcase))
    detail = officer.get(f"/workbench/subcases/{subcase.pk}/").content.decode()
    assert "补正材料1：第3页.png" in detail
    download = officer.get(f"/workbench/subcases/{subcase.pk}/materials/{rows[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_a_refused_file_stores_nothing_and_the_clock_stays_stopped(world, settings_media) -> None:
    app, subcase = _requested(world)
    owner = _client(world["zhangjianguo"])
    response = owner.post(
        f"/me/applications/{app.number}/correction",
        {
            "files": [
                SimpleUploadedFile("ok.pdf", PDF),
                SimpleUploadedFile("setup.pdf", b"MZ\x90\x00 not a pdf"),
            ]
        },
        follow=True,
    )
    page = response.content.decode()
    assert "setup.pdf" in page and "文件类型不支持" in page
    assert _corrections(app) == []
    subcase.refresh_from_db()
    assert subcase.status == SubCaseStatus.CORRECTION
    empty = owner.post(f"/me/applications/{app.number}/correction", {"note": " "}, follow=True)
    assert "请说明补正情况或上传补正材料" in empty.content.decode()
    assert SubCase.objects.get(pk=subcase.pk).status == SubCaseStatus.CORRECTION


def test_correction_answer_over_the_api_with_files(world, settings_media) -> None:
    app, subcase = _requested(world)
    owner = _client(world["zhangjianguo"])
    url = f"/api/v1/applications/{app.number}/correction"
    read = owner.get(f"/api/v1/applications/{app.number}").json()
    assert read["corrections"] == ["人事档案第3页"]
    assert read["correction_notes"] == [{"item": subcase.seed_name, "note": NOTE}]
    for other in ("unit-qilu", "clerk-lixia", "officer-jn-si"):
        refused = _client(world[other]).post(url, {"files": [pdf()]})
        assert refused.status_code == 404, other
    assert owner.post(url, "note=x", content_type="text/plain").status_code == 415
    bad = owner.post(url, {"files": [SimpleUploadedFile("a.pdf", b"GIF89a")]})
    assert bad.status_code == 422 and "files" in bad.json()["error"]["fields"]
    nothing = owner.post(url, data="{}", content_type="application/json")
    assert nothing.status_code == 422
    assert _corrections(app) == []
    done = owner.post(url, {"note": "见附件", "files": [pdf("补正.pdf")]})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] != "needs_correction" and body["corrections"] == []
    assert {
        "code": "correction-1",
        "name": "补正材料1：补正.pdf",
        "provision": "correction",
        "due_date": None,
    } in body["materials"]
    again = owner.post(url, data='{"note": "再补"}', content_type="application/json")
    assert again.status_code == 409


def test_a_second_request_is_told_in_one_notice_listing_everything(world) -> None:
    app, first = _requested(world)
    # 7-1 runs in stages; open a later one as a parallel bundle would have it open already.
    second = app.subcases.exclude(pk=first.pk).order_by("pk").first()
    assert second is not None
    SubCase.objects.filter(pk=second.pk).update(status=SubCaseStatus.OPEN)
    second.refresh_from_db()
    subcase_decide(
        actor=_officer(second),
        subcase=second,
        outcome=Outcome.CORRECTION,
        correction_items=["银行卡复印件"],
    )
    notices = OutboxMessage.objects.filter(
        kind="notify.applicant", payload__number=app.number, payload__status="needs_correction"
    ).order_by("pk")
    assert notices.count() == 2
    last = notices.last()
    assert last is not None
    text = last.payload["text"]
    assert "1. 人事档案第3页" in text and "2. 银行卡复印件" in text and NOTE in text
