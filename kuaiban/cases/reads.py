"""Audit of reads of a sub-case's personal data (the full form, a material file), by an
officer in the workbench or by an agency's own system through the signed API: one action each,
so both read the same in the audit log; ``system`` names the agency whose signature the
request carried."""

from __future__ import annotations

from kuaiban.accounts.models import User
from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import Agency
from kuaiban.core.audit import audit_record
from kuaiban.core.models import AuditAction


def subcase_read_record(
    *, subcase: SubCase, actor: User | None = None, system: Agency | None = None
) -> None:
    changes: dict[str, object] = {"application": subcase.application.number}
    if system is not None:
        changes = {"system": system.code, **changes}
    _record(AuditAction.SUBCASE_READ, subcase=subcase, actor=actor, changes=changes)


def material_download_record(
    *,
    subcase: SubCase,
    material: ApplicationMaterial,
    actor: User | None = None,
    system: Agency | None = None,
) -> None:
    changes: dict[str, object] = {
        "application": subcase.application.number,
        "material": material.code,
    }
    if system is not None:
        changes |= {"system": system.code, "material_id": material.pk}
    _record(AuditAction.SUBCASE_MATERIAL_DOWNLOAD, subcase=subcase, actor=actor, changes=changes)


def _record(
    action: AuditAction, *, subcase: SubCase, actor: User | None, changes: dict[str, object]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="subcase",
        object_id=str(subcase.pk),
        changes=changes,
    )
