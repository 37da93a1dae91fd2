"""`rows_insert` stores what `bulk_create` stores, in one statement, and sets the new keys."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.core.bulk import rows_insert
from kuaiban.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

_COMPARED = ("actor_id", "actor_label", "action", "object_type", "object_id", "changes")


def _events(prefix: str, count: int) -> list[AuditEvent]:
    return [
        AuditEvent(
            actor_label="system",
            action=AuditAction.APPLICATION_SUBMIT,
            object_type="application",
            object_id=f"{prefix}-{n}",
            changes={"n": n, "名称": "失业保险金", "nested": [n, None, True]},
        )
        for n in range(count)
    ]


def _stored(prefix: str) -> list[tuple[object, ...]]:
    """The rows of one batch, their object ids without the batch's prefix."""
    rows = AuditEvent.objects.filter(object_id__startswith=f"{prefix}-").values_list(*_COMPARED)
    return sorted(
        ((*row[:4], row[4].removeprefix(f"{prefix}-"), *row[5:]) for row in rows),
        key=lambda row: str(row[4]),
    )


def test_the_rows_and_their_keys_are_those_bulk_create_gives() -> None:
    with CaptureQueriesContext(connection) as queries:
        ours = rows_insert(_events("a", 7))
    AuditEvent.objects.bulk_create(_events("b", 7))
    assert len(queries.captured_queries) == 1
    assert _stored("a") == _stored("b")
    assert len(_stored("a")) == 7
    stored = dict(
        AuditEvent.objects.filter(object_id__startswith="a-").values_list("pk", "object_id")
    )
    assert {e.pk: e.object_id for e in ours} == stored  # each object got its own row's key
    assert all(not e._state.adding for e in ours)
    # auto_now_add is stamped as bulk_create stamps it
    assert all(e.at is not None for e in ours)
    assert AuditEvent.objects.filter(object_id__startswith="a-", at=None).count() == 0


def test_the_statement_is_reused_for_another_batch_of_the_same_size() -> None:
    rows_insert(_events("c", 3))
    with CaptureQueriesContext(connection) as queries:
        rows_insert(_events("d", 3))
    assert len(queries.captured_queries) == 1
    assert _stored("c") == _stored("d")


def test_objects_with_their_own_keys_and_empty_lists_go_the_usual_way() -> None:
    assert rows_insert([]) == []
    given = _events("e", 2)
    given[0].pk, given[1].pk = 900_001, 900_002
    rows_insert(given)
    assert set(
        AuditEvent.objects.filter(object_id__startswith="e-").values_list("pk", flat=True)
    ) == {
        900_001,
        900_002,
    }


def test_values_of_every_kind_arrive_as_written(make_user) -> None:
    """Text with quotes, line breaks and characters outside the BMP, JSON of every shape, a
    foreign key set and unset: the rows are those bulk_create writes, on SQLite as VALUES and
    on PostgreSQL as one JSON document (one parameter, whatever the number of rows)."""
    alice = make_user(username="alice")
    awkward = ['it\'s "quoted"', "两行\n文字\t制表", "𠮷野家 🎉", "\\ backslash %s %(x)s", ""]

    def events(prefix: str) -> list[AuditEvent]:
        return [
            AuditEvent(
                actor=alice if n % 2 else None,
                actor_label=text,
                action=AuditAction.APPLICATION_SUBMIT,
                object_type="application",
                object_id=f"{prefix}-{n}",
                changes={"text": text, "list": [1.5, None, False, {"深": [text]}], "n": n},
            )
            for n, text in enumerate(awkward)
        ]

    with CaptureQueriesContext(connection) as queries:
        rows_insert(events("f"))
    AuditEvent.objects.bulk_create(events("g"))
    assert len(queries.captured_queries) == 1
    if connection.vendor == "postgresql":
        assert "jsonb_to_recordset" in queries.captured_queries[0]["sql"]
    assert _stored("f") == _stored("g")
    assert len(_stored("f")) == len(awkward)


def test_values_taken_as_they_are_are_those_their_fields_prepare() -> None:
    """`_prepared` skips the fields' preparation only for values it would return unchanged:
    ``None`` in a plain column, any ``str`` (an enum member too) in a text column. Everything
    else — a number given as text, text given as a number, a time, JSON — still goes through
    the field, and the row equals Django's own preparation, value and type."""
    from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
    from kuaiban.core.bulk import _prepared, _statement

    subcases = [
        SubCase(
            application_id=None,
            item_id=7,
            seed_name="失业保险金申领",
            agency_kind=3,  # not text: prepared into "3"
            agency_id=None,
            stage="2",  # not a number: prepared into 2
            status=SubCaseStatus.OPEN,
            deadline_state=DeadlineState.ON_TIME,
            due_at=None,
            opened_at=timezone.now(),
            check_results=[{"rule": "年龄", "passed": True}],
            decision_note="",
        ),
        SubCase(item_id=8, seed_name="", agency_kind="", status="waiting", check_results=None),
    ]
    statement = _statement(SubCase, len(subcases), connection)
    assert statement is not None
    fast = [_prepared(s, statement.preparations, connection) for s in subcases]
    django = [
        [f.get_db_prep_save(f.pre_save(s, True), connection=connection) for f in statement.fields]
        for s in subcases
    ]

    def shown(rows: list[list[object]]) -> list[list[tuple[type, object]]]:
        # psycopg's JSON wrappers do not compare: their documents do.
        return [[(type(v), getattr(v, "obj", v)) for v in row] for row in rows]

    assert shown(fast) == shown(django)
    assert fast[0][[f.name for f in statement.fields].index("agency_kind")] == "3"
    assert fast[0][[f.name for f in statement.fields].index("stage")] == 2


def test_rows_of_several_models_go_in_one_statement_with_their_keys(make_user) -> None:
    """`rows_insert_many`: on PostgreSQL one statement for all groups, elsewhere one per
    group; either way the rows are those bulk_create writes and each object has its own key."""
    from kuaiban.core.bulk import rows_insert_many
    from kuaiban.integrations.models import OutboxKind, OutboxMessage

    alice = make_user(username="alice")
    message = OutboxMessage(
        kind=OutboxKind.APPLICATION_SUBMITTED, idempotency_key="m-1", payload={"号": "一"}
    )
    events = _events("h", 3)
    events[1].actor = alice
    with CaptureQueriesContext(connection) as queries:
        rows_insert_many([[message], [], events])
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    AuditEvent.objects.bulk_create(_events("i", 3))
    assert [row[1:] for row in _stored("h")] == [row[1:] for row in _stored("i")]
    assert [row[0] for row in _stored("h")] == [None, alice.pk, None]
    stored = dict(
        AuditEvent.objects.filter(object_id__startswith="h-").values_list("pk", "object_id")
    )
    assert {e.pk: e.object_id for e in events} == stored
    assert OutboxMessage.objects.get(pk=message.pk).payload == {"号": "一"}
    assert not message._state.adding and all(not e._state.adding for e in events)
