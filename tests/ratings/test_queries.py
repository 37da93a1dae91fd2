"""Pages with a bounded query count, whatever the number of tickets; the admin pages load."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.ratings.models import RectificationTicket, WindowVisit
from kuaiban.ratings.services import rating_submit_visit
from tests.ratings.helpers import WINDOW, as_user, first_agency

pytestmark = pytest.mark.django_db


def _bad_visits(world, app, count: int) -> None:
    """Bad window-visit ratings, each opening a ticket for the same agency."""
    rater = world["zhangjianguo"]
    for _ in range(count):
        visit = WindowVisit.objects.create(
            applicant=rater,
            applicant_name="张建国",
            clerk=world["clerk-lixia"],
            region=app.region,
            application=app,
            agency=first_agency(app),
            visited_at=timezone.now(),
        )
        rating_submit_visit(
            actor=rater, visit=visit, level=1, indicators=dict(WINDOW), comment="等候太久"
        )


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_ticket_list_and_the_rater_list_do_not_grow_with_the_rows(world, done_app) -> None:
    _bad_visits(world, done_app, 1)
    officer = as_user(User.objects.filter(role=Role.OFFICER, agency=first_agency(done_app)).first())  # type: ignore[arg-type]
    rater = as_user(world["zhangjianguo"])
    supervisor = as_user(world["supervisor-sd"])
    before = [
        _queries(officer, "/ratings/tickets/"),
        _queries(supervisor, "/ratings/tickets/?status=all"),
        _queries(rater, "/ratings/"),
    ]
    _bad_visits(world, done_app, 4)
    assert RectificationTicket.objects.count() == 5
    after = [
        _queries(officer, "/ratings/tickets/"),
        _queries(supervisor, "/ratings/tickets/?status=all"),
        _queries(rater, "/ratings/"),
    ]
    assert after == before
    ticket = RectificationTicket.objects.first()
    assert ticket is not None
    assert _queries(officer, f"/ratings/tickets/{ticket.pk}/") <= 20


def test_the_admin_lists_ratings_and_tickets(world, done_app, admin_client) -> None:  # type: ignore[no-untyped-def]
    _bad_visits(world, done_app, 1)
    ticket = RectificationTicket.objects.get()
    for url in (
        "/admin/ratings/rating/",
        "/admin/ratings/rectificationticket/",
        f"/admin/ratings/rectificationticket/{ticket.pk}/change/",
        "/admin/ratings/windowvisit/",
        "/admin/ratings/ratinginvitation/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/ratings/rating/add/").status_code == 403
