"""Every URL with the wrong user: another agency, another region, another person → 404;
a role that has no business there → 403 (before any lookup)."""

from __future__ import annotations

import json

import pytest

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.applications.selectors import applications_visible_to
from kuaiban.catalogue.models import Region
from kuaiban.ratings.models import Rating, RectificationTicket, TicketStatus
from kuaiban.ratings.selectors import ratings_visible_to, tickets_visible_to
from kuaiban.ratings.services import visit_record
from tests.ratings.helpers import WINDOW, as_user, officer_of, person, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad(world, done_app) -> RectificationTicket:
    response = rate(as_user(world["zhangjianguo"]), done_app.number, level=1, comment="推诿")
    return RectificationTicket.objects.get(pk=response.json()["ticket"]["id"])


@pytest.fixture
def people(world, bad) -> dict[str, User]:
    """Alice the rater, Bob another person, Charlie the wrong officer, and the rest."""
    return {
        "rater": world["zhangjianguo"],
        "other_person": person(),
        "unit": world["unit-qilu"],
        "clerk": world["clerk-lixia"],
        "officer": officer_of(bad.agency),
        "other_officer": world["officer-jn-emp"],  # 济南, another agency
        "far_officer": world["officer-ty-si"],  # 太原
        "supervisor": world["supervisor-sd"],  # 山东: the rating's region is below
        "far_supervisor": User.objects.create(
            username="supervisor-sx",
            role=Role.SUPERVISOR,
            region=Region.objects.get(code="140100"),
        ),
    }


def _status(user: User, method: str, url: str, data: dict[str, str] | None = None) -> int:
    client = as_user(user)
    response = client.get(url) if method == "GET" else client.post(url, data or {})
    return response.status_code


def test_ticket_pages(people, bad) -> None:
    base = f"/ratings/tickets/{bad.pk}/"
    urls = [("GET", base), ("GET", base + "report/"), ("GET", base + "report.pdf")]
    actions = ["callback", "verify", "rectify", "rectify-done", "feedback", "report", "appeal"]
    posts = [("POST", base + a) for a in [*actions, "review"]]
    expected = {
        "officer": 200,
        "supervisor": 200,
        "other_officer": 404,
        "far_officer": 404,
        "far_supervisor": 404,
        "rater": 403,
        "other_person": 403,
        "unit": 403,
        "clerk": 403,
    }
    for who, status in expected.items():
        for method, url in urls:
            assert _status(people[who], method, url) == status, (who, url)
        for method, url in posts:
            want = 404 if status == 404 else 403 if status == 403 else None
            if want is not None:
                assert _status(people[who], method, url, {"note": "x"}) == want, (who, url)
    # The supervisor reads but does not do the agency's work.
    assert (
        _status(people["supervisor"], "POST", base + "callback", {"reached": "yes", "note": "x"})
        == 403
    )
    # GET on an action is not allowed; an unknown action is a 404.
    assert _status(people["officer"], "GET", base + "callback") == 405
    assert _status(people["officer"], "POST", base + "delete") == 404
    assert RectificationTicket.objects.get(pk=bad.pk).status == TicketStatus.CALLBACK
    assert _status(people["officer"], "GET", "/ratings/tickets/999999/") == 404


def test_ticket_lists(people, bad) -> None:
    link = f'href="/ratings/tickets/{bad.pk}/"'
    for who in ("officer", "supervisor"):
        assert link in as_user(people[who]).get("/ratings/tickets/").content.decode(), who
    for who in ("other_officer", "far_officer", "far_supervisor"):
        page = as_user(people[who]).get("/ratings/tickets/?status=all").content.decode()
        assert link not in page, who
        assert not tickets_visible_to(people[who]).exists(), who
    for who in ("rater", "other_person", "unit", "clerk"):
        assert _status(people[who], "GET", "/ratings/tickets/") == 403, who


def test_rating_pages(people, bad, done_app) -> None:
    rating = bad.rating
    rating_url = f"/ratings/{rating.pk}/"
    assert _status(people["rater"], "GET", rating_url) == 200
    for who in ("other_person", "unit", "clerk", "officer", "other_officer", "supervisor"):
        assert _status(people[who], "GET", rating_url) == 404, who
        assert _status(people[who], "POST", rating_url + "appeal", {"reason": "x"}) == 404, who
    rate_url = f"/ratings/applications/{done_app.number}/"
    for who in ("other_person", "unit", "clerk", "officer", "supervisor", "far_officer"):
        assert _status(people[who], "GET", rate_url) == 404, who
        assert _status(people[who], "POST", rate_url, {"level": "5"}) == 404, who
    assert Rating.objects.count() == 1
    # Who sees the rating in lists: the rater, the agency, the region's supervisors.
    for who in ("rater", "officer", "supervisor"):
        assert ratings_visible_to(people[who]).filter(pk=rating.pk).exists(), who
    for who in ("other_person", "other_officer", "far_officer", "far_supervisor", "clerk"):
        assert not ratings_visible_to(people[who]).filter(pk=rating.pk).exists(), who


def test_rating_api(people, done_app) -> None:
    url = f"/api/v1/applications/{done_app.number}/rating"
    for who in ("other_person", "far_officer", "far_supervisor"):
        response = as_user(people[who]).get(url)
        assert response.status_code == 404, who
    # The agency and the region's supervisors read it; nobody but the rater writes it.
    for who in ("officer", "supervisor"):
        assert as_user(people[who]).get(url).status_code == 200, who
    assert as_user(people["rater"]).get(url).status_code == 200
    from django.test import Client

    assert Client().get(url).status_code == 401
    assert rate(Client(), done_app.number).status_code == 401


def test_visit_pages_and_api(people, done_app) -> None:
    visit = visit_record(clerk=people["clerk"], application=done_app)
    page_url = f"/ratings/visits/{visit.pk}/"
    api_url = f"/api/v1/visits/{visit.pk}/rating"
    body = json.dumps({"level": 5, "indicators": dict(WINDOW) | {"attitude": 5}})
    for who in ("other_person", "clerk", "officer", "supervisor", "unit"):
        assert _status(people[who], "GET", page_url) == 404, who
        response = as_user(people[who]).post(api_url, body, content_type="application/json")
        assert response.status_code == 404, who
    client = as_user(people["rater"])
    wrong = json.dumps({"level": 5, "indicators": {"guide_accuracy": 5}})
    response = client.post(api_url, wrong, content_type="application/json")
    assert response.status_code == 422  # an online indicator; the window ones missing
    assert {"indicators.guide_accuracy", "indicators.attitude"} <= set(
        response.json()["error"]["fields"]
    )
    response = client.post(api_url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "visit" and response.json()["visit"] == visit.pk
    again = client.post(api_url, body, content_type="application/json")
    assert again.status_code == 409
    assert visit_record(clerk=people["clerk"], application=done_app) == visit  # once a day
    missing = client.post("/api/v1/visits/999999/rating", body, content_type="application/json")
    assert missing.status_code == 404


def test_a_province_supervisor_follows_a_fourth_level_region(world, done_app, bad) -> None:
    """Regions may go below the district (a development zone under a district): the province's
    supervisor still sees the application, its rating and its ticket, as the figures do."""
    district = done_app.region
    zone = Region.objects.create(
        code="370171", name="高新技术产业开发区", level="county", parent=district
    )
    Application.objects.filter(pk=done_app.pk).update(region=zone)
    Rating.objects.filter(pk=bad.rating_id).update(region=zone)
    province = world["supervisor-sd"]
    assert applications_visible_to(province).filter(pk=done_app.pk).exists()
    assert ratings_visible_to(province).filter(pk=bad.rating_id).exists()
    assert tickets_visible_to(province).filter(pk=bad.pk).exists()
    far = User.objects.create(
        username="supervisor-ty", role=Role.SUPERVISOR, region=Region.objects.get(code="140100")
    )
    assert not ratings_visible_to(far).filter(pk=bad.rating_id).exists()
    assert not tickets_visible_to(far).filter(pk=bad.pk).exists()
