"""The rating waits for the end: no invitation, link or acceptance while a sub-case is open."""

from __future__ import annotations

import pytest

from kuaiban.applications.models import ApplicationStatus
from kuaiban.cases.services import Outcome, subcase_decide
from kuaiban.ratings.models import Rating, RatingInvitation
from kuaiban.ratings.services import ratings_invite_and_remind
from tests.ratings.helpers import as_user, complete, officer_of, rate, submit

pytestmark = pytest.mark.django_db


def test_partly_done_with_open_subcases_is_not_rated_until_every_subcase_is_done(
    world, frozen_now
) -> None:
    app = submit(world)
    first = app.subcases.filter(status="open").order_by("pk").first()
    assert first is not None and first.agency is not None
    assert app.subcases.count() > 1
    subcase_decide(actor=officer_of(first.agency), subcase=first, outcome=Outcome.APPROVED)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PARTLY_DONE
    client = as_user(world["zhangjianguo"])

    refused = rate(client, app.number)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_completed"
    page = client.get(f"/me/applications/{app.number}/")
    assert page.status_code == 200
    assert f"/ratings/applications/{app.number}/" not in page.content.decode()
    form = client.get(f"/ratings/applications/{app.number}/")
    assert "办结后" in form.content.decode() and 'name="level"' not in form.content.decode()
    assert ratings_invite_and_remind(now=frozen_now).invited == 0
    assert not RatingInvitation.objects.filter(application=app).exists()

    complete(app)
    page = client.get(f"/me/applications/{app.number}/")
    assert f"/ratings/applications/{app.number}/" in page.content.decode()
    assert ratings_invite_and_remind(now=frozen_now).invited == 1
    assert rate(client, app.number).status_code == 201
    assert Rating.objects.filter(application=app).count() == 1
