"""The one set of materials: how each planned material is provided, and storing the files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.inputs import MaterialChoice
from kuaiban.applications.models import Application, ApplicationMaterial, Provision
from kuaiban.applications.uploads import CheckedUpload, upload_check
from kuaiban.bundles.planning import Plan, PlanMaterial
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import due_at
from kuaiban.core.audit import audit_record
from kuaiban.core.bulk import rows_insert
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.models import AuditAction


@dataclass(frozen=True)
class MaterialDecision:
    material: PlanMaterial
    provision: Provision
    upload: CheckedUpload | None = None
    due_date: dt.date | None = None
    shared_record: str = ""


def gap_due_date(*, today: dt.date) -> dt.date:
    """容缺受理: a missing non-key material is owed within this many working days."""
    days = settings.KUAIBAN_GAP_WORKING_DAYS
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    return timezone.localtime(
        due_at(start=start, limit=TimeLimit(LimitUnit.WORKING_DAYS, days))
    ).date()


def materials_decide(
    *, plan: Plan, choices: dict[str, MaterialChoice], held: Collection[str] = ()
) -> tuple[list[MaterialDecision], dict[str, list[str]]]:
    """Each planned material once: shared data if the source has it, else the applicant's choice.

    ``held``: materials the bureau holds itself and consults on a proactive offer (免申即办:
    e.g. the 人事档案 its archive keeps), recorded as obtained by data sharing."""
    decisions: list[MaterialDecision] = []
    errors: dict[str, list[str]] = {}
    planned = {m.code: m for m in plan.materials}
    not_needed = {m.code: m.name for m in plan.materials_not_needed}
    for code in choices:
        if code in not_needed:
            errors[f"materials.{code}"] = [f"按您填写的内容，无需提供“{not_needed[code]}”"]
        elif code not in planned:
            errors[f"materials.{code}"] = ["该一件事不需要这份材料"]
    for material in plan.materials:
        if material.from_shared_data or material.code in held:
            decisions.append(MaterialDecision(material, Provision.SHARED))
            continue
        if material.from_online_form:
            decisions.append(MaterialDecision(material, Provision.ONLINE_FORM))
            continue
        decision = _decide(material, choices.get(material.code), errors)
        if decision is not None:
            decisions.append(decision)
    return decisions, errors


def _decide(
    material: PlanMaterial, choice: MaterialChoice | None, errors: dict[str, list[str]]
) -> MaterialDecision | None:
    field = f"materials.{material.code}"
    if choice is None:
        errors[field] = [f"请上传“{material.name}”" + _alternatives(material)]
        return None
    if choice.provide == Provision.UPLOADED:
        if choice.upload is None:
            errors[field] = [f"请选择要上传的“{material.name}”文件"]
            return None
        checked = upload_check(choice.upload)
        if isinstance(checked, str):
            errors[field] = [checked]
            return None
        return MaterialDecision(material, Provision.UPLOADED, upload=checked)
    if choice.provide == Provision.COMMITMENT:
        if not material.commitment_allowed:
            errors[field] = [f"“{material.name}”不适用告知承诺，请上传"]
            return None
        return MaterialDecision(material, Provision.COMMITMENT)
    if choice.provide == Provision.GAP:
        if material.key:
            errors[field] = [f"“{material.name}”是关键材料，不能容缺受理，请上传"]
            return None
        return MaterialDecision(
            material, Provision.GAP, due_date=gap_due_date(today=timezone.localdate())
        )
    errors[field] = [f"“{material.name}”无法通过数据共享获取，请上传" + _alternatives(material)]
    return None


def _alternatives(material: PlanMaterial) -> str:
    ways = []
    if material.commitment_allowed:
        ways.append("签署告知承诺")
    if not material.key:
        ways.append("容缺后补")
    return f"，或选择{'、'.join(ways)}" if ways else ""


def materials_store(
    *, application: Application, decisions: list[MaterialDecision]
) -> tuple[list[ApplicationMaterial], list[str]]:
    """Save the files, then the rows in one INSERT; return the rows and the stored file names
    (to delete on rollback)."""
    stored: list[str] = []
    rows = []
    for decision in decisions:
        row = ApplicationMaterial(
            application=application,
            code=decision.material.code,
            name=decision.material.name,
            provision=decision.provision,
            due_date=decision.due_date,
        )
        if decision.upload is not None:
            stored.append(_file_attach(row, decision.upload))
        rows.append(row)
    return rows_insert(rows), stored


def _file_attach(row: ApplicationMaterial, upload: CheckedUpload) -> str:
    """Write the checked file for ``row`` (not saved yet); return the stored name."""
    row.content_type, row.size, row.sha256 = upload.content_type, upload.size, upload.sha256
    upload.upload.seek(0)
    row.file.save(
        f"{row.application.number}-{row.code}.{upload.extension}",
        ContentFile(upload.upload.read()),
        save=False,
    )
    return row.file.name or ""


def material_supply(
    *, actor: User, application: Application, code: str, upload: UploadedFile | None
) -> ApplicationMaterial:
    """容缺后补: a material that was owed, handed in by the applicant online or by any clerk at a
    window; checked like any upload. Handed in once: a second hand-in of the same material at
    the same moment is a 409. Late is still received, and the officers see it was late."""
    row = application.materials.filter(code=code, provision=Provision.GAP, supplied_at=None).first()
    if row is None:
        raise NotFound("没有需要补齐的该项材料")
    checked = upload_check(upload) if upload is not None else "请选择要上传的文件"
    if isinstance(checked, str):
        raise Unprocessable(checked, fields={f"materials.{code}": [checked]})
    _file_attach(row, checked)
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = ApplicationMaterial.objects.filter(pk=row.pk, supplied_at=None).update(
                file=row.file.name,
                content_type=row.content_type,
                size=row.size,
                sha256=row.sha256,
                supplied_at=now,
                supplied_by=actor,
            )
            if claimed != 1:
                raise Conflict("该材料刚刚已补齐，请刷新查看", code="already_supplied")
            late = row.due_date is not None and timezone.localdate(now) > row.due_date
            audit_record(
                actor=actor,
                action=AuditAction.MATERIAL_SUPPLY,
                object_type="application",
                object_id=application.number,
                changes={"material": code, "name": row.name, "late": late},
            )
    except BaseException:
        row.file.delete(save=False)  # nothing stays stored from a failed supply
        raise
    row.refresh_from_db()
    return row


# One answer to a correction request carries at most this many files.
CORRECTION_FILES_MAX = 10


def correction_uploads_check(uploads: list[UploadedFile]) -> list[CheckedUpload]:
    """补正材料 are checked like the materials at intake; every refused file is named."""
    if len(uploads) > CORRECTION_FILES_MAX:
        message = f"一次最多上传 {CORRECTION_FILES_MAX} 个文件"
        raise Unprocessable(message, fields={"files": [message]})
    checked: list[CheckedUpload] = []
    errors: list[str] = []
    for upload in uploads:
        result = upload_check(upload)
        if isinstance(result, str):
            errors.append(f"“{_short(upload.name or '文件')}”：{result}")
        else:
            checked.append(result)
    if errors:
        raise Unprocessable("补正材料有误，请按提示修改", fields={"files": errors})
    return checked


def correction_files_store(
    *, application: Application, uploads: list[CheckedUpload]
) -> list[ApplicationMaterial]:
    """Each file a material of the application (提供方式 补正材料), numbered after the earlier
    ones, so the officers see it among the materials; call inside the answer's transaction."""
    now = timezone.now()
    earlier = application.materials.filter(provision=Provision.CORRECTION).count()
    rows = []
    for number, upload in enumerate(uploads, start=earlier + 1):
        row = ApplicationMaterial(
            application=application,
            code=f"correction-{number}",
            name=f"补正材料{number}：{_short(upload.upload.name or '')}",
            provision=Provision.CORRECTION,
            supplied_at=now,
        )
        _file_attach(row, upload)
        row.save()
        rows.append(row)
    return rows


def _short(name: str) -> str:
    """A file name as the applicant gave it, cut to fit a material's name."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name if len(name) <= 60 else name[:57] + "…"
