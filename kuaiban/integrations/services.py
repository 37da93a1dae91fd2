"""Writes to the outbox (call inside the transaction of the state change: no dual writes), and
the audit of agencies' systems reading sub-cases and downloading their material files."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from kuaiban.core.audit import audit_record
from kuaiban.core.bulk import rows_insert
from kuaiban.core.models import AuditAction
from kuaiban.core.request_id import request_id_current
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState

if TYPE_CHECKING:  # the apps that enqueue import this module: no imports back at run time
    pass


def outbox_enqueue(*, kind: OutboxKind, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """One message per key: enqueuing the same key again returns the first message.

    The message keeps the id of the request that wrote it, for its delivery's log lines and
    the ``X-Request-ID`` of its HTTP call.
    """
    message, _ = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={"kind": kind, "payload": payload, "request_id": request_id_current()},
    )
    return message


def outbox_enqueue_new(*, kind: OutboxKind, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """One INSERT, for a key that names a row created in the same transaction (so no message
    can have it yet): `outbox_enqueue` without its look-up first."""
    (message,) = rows_insert([outbox_message_new(kind=kind, key=key, payload=payload)])
    return message


def outbox_message_new(*, kind: OutboxKind, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """The message `outbox_enqueue_new` stores, unsaved: for the caller to store with its other
    rows in one statement (``kuaiban/core/bulk.py`` `rows_insert_many`)."""
    return OutboxMessage(
        idempotency_key=key, kind=kind, payload=payload, request_id=request_id_current()
    )


def outbox_resend(
    *, actor: AbstractBaseUser | AnonymousUser | None, message_ids: Iterable[int]
) -> list[OutboxMessage]:
    """Dead letters back to pending with a fresh count of attempts, due at once; audited.

    Only dead messages are touched (a pending or delivered one is left as it is); each is
    reset by a conditional UPDATE, so two administrators resending at once reset it once.
    The last error stays visible until the next attempt replaces it.
    """
    resent = []
    now = timezone.now()
    with transaction.atomic():
        for message in OutboxMessage.objects.filter(
            pk__in=list(message_ids), state=OutboxState.DEAD
        ):
            reset = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.DEAD).update(
                state=OutboxState.PENDING,
                attempts=0,
                next_attempt_at=now,
                claimed_by="",
                claimed_at=None,
            )
            if not reset:
                continue
            audit_record(
                actor=actor,
                action=AuditAction.OUTBOX_RESEND,
                object_type="outbox_message",
                object_id=str(message.pk),
                changes={
                    "kind": message.kind,
                    "idempotency_key": message.idempotency_key,
                    "attempts": message.attempts,
                    "last_error": message.last_error,
                },
            )
            resent.append(message)
    return resent
