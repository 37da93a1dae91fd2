"""`KeptQuery` answers what its queryset answers, in one statement, with the related objects
filled in; the bearer-token look-up goes through it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.accounts.models import ApiToken
from kuaiban.accounts.selectors import token_find
from kuaiban.accounts.services import token_issue
from kuaiban.catalogue.models import Region, RegionLevel
from kuaiban.core.kept_query import KeptQuery

pytestmark = pytest.mark.django_db

_BY_HASH = KeptQuery(
    lambda key_hash: ApiToken.objects.select_related("user", "user__region").filter(
        key_hash=key_hash
    ),
    arguments=1,
)


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}  # type: ignore[attr-defined]


def test_the_objects_are_those_of_the_queryset_with_their_related_objects(make_user) -> None:
    region = Region.objects.create(code="370102", name="历下区", level=RegionLevel.COUNTY)
    alice = make_user(username="alice", region=region)
    bob = make_user(username="bob")  # no region: the related object is None, as the ORM says
    issued = {user.username: token_issue(user=user) for user in (alice, bob)}
    for username, raw in issued.items():
        token = ApiToken.objects.select_related("user", "user__region").get(user__username=username)
        with CaptureQueriesContext(connection) as queries:
            (kept,) = _BY_HASH.rows(token.key_hash)
            assert kept.user.username == username  # read without another query
            assert (kept.user.region.name if kept.user.region else None) == (
                "历下区" if username == "alice" else None
            )
        assert len(queries.captured_queries) == 1
        assert _fields(kept) == _fields(token)
        assert _fields(kept.user) == _fields(token.user)
        # Values come converted as the ORM converts them (time zone-aware datetimes).
        assert timezone.is_aware(kept.expires_at)
        assert not kept._state.adding
        assert kept._state.db == "default"
        assert token_find(raw=raw.raw) == token


def test_each_run_takes_its_own_values_and_sees_current_rows(make_user) -> None:
    alice = make_user(username="alice")
    raw = token_issue(user=alice).raw
    found = token_find(raw=raw)
    assert found is not None
    assert token_find(raw=raw + "x") is None
    ApiToken.objects.filter(pk=found.pk).update(revoked_at=timezone.now() - dt.timedelta(1))
    again = token_find(raw=raw)
    assert again is not None and again.revoked_at is not None


def test_querysets_it_cannot_answer_as_the_orm_are_refused() -> None:
    annotated = KeptQuery(
        lambda key_hash: ApiToken.objects.filter(key_hash=key_hash).values("pk"), arguments=1
    )
    with pytest.raises(ValueError):
        annotated.rows("x")
    with pytest.raises(TypeError):
        _BY_HASH.rows()


def test_kept_statements_are_counted_and_on_postgresql_prepared_after_their_threshold(
    make_user,
) -> None:
    """The token look-up runs through `kept_cursor`: each run is one logged statement, the
    answer stays the ORM's, and on PostgreSQL the connection keeps the statement prepared once
    it has run `DATABASE_PREPARE_THRESHOLD` times (the parsing and planning done once)."""
    from django.conf import settings

    alice = make_user(username="alice")
    token_issue(user=alice)
    key_hash = ApiToken.objects.get(user=alice).key_hash
    threshold = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold") or 0
    runs = threshold + 2
    with CaptureQueriesContext(connection) as queries:
        found = [_BY_HASH.first(key_hash) for _ in range(runs)]
    assert len(queries.captured_queries) == runs
    assert {token.user.username for token in found if token} == {"alice"}
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%accounts_apitoken%key_hash%"],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == (1 if threshold else 0)
