"""Writes of the workbench itself: only the audit of reads. Every action on a sub-case is a
service of `kuaiban.cases.services`, which audits it in the same transaction."""

from __future__ import annotations

from kuaiban.accounts.models import User
from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.models import SubCase
from kuaiban.core.audit import audit_record
from kuaiban.core.models import AuditAction


def subcase_read_record(*, actor: User, subcase: SubCase) -> None:
    """The page shows the applicant's personal data (form, identifiers): reads are audited."""
    audit_record(
        actor=actor,
        action=AuditAction.SUBCASE_READ,
        object_type="subcase",
        object_id=str(subcase.pk),
        changes={"application": subcase.application.number},
    )


def material_download_record(
    *, actor: User, subcase: SubCase, material: ApplicationMaterial
) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.SUBCASE_MATERIAL_DOWNLOAD,
        object_type="subcase",
        object_id=str(subcase.pk),
        changes={"application": subcase.application.number, "material": material.code},
    )
