"""The one place identity events are written to the audit trail.

For now an audit line goes to the ``kuaiban.audit`` logger; when the audit table is ready this
function is the only thing to change. Every line is masked here, not only by the handler's
filter, because an audit destination configured elsewhere may not have that filter: a username
typed by a person can be an ID number or a phone number.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.core.masking import mask_text
from kuaiban.core.models import AuditAction

logger = logging.getLogger("kuaiban.audit")

DetailValue = str | int | bool | None

_UNSAFE = re.compile(r"[\s=\"\x00-\x1f\x7f]")


def audit_log(
    *,
    actor: AbstractBaseUser | AnonymousUser | str | None,
    action: AuditAction,
    detail: Mapping[str, DetailValue],
) -> None:
    """Record ``action`` (e.g. ``login.success``) by ``actor`` (a user, or the username typed
    on a failed log-in) with a few ``detail`` values. Never pass passwords or tokens."""
    name = mask_text(_actor_name(actor))
    masked = {key: mask_text(str(value)) for key, value in detail.items() if value is not None}
    fields = " ".join(f"{key}={_quoted(value)}" for key, value in sorted(masked.items()))
    line = mask_text(f"{action} actor={_quoted(name)} {fields}".rstrip())
    logger.info(line, extra={"audit_action": action, "audit_actor": name, "audit_detail": masked})


def _quoted(value: str) -> str:
    # A typed username like "bob\nlogin.success actor=admin" must not forge a second line or
    # field: such values are written as a JSON string.
    if value and not _UNSAFE.search(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _actor_name(actor: AbstractBaseUser | AnonymousUser | str | None) -> str:
    if actor is None:
        return "-"
    if isinstance(actor, str):
        return actor or "-"
    if not actor.is_authenticated:
        return "anonymous"
    return actor.get_username()
