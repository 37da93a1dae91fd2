"""The applicant's space and receipts over HTTP: the owner sees them, nobody else does (404)."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCaseStatus
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.core.models import AuditEvent
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(world) -> str:  # type: ignore[no-untyped-def]
    response = post_multipart(
        _client(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201
    return str(response.json()["number"])


PAGES = [
    "/me/applications/{n}/",
    "/me/applications/{n}/receipt/",
    "/me/applications/{n}/receipt.pdf",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_owner_sees_each_page(world, submitted, page) -> None:  # type: ignore[no-untyped-def]
    response = _client(world["zhangjianguo"]).get(page.format(n=submitted))
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("username", ["unit-qilu", "unit-jinyang", "officer-ty-si", "clerk-lixia"])
def test_anyone_else_gets_404(world, submitted, page, username) -> None:  # type: ignore[no-untyped-def]
    response = _client(world[username]).get(page.format(n=submitted))
    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in(submitted, page) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(page.format(n=submitted))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_receipt_shows_number_commitments_owed_and_saved(world, submitted) -> None:  # type: ignore[no-untyped-def]
    page = (
        _client(world["zhangjianguo"])
        .get(f"/me/applications/{submitted}/receipt/")
        .content.decode()
    )
    assert submitted in page
    assert "370102********1234" in page and "370102196503121234" not in page  # masked
    assert "信用承诺" in page or "承诺所填信息" in page
    assert "少填" in page and "少交" in page
    assert "本人人事档案" in page  # the uploaded material is listed as received


def test_receipt_pdf_is_a_pdf_with_the_number(world, submitted) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from pypdf import PdfReader

    response = _client(world["zhangjianguo"]).get(f"/me/applications/{submitted}/receipt.pdf")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert submitted in text and "受理回执" in text


def test_my_list_is_mine_only(world, submitted) -> None:  # type: ignore[no-untyped-def]
    assert submitted in _client(world["zhangjianguo"]).get("/me/").content.decode()
    assert submitted not in _client(world["unit-qilu"]).get("/me/").content.decode()


def test_reading_shared_data_for_a_submission_is_audited(world, submitted) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent.objects.get(action="shareddata.read", changes__number=submitted)
    assert event.object_id == "370102********1234"
    assert event.actor_label == "zhangjianguo"


def test_a_clerk_reading_a_walk_ins_shared_data_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    clerk.post("/window/", {"kind": "person", "name": "张建国", "identifier": "370102196503121234"})
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    page = clerk.get("/apply/shandong-2020/10/form/")
    assert page.status_code == 200
    assert "张建国" in page.content.decode()  # prefilled from shared data
    event = AuditEvent.objects.get(action="shareddata.read", actor_label="clerk-lixia")
    assert event.object_id == "370102********1234" and event.changes["purpose"] == "intake"


def test_a_refused_application_does_not_promise_results_to_come(world, submitted) -> None:  # type: ignore[no-untyped-def]
    """Stage 1 refused ends the serial retirement: nothing is pending, so nothing is promised."""
    application = Application.objects.get(number=submitted)
    first = application.subcases.get(status=SubCaseStatus.OPEN)
    officer = User.objects.get(role="officer", agency=first.agency, username="officer-jn-si")
    subcase_decide(actor=officer, subcase=first, outcome=Outcome.REJECTED, note="未达退休年龄")
    page = _client(world["zhangjianguo"]).get(f"/me/applications/{submitted}/").content.decode()
    assert "办结后将在此统一发放" not in page
    assert "各事项均已办理完毕，没有出具办理结果，原因见下" in page and "未达退休年龄" in page


def test_a_running_application_says_its_results_come_at_the_end(world, submitted) -> None:  # type: ignore[no-untyped-def]
    page = _client(world["zhangjianguo"]).get(f"/me/applications/{submitted}/").content.decode()
    assert "暂无办理结果，办结后将在此统一发放" in page and "各事项均已办理完毕" not in page
