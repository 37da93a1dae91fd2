"""Every read of someone's shared data is audited here, in one shape whoever reads it.

The object is the person (``person``, masked 居民身份证号) or the unit (``unit``, masked
统一社会信用代码) whose data was read; ``changes`` says why and which records.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kuaiban.core.audit import audit_record
from kuaiban.core.masking import mask_credit_code, mask_id_number
from kuaiban.core.models import AuditAction, AuditEvent
from kuaiban.shareddata.connectors import SharedProfile


def shared_data_read_audit(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    profile: SharedProfile,
    id_number: str = "",
    credit_code: str = "",
    purpose: str,
    save: bool = True,
    **context: str,
) -> AuditEvent:
    """Record that ``actor`` read ``profile`` of the person or unit, for ``purpose``; with
    ``save=False`` the row is returned unsaved, to be stored with others (`audit_store`)."""
    if id_number:
        object_type, object_id = "person", mask_id_number(id_number.upper())
    elif credit_code:
        object_type, object_id = "unit", mask_credit_code(credit_code.upper())
    else:
        raise ValueError("a shared-data read names the person or the unit it read")
    return audit_record(
        actor=actor,
        action=AuditAction.SHARED_DATA_READ,
        object_type=object_type,
        object_id=object_id,
        changes={"purpose": purpose, **context, "records": [r.record for r in profile.records]},
        save=save,
    )


def records_read_audit(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    id_number: str,
    purpose: str,
    channel: str,
    save: bool = True,
) -> AuditEvent:
    """``actor`` (None at a self-service kiosk: the person identified there) read the records
    of the person ``id_number`` through a self-service query (``purpose``: the query's name;
    ``channel``: web, api, kiosk, unit); with ``save=False`` the row is returned unsaved, to be
    stored with others (`audit_store`: a list page reading many people)."""
    return audit_record(
        actor=actor,
        action=AuditAction.SHARED_DATA_READ,
        object_type="person",
        object_id=mask_id_number(id_number.upper()),
        changes={"purpose": purpose, "channel": channel},
        save=save,
    )
