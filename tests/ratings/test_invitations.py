"""Invited once, reminded once; a default rating after N days only when switched on."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from kuaiban.integrations.models import OutboxMessage
from kuaiban.ratings.models import Rating, RatingInvitation
from kuaiban.ratings.services import ratings_default_apply, ratings_invite_and_remind
from tests.ratings.helpers import as_user, rate, submit

pytestmark = pytest.mark.django_db


def _keys(prefix: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(idempotency_key__startswith=prefix).values_list(
            "idempotency_key", flat=True
        )
    )


def test_invited_once_and_reminded_once_after_the_delay(
    world, done_app, frozen_now, settings
) -> None:
    settings.KUAIBAN_RATING_REMIND_DAYS = 3
    unfinished = submit(world)
    result = ratings_invite_and_remind(now=frozen_now)
    assert (result.invited, result.reminded) == (1, 0)
    assert _keys("rating.invite:") == [f"rating.invite:{done_app.number}"]
    invite = OutboxMessage.objects.get(idempotency_key=f"rating.invite:{done_app.number}")
    assert invite.kind == "notify.applicant" and invite.payload["purpose"] == "rating.invite"
    assert f"/ratings/applications/{done_app.number}/" in invite.payload["text"]
    assert not RatingInvitation.objects.filter(application=unfinished).exists()
    # Again at once, and two days later: nothing new.
    assert ratings_invite_and_remind(now=frozen_now).invited == 0
    two_days = frozen_now + dt.timedelta(days=2)
    assert ratings_invite_and_remind(now=two_days).reminded == 0
    # After the delay: one reminder, never a second.
    three_days = frozen_now + dt.timedelta(days=3)
    assert ratings_invite_and_remind(now=three_days).reminded == 1
    assert ratings_invite_and_remind(now=three_days + dt.timedelta(days=9)).reminded == 0
    assert _keys("rating.remind:") == [f"rating.remind:{done_app.number}"]
    assert len(_keys("rating.invite:")) == 1


def test_a_rated_application_is_neither_invited_nor_reminded(world, done_app, frozen_now) -> None:
    ratings_invite_and_remind(now=frozen_now)
    assert rate(as_user(world["zhangjianguo"]), done_app.number).status_code == 201
    assert ratings_invite_and_remind(now=frozen_now + dt.timedelta(days=30)).reminded == 0
    assert _keys("rating.remind:") == []
    rated_first = submit(world)
    from tests.ratings.helpers import complete

    complete(rated_first)
    assert rate(as_user(world["zhangjianguo"]), rated_first.number).status_code == 201
    assert ratings_invite_and_remind(now=frozen_now).invited == 0


def test_no_default_rating_unless_switched_on(world, done_app, frozen_now, settings) -> None:
    settings.KUAIBAN_DEFAULT_RATING_DAYS = None
    ratings_invite_and_remind(now=frozen_now)
    assert ratings_default_apply(now=frozen_now + dt.timedelta(days=365)) == 0
    assert not Rating.objects.exists()


def test_default_rating_after_n_days_is_marked_and_never_bad(
    world, done_app, frozen_now, settings
) -> None:
    settings.KUAIBAN_DEFAULT_RATING_DAYS = 7
    ratings_invite_and_remind(now=frozen_now)
    assert ratings_default_apply(now=frozen_now + dt.timedelta(days=6, hours=23)) == 0
    week = frozen_now + dt.timedelta(days=7)
    assert ratings_default_apply(now=week) == 1
    rating = Rating.objects.get(application=done_app)
    assert rating.is_default and rating.level == 4 and not rating.is_bad
    assert rating.rated_by is None and rating.rated_at == week
    assert set(rating.indicators.values()) == {4}
    push = OutboxMessage.objects.get(idempotency_key=f"rating.push:{rating.pk}")
    assert push.payload["is_default"] is True and push.payload["channel"] == "default"
    assert ratings_default_apply(now=week + dt.timedelta(days=1)) == 0
    # The applicant can no longer rate it, and the application page says so.
    client = as_user(world["zhangjianguo"])
    assert rate(client, done_app.number).status_code == 409
    page = client.get(f"/me/applications/{done_app.number}/").content.decode()
    assert "默认评价" in page and "去评价" not in page


def test_a_default_level_that_would_be_bad_is_refused(
    world, done_app, frozen_now, settings
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.KUAIBAN_DEFAULT_RATING_DAYS = 0
    settings.KUAIBAN_DEFAULT_RATING_LEVEL = 2
    ratings_invite_and_remind(now=frozen_now)
    with pytest.raises(ImproperlyConfigured):
        ratings_default_apply(now=frozen_now)
    assert not Rating.objects.exists()


def test_the_sweep_command_does_it_all(world, done_app, frozen_now, settings) -> None:
    settings.KUAIBAN_DEFAULT_RATING_DAYS = 10
    out = StringIO()
    call_command("ratings_sweep", stdout=out)
    assert "邀请 1" in out.getvalue()
    with mock.patch.object(timezone, "now", return_value=frozen_now + dt.timedelta(days=11)):
        out = StringIO()
        call_command("ratings_sweep", stdout=out)
    assert "提醒 1" in out.getvalue() and "默认评价 1" in out.getvalue()
