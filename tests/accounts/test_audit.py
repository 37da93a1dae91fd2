"""Audit lines for log-in and tokens, with ID numbers and phones masked."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from kuaiban.accounts.audit import audit_log
from tests.accounts.conftest import (
    ALICE_ID,
    ALICE_PHONE,
    PASSWORD,
    TOKEN_URL,
    api_token,
    bearer,
    web_login,
)


class Capture(logging.Handler):
    """Keeps each record's message as it was emitted: the root handler's masking filter
    rewrites the same record object afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        snapshot = logging.makeLogRecord(record.__dict__)
        snapshot.msg, snapshot.args = record.getMessage(), None
        self.records.append(snapshot)


@pytest.fixture
def audit_records():
    """Records as they leave audit_log: a handler on the audit logger itself sees them before
    the masking filter of the root handler, so these tests check audit_log's own masking."""
    logger = logging.getLogger("kuaiban.audit")
    capture = Capture()
    logger.addHandler(capture)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield capture.records
    logger.removeHandler(capture)
    logger.setLevel(previous)


@pytest.fixture
def audit(audit_records):
    def lines() -> list[str]:
        return [r.getMessage() for r in audit_records]

    return lines


def test_login_success_and_failure_are_audited(client, alice, audit):
    web_login(client, "alice", "wrong password", ip="10.1.2.3")
    web_login(client, "alice", PASSWORD, ip="10.1.2.3")
    assert audit() == [
        "login.failure actor=alice channel=web ip=10.1.2.3 locked=False",
        "login.success actor=alice channel=web ip=10.1.2.3",
    ]


def test_lock_and_refusal_are_audited(client, alice, audit):
    for _ in range(6):
        web_login(client, "alice", "wrong password")
    lines = audit()
    assert lines[4].endswith("locked=True")
    assert lines[5].startswith("login.refused actor=alice channel=web ip=10.0.0.1 until=")


def test_token_issue_and_revoke_are_audited_without_the_token(alice, audit, caplog):
    caplog.set_level(logging.INFO)
    raw = api_token(Client(), "alice", PASSWORD).json()["token"]
    Client().delete(TOKEN_URL, **bearer(raw))
    lines = audit()
    assert lines[0] == "login.success actor=alice channel=api ip=10.0.0.1"
    assert lines[1].startswith("token.issue actor=alice expires_at=")
    assert lines[2].startswith("token.revoke actor=alice owner=alice token_id=")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert raw not in everything
    assert PASSWORD not in everything


def test_logout_is_audited(client, alice, audit):
    client.force_login(alice)
    client.post("/accounts/logout/")
    assert audit() == ["logout actor=alice ip=127.0.0.1"]


def test_an_id_number_or_phone_typed_as_username_is_masked(client, alice, audit_records):
    web_login(client, ALICE_ID, "wrong password")
    api_token(client, ALICE_PHONE, "wrong password")
    lines = [r.getMessage() for r in audit_records]
    assert lines[0].startswith(f"login.failure actor={ALICE_ID[:6]}********{ALICE_ID[-4:]} ")
    assert lines[1].startswith(f"login.failure actor={ALICE_PHONE[:3]}****{ALICE_PHONE[-4:]} ")
    structured = [str(r.audit_actor) for r in audit_records]
    assert not any(ALICE_ID in value or ALICE_PHONE in value for value in lines + structured)


def test_audit_log_masks_detail_values_and_keeps_them_structured(alice, audit_records):
    audit_log(actor=alice, action="test.action", detail={"id": ALICE_ID, "n": 3, "none": None})
    record = audit_records[-1]
    masked_id = f"{ALICE_ID[:6]}********{ALICE_ID[-4:]}"
    assert record.getMessage() == f"test.action actor=alice id={masked_id} n=3"
    assert record.audit_action == "test.action"
    assert record.audit_detail == {"id": masked_id, "n": "3"}


def test_a_forged_username_cannot_forge_a_line_or_a_field(client, db, audit):
    web_login(client, "bob\nlogin.success actor=admin", "x")
    web_login(client, "carol ip=1.2.3.4", "x")
    lines = audit()
    assert lines[0].startswith('login.failure actor="bob\\nlogin.success actor=admin" channel=web')
    assert "\n" not in lines[0]
    assert lines[1].startswith('login.failure actor="carol ip=1.2.3.4" channel=web ip=10.0.0.1')
