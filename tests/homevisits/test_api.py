"""`/api/v1/home-visits`: the same journey and the same rules as the pages — a family member
asks, a clerk of the region schedules, the owner records the outcome; the wrong user gets 404;
bad input is a 422 naming the field and stores nothing; reads by staff are audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kuaiban.core.models import AuditEvent
from kuaiban.homevisits.models import HomeVisit, RequestedAs, VisitStatus
from tests.homevisits.test_visits import TOMORROW, VISIT, ZHANG, as_user
from tests.worlds import NOW

pytestmark = pytest.mark.django_db
API = "/api/v1/home-visits"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _body(**extra: Any) -> dict[str, Any]:
    return {**VISIT, **extra}


def test_requested_scheduled_and_recorded_through_the_api(world) -> None:  # type: ignore[no-untyped-def]
    family = as_user(world["wangfang"])
    made = _post(family, API, _body())
    assert made.status_code == 201, made.content
    shown = made.json()
    assert shown["status"] == "requested" and shown["requested_as"] == RequestedAs.FAMILY
    assert shown["person_id_number"] != ZHANG and shown["person_id_number"].endswith("1234")
    visit_id = shown["id"]
    # The person visited and the one who asked list it; the list masks the phone.
    for user in ("wangfang", "zhangjianguo"):
        listed = as_user(world[user]).get(API).json()
        assert [v["id"] for v in listed["items"]] == [visit_id]
        assert listed["items"][0]["phone"] != "13905310001"
    clerk = as_user(world["clerk-lixia"])
    seen = clerk.get(f"{API}/{visit_id}")
    assert seen.status_code == 200 and seen.json()["phone"] == "13905310001"
    assert AuditEvent.objects.filter(action="home_visit.read", object_id=str(visit_id)).exists()
    # A stale version is a 409; the right one schedules.
    url = f"{API}/{visit_id}/schedule"
    stale = _post(clerk, url, {"scheduled_for": TOMORROW, "version": 9})
    assert stale.status_code == 409
    done = _post(clerk, url, {"scheduled_for": TOMORROW, "owner": "clerk-lixia", "version": 1})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "scheduled" and done.json()["scheduled_for"] == TOMORROW
    # Only the owner records the outcome.
    body = {"outcome": "answered", "note": "上门解答，已告知可由亲属代办", "version": 2}
    other = _post(as_user(world["officer-lixia-hall"]), f"{API}/{visit_id}/outcome", body)
    assert other.status_code == 404
    recorded = _post(clerk, f"{API}/{visit_id}/outcome", body)
    assert recorded.status_code == 200 and recorded.json()["outcome"] == "answered"
    assert HomeVisit.objects.get(pk=visit_id).status == VisitStatus.DONE
    # A visit that happened cannot be cancelled.
    assert _post(family, f"{API}/{visit_id}/cancel", {}).status_code == 409


def test_a_visit_is_cancelled_by_the_one_who_asked(world) -> None:  # type: ignore[no-untyped-def]
    family = as_user(world["wangfang"])
    visit_id = _post(family, API, _body()).json()["id"]
    cancelled = _post(family, f"{API}/{visit_id}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    listed = family.get(API, {"status": "requested"}).json()
    assert listed["items"] == []


@pytest.mark.parametrize(
    "username", ["zhaolei", "officer-ty-si", "clerk-jinan", "supervisor-jiangsu", "unit-qilu"]
)
def test_everyone_else_gets_404(world, username: str) -> None:  # type: ignore[no-untyped-def]
    visit_id = _post(as_user(world["wangfang"]), API, _body()).json()["id"]
    client = as_user(world[username])
    # clerk-jinan (the city) may see a district's visit; the others may not.
    if username == "clerk-jinan":
        assert client.get(f"{API}/{visit_id}").status_code == 200
        return
    assert client.get(f"{API}/{visit_id}").status_code == 404
    assert client.get(f"{API}/{visit_id + 1000}").status_code == 404
    assert client.get(API).json()["items"] == []
    body = {"scheduled_for": TOMORROW, "version": 1}
    assert _post(client, f"{API}/{visit_id}/schedule", body).status_code == 404
    assert _post(client, f"{API}/{visit_id}/cancel", {}).status_code == 404


def test_bad_input_is_refused_and_nothing_stored(world) -> None:  # type: ignore[no-untyped-def]
    client = as_user(world["wangfang"])
    for body, field in (
        (_body(person_id_number="370102196503121235"), "person_id_number"),
        (_body(region="370000"), "region"),
        (_body(phone="电话"), "phone"),
        (_body(item="9.9.9"), "item"),
    ):
        answer = _post(client, API, body)
        assert answer.status_code == 422, (field, answer.content)
        assert field in answer.json()["error"]["fields"], answer.json()
    assert _post(client, API, _body(reason="bored")).status_code == 422
    assert _post(client, API, _body(need="x" * 2001)).status_code == 422
    assert _post(client, API, {**_body(), "extra": 1}).status_code == 422
    # Units and officers do not ask for visits.
    assert _post(as_user(world["unit-qilu"]), API, _body()).status_code == 403
    assert not HomeVisit.objects.exists()
    # A day in the past, or an owner from elsewhere, is refused.
    visit_id = _post(client, API, _body()).json()["id"]
    clerk = as_user(world["clerk-lixia"])
    url = f"{API}/{visit_id}/schedule"
    past = (NOW - dt.timedelta(days=1)).date().isoformat()
    assert _post(clerk, url, {"scheduled_for": past, "version": 1}).status_code == 422
    far = _post(clerk, url, {"scheduled_for": TOMORROW, "owner": "clerk-nobody", "version": 1})
    assert far.status_code == 422 and "owner" in far.json()["error"]["fields"]
    wrong = _post(clerk, url, {"scheduled_for": TOMORROW, "owner": "officer-ty-si", "version": 1})
    assert wrong.status_code == 422
    assert HomeVisit.objects.get(pk=visit_id).status == VisitStatus.REQUESTED
