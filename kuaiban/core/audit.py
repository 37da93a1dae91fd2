"""Writing audit events; called inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.core.models import AuditAction, AuditEvent


def audit_event(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit row, not saved yet: for `audit_record`, or several at once (`audit_store`)."""
    user = actor if actor is not None and actor.is_authenticated else None
    label = user.get_username() if user is not None else "system"
    return AuditEvent(
        actor=user,  # type: ignore[misc]
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
    )


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    event = audit_event(
        actor=actor, action=action, object_type=object_type, object_id=object_id, changes=changes
    )
    event.save()
    return event


def audit_store(events: list[AuditEvent]) -> list[AuditEvent]:
    """Several audit rows of one change in one INSERT, in the order given."""
    return AuditEvent.objects.bulk_create(events)
