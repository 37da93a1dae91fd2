"""一事一评 over the API: once, by the applicant, after completion, with the national indicators."""

from __future__ import annotations

from typing import Any

import pytest

from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxMessage
from kuaiban.ratings.indicators import rating_input_check
from kuaiban.ratings.models import Rating, RectificationTicket
from tests.ratings.helpers import ONLINE, as_user, first_agency, person, rate, submit

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_once_and_the_rating_is_pushed_in_the_same_transaction(
    world, done_app
) -> None:
    client = as_user(world["zhangjianguo"])
    response = rate(client, done_app.number, level=4, comment="办得很快")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == 4 and body["level_label"] == "满意"
    assert body["number"] == done_app.number and body["ticket"] is None
    assert {i["code"]: i["level"] for i in body["indicators"]} == {"overall": 4, **ONLINE}
    assert {i["name"] for i in body["indicators"]} >= {"办事指南精确度", "平台操作性"}
    rating = Rating.objects.get(pk=body["id"])
    assert rating.agency == first_agency(done_app) and rating.region == done_app.region
    assert rating.rated_by == world["zhangjianguo"] and not rating.is_default
    push = OutboxMessage.objects.get(idempotency_key=f"rating.push:{rating.pk}")
    assert push.kind == "rating.push" and push.payload["level"] == 4
    assert AuditEvent.objects.filter(action="rating.create", object_id=str(rating.pk)).exists()
    # 一事一评: a second rating is refused, and nothing changes.
    again = rate(client, done_app.number, level=1, comment="改个差评")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_rated"
    assert Rating.objects.count() == 1 and RectificationTicket.objects.count() == 0
    # The rater reads it back.
    read = client.get(f"/api/v1/applications/{done_app.number}/rating")
    assert read.status_code == 200 and read.json()["id"] == rating.pk


def test_nobody_but_the_applicant_can_rate(world, done_app) -> None:
    # Another person, the window clerk of the region and the agency's officer: all 404.
    others = [person(), world["clerk-lixia"], world["officer-jn-si"], world["supervisor-sd"]]
    for user in others:
        response = rate(as_user(user), done_app.number)
        assert response.status_code == 404, user.username
        assert response.json()["error"]["code"] == "not_found"
    assert rate(as_user(world["zhangjianguo"]), "370102-20990101-00001").status_code == 404
    assert Rating.objects.count() == 0
    assert rate(as_user(world["zhangjianguo"]), done_app.number).status_code == 201


def test_not_before_completion(world) -> None:
    app = submit(world)
    response = rate(as_user(world["zhangjianguo"]), app.number)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_completed"
    assert (
        Rating.objects.count() == 0
        and not OutboxMessage.objects.filter(kind="rating.push").exists()
    )


BAD_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"level": 0}, "level"),
    ({"level": 6}, "level"),
    ({"level": True}, "level"),
    ({"level": "5"}, "level"),
    ({"indicators": {**ONLINE, "efficiency": 9}}, "indicators.efficiency"),
    ({"indicators": {**ONLINE, "attitude": 5}}, "indicators.attitude"),  # a window indicator
    ({"indicators": {k: v for k, v in ONLINE.items() if k != "usability"}}, "indicators.usability"),
    ({"indicators": {**ONLINE, "overall": 3}}, "indicators.overall"),  # disagrees with level 5
    ({"level": 2, "comment": "  "}, "comment"),  # a bad rating says why
    ({"comment": "好" * 1001}, "comment"),
    ({"comment": "办得好\u202e差评"}, "comment"),  # a direction override reverses what is read
    ({"comment": "办得好\x00"}, "comment"),  # a NUL was a 500 on PostgreSQL
    ({"extra": 1}, "extra"),
]


def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(world, done_app) -> None:
    client = as_user(world["zhangjianguo"])
    for body, field in BAD_INPUT:
        response = rate(client, done_app.number, **body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert Rating.objects.count() == 0
    assert not OutboxMessage.objects.filter(kind="rating.push").exists()
    assert rate(client, done_app.number).status_code == 201  # the same client, good input


def test_overall_may_be_given_when_it_agrees_and_window_indicators_are_their_own() -> None:
    checked, errors = rating_input_check(
        subject="case", level=3, indicators={**ONLINE, "overall": 3}, comment=""
    )
    assert errors == {} and checked is not None and checked.indicators["overall"] == 3
    _, errors = rating_input_check(subject="visit", level=3, indicators=dict(ONLINE), comment="")
    assert {"indicators.guide_accuracy", "indicators.skill", "indicators.attitude"} <= set(errors)
    _, errors = rating_input_check(subject="case", level=3, indicators=[1, 2], comment="")
    assert "indicators" in errors


def test_a_rejected_application_is_completed_and_can_be_rated(world) -> None:
    from tests.ratings.helpers import complete

    app = complete(submit(world), reject_first=True)
    assert app.status == "rejected"
    response = rate(as_user(world["zhangjianguo"]), app.number, level=2, comment="不予办理没说清楚")
    assert response.status_code == 201
    assert response.json()["ticket"]["status"] == "callback"
