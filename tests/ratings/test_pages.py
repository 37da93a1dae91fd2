"""User journeys over HTTP: the applicant rates, the officer works the ticket, the supervisor
reviews an appeal, the person served rates a window visit."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from kuaiban.accounts.models import Role, User
from kuaiban.core.models import AuditEvent
from kuaiban.ratings.models import Rating, RectificationTicket, TicketStatus, WindowVisit
from kuaiban.ratings.services import visit_record
from kuaiban.ratings.tickets import Forbidden
from tests.ratings.helpers import as_user, officer_of, submit

pytestmark = pytest.mark.django_db

RATE_FORM = {
    "level": "2",
    "indicator-efficiency": "2",
    "indicator-guide_accuracy": "3",
    "indicator-convenience": "2",
    "indicator-usability": "3",
    "comment": "材料要求说明不清，跑了两趟",
}


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries the version it was rendered with"
    return found.group(1)


def test_the_application_page_invites_a_rating_only_when_completed(world, done_app) -> None:
    client = as_user(world["zhangjianguo"])
    page = client.get(f"/me/applications/{done_app.number}/").content.decode()
    assert f'href="/ratings/applications/{done_app.number}/"' in page
    running = submit(world)
    page = client.get(f"/me/applications/{running.number}/").content.decode()
    assert "/ratings/applications/" not in page
    # Not yet completed: the rating page explains instead of offering the form.
    page = client.get(f"/ratings/applications/{running.number}/").content.decode()
    assert "办结后才能评价" in page and 'name="level"' not in page


def test_the_rating_page_names_the_application_not_a_row_number(world, done_app) -> None:
    client = as_user(world["zhangjianguo"])
    client.post(f"/ratings/applications/{done_app.number}/", RATE_FORM)
    rating = Rating.objects.get()
    page = client.get(f"/ratings/{rating.pk}/").content.decode()
    crumbs = re.search(r'<nav aria-label="当前位置" class="breadcrumbs">(.*?)</nav>', page, re.S)
    assert crumbs is not None
    assert crumbs.group(1).endswith(f"› 办件 {done_app.number}")


def test_the_applicant_rates_on_the_web_with_errors_shown_the_gov_uk_way(world, done_app) -> None:
    client = as_user(world["zhangjianguo"])
    url = f"/ratings/applications/{done_app.number}/"
    page = client.get(url).content.decode()
    # Five levels, then the four online indicators, each a fieldset of labelled radios.
    assert page.count('name="level"') == 5 and page.count("<fieldset") == 5
    for label in ("办事效率", "办事指南精确度", "办事便捷度", "平台操作性", "非常满意"):
        assert label in page
    assert '<label for="level-5">非常满意</label>' in page
    # Nothing chosen: 422, an error summary linking to each question.
    response = client.post(url, {})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#level-5"' in page
    assert 'href="#indicator-usability-5"' in page
    assert page.count("请选择评价等级") == 2  # in the summary and at the question, once each
    assert "整体满意度”选择等级" not in page  # the level's own error covers it
    # A bad rating without a reason: asked for the reason, the answers are kept.
    response = client.post(url, RATE_FORM | {"comment": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#comment"' in page and 'id="level-2" name="level" value="2" checked' in page
    assert not Rating.objects.exists()
    response = client.post(url, RATE_FORM)
    rating = Rating.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ratings/{rating.pk}/"
    assert rating.level == 2 and rating.indicators["guide_accuracy"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "我们会尽快与您联系" in page and "待回访" in page
    # Once only: the form is not offered again.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == f"/ratings/{rating.pk}/"
    response = client.post(url, RATE_FORM | {"level": "5"})
    assert response.status_code == 302 and Rating.objects.get().level == 2


def test_the_officer_works_the_ticket_and_the_supervisor_reviews_the_appeal(
    world, done_app
) -> None:
    rater = as_user(world["zhangjianguo"])
    rater.post(f"/ratings/applications/{done_app.number}/", RATE_FORM)
    ticket = RectificationTicket.objects.get()
    officer = as_user(officer_of(ticket.agency))
    base = f"/ratings/tickets/{ticket.pk}/"
    listing = officer.get("/ratings/tickets/").content.decode()
    assert f'href="{base}"' in listing
    page = officer.get(base).content.decode()
    phone = done_app.applicant_phone
    assert phone and phone in page  # the officer calls back: full number, and the read is audited
    assert AuditEvent.objects.filter(
        action="ticket.contact_read", object_id=str(ticket.pk)
    ).exists()
    version = _version(page)
    response = officer.post(
        base + "callback", {"reached": "yes", "note": "已电话联系", "version": version}
    )
    assert response.status_code == 302
    # A stale page: refused, nothing changes.
    response = officer.post(
        base + "callback", {"reached": "yes", "note": "重复提交", "version": version}
    )
    assert response.status_code == 302
    shown = officer.get(base).content.decode()
    assert "不能执行此操作" in shown
    assert RectificationTicket.objects.get().steps.filter(note="重复提交").count() == 0
    page = officer.get(base).content.decode()
    response = officer.post(base + "verify", {"note": "x", "version": _version(page)})
    assert response.status_code == 422 and 'href="#verify-verdict"' in response.content.decode()
    officer.post(
        base + "verify", {"verdict": "mistaken", "note": "本人误操作", "version": _version(page)}
    )
    page = officer.get(base).content.decode()
    officer.post(base + "feedback", {"note": "电话告知", "version": _version(page)})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.rating.excluded
    # The rater sees why, and may ask for a review.
    page = rater.get(f"/ratings/{ticket.rating_id}/").content.decode()
    assert "不予采纳" in page and "电话告知" in page and "申请复核" in page
    response = rater.post(f"/ratings/{ticket.rating_id}/appeal", {"reason": "我没有误操作"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.APPEAL
    supervisor = as_user(world["supervisor-sd"])
    page = supervisor.get(base).content.decode()
    assert "复核结论" in page and phone not in page  # masked for the supervisor
    response = supervisor.post(
        base + "review", {"verdict": "true", "note": "差评属实", "version": _version(page)}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RECTIFY and not ticket.rating.excluded
    # The 报告单: page and PDF, with Chinese text in the PDF.
    assert "政务服务差评事项核查整改情况报告单" in officer.get(base + "report/").content.decode()
    pdf = officer.get(base + "report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "核查整改情况报告单" in text.replace("\n", "") and "申诉复核" in text


def test_a_window_visit_is_recorded_and_rated_once_by_the_person_served(world, done_app) -> None:
    clerk = world["clerk-lixia"]
    visit = visit_record(clerk=clerk, application=done_app)
    assert visit_record(clerk=clerk, application=done_app) == visit  # a retried submission
    assert visit.applicant == world["zhangjianguo"] and visit.agency is not None
    assert visit.region == clerk.region
    with pytest.raises(Forbidden):
        visit_record(clerk=world["zhangjianguo"], application=done_app)
    from kuaiban.core.errors import Unprocessable

    consultation = visit_record(clerk=clerk, applicant_name="王五")  # at the clerk's own hall
    assert consultation.agency == clerk.agency and consultation.application is None
    hallless = User.objects.create(username="clerk-2", role=Role.CLERK, region=clerk.region)
    with pytest.raises(Unprocessable):  # a consultation: this clerk has no hall to answer for it
        visit_record(clerk=hallless, applicant_name="王五")
    client = as_user(world["zhangjianguo"])
    assert f"/ratings/visits/{visit.pk}/" in client.get("/ratings/").content.decode()
    page = client.get(f"/ratings/visits/{visit.pk}/").content.decode()
    for label in ("服务效率", "服务水平", "服务态度"):
        assert label in page
    assert "办事指南精确度" not in page
    form = {
        "level": "1",
        "indicator-efficiency": "2",
        "indicator-skill": "2",
        "indicator-attitude": "1",
        "comment": "窗口人员态度生硬",
    }
    response = client.post(f"/ratings/visits/{visit.pk}/", form)
    assert response.status_code == 302
    rating = Rating.objects.get(visit=visit)
    assert rating.subject == "visit" and rating.agency == visit.agency
    assert rating.ticket.agency == visit.agency
    assert client.post(f"/ratings/visits/{visit.pk}/", form).status_code == 302
    assert Rating.objects.filter(visit=visit).count() == 1
    assert WindowVisit.objects.filter(application=done_app).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(done_app) -> None:
    for url in ("/ratings/", f"/ratings/applications/{done_app.number}/", "/ratings/tickets/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
