"""Writing audit events; called inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.core.bulk import rows_insert
from kuaiban.core.models import AuditAction, AuditEvent


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
    save: bool = True,
) -> AuditEvent:
    """The audit row, saved; with ``save=False`` not yet, to be stored with the other rows of
    the same change in one INSERT (`audit_store`)."""
    user = actor if actor is not None and actor.is_authenticated else None
    label = user.get_username() if user is not None else "system"
    event = AuditEvent(
        actor=user,  # type: ignore[misc]
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
    )
    if save:
        event.save()
    return event


def audit_store(events: list[AuditEvent]) -> list[AuditEvent]:
    """Several audit rows of one change in one INSERT, in the order given."""
    return rows_insert(events)
