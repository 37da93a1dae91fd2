"""Reads of the material files an agency's own system may download (现行系统办理).

The ``subcase.dispatch`` webhook and the sub-case detail (``GET /api/v1/subcases/<id>``) list
the materials of the sub-case's item, each as ``material_entry`` builds it, with a download
path for those that have a file; ``GET /api/v1/subcases/<id>/materials/<material id>/file``
(``kuaiban.cases.material_api``) serves exactly those files, to the agency the sub-case is
routed to now, and to nobody else. Which materials have a file is the one rule of
``kuaiban.cases.materials``, shared with the officers' workbench.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import QuerySet

from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.materials import has_stored_file, with_stored_file
from kuaiban.cases.models import SubCase
from kuaiban.cases.selectors import access_subcase
from kuaiban.catalogue.models import Agency, ItemMaterial
from kuaiban.core.errors import NotFound
from kuaiban.integrations import conf

# Primary keys are 64-bit: a larger number in a URL is a 404, not a database error.
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str


class MaterialFileEntry(TypedDict):
    path: str
    url: str | None
    content_type: str
    size: int
    sha256: str


class MaterialEntry(TypedDict):
    id: int
    code: str
    name: str
    provision: str
    due_date: str | None
    file: MaterialFileEntry | None


def subcase_materials(subcase: SubCase) -> QuerySet[ApplicationMaterial]:
    """The application's materials that this sub-case's item asks for (one query)."""
    codes = ItemMaterial.objects.filter(item_id=subcase.item_id).values("material__code")
    return ApplicationMaterial.objects.filter(
        application_id=subcase.application_id, code__in=codes
    ).order_by("pk")


def material_file_path(*, subcase_id: int, material_id: int) -> str:
    """The download path after the platform's base URL: what the agency signs and requests."""
    return f"/api/v1/subcases/{subcase_id}/materials/{material_id}/file"


def access_subcase_material(
    *, agency: Agency, subcase_id: int, material_id: int
) -> tuple[SubCase, ApplicationMaterial]:
    """The sub-case routed to ``agency`` and a stored file of its item's materials.

    Another agency's sub-case, another application's or another item's material, a material
    without a file (shared data, a commitment, a gap not yet supplied) or a missing one: the
    same 404, so the answer tells nothing about what exists elsewhere.
    """
    if not (0 < subcase_id <= _MAX_ID and 0 < material_id <= _MAX_ID):
        raise NotFound("材料不存在")
    subcase = access_subcase(user=None, subcase_id=subcase_id, agency=agency)
    material = with_stored_file(subcase_materials(subcase)).filter(pk=material_id).first()
    if material is None:
        raise NotFound("材料不存在")
    return subcase, material


def material_file_facts(material: ApplicationMaterial) -> FileFacts:
    """Size and SHA-256 of the stored file: as recorded at upload, else read from storage.

    Uploads record both (``applications.uploads``); a row without them (older data) is read
    once here, chunk by chunk, so a large file is never held in memory.
    """
    if material.sha256 and material.size:
        return FileFacts(size=material.size, sha256=material.sha256)
    digest = hashlib.sha256()
    size = 0
    with material.file.open("rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
            size += len(chunk)
    return FileFacts(size=size, sha256=digest.hexdigest())


def material_entry(*, subcase_id: int, material: ApplicationMaterial) -> MaterialEntry:
    """A material as the webhook and the sub-case detail give it: how it was provided and,
    when it has a file, where to download it and how to check it.

    Raises ``OSError`` when a file without recorded size and SHA-256 cannot be read from
    storage; each caller says what that means for it (the webhook retries, the detail is 503).
    """
    return {
        "id": material.pk,
        "code": material.code,
        "name": material.name,
        "provision": material.provision,
        "due_date": material.due_date.isoformat() if material.due_date else None,
        "file": material_file_entry(subcase_id=subcase_id, material=material)
        if has_stored_file(material)
        else None,
    }


def material_file_entry(*, subcase_id: int, material: ApplicationMaterial) -> MaterialFileEntry:
    """Where the agency's system downloads the file (signed GET), and how to check it."""
    facts = material_file_facts(material)
    path = material_file_path(subcase_id=subcase_id, material_id=material.pk)
    base = conf.public_url()
    return {
        "path": path,
        "url": f"{base}{path}" if base else None,
        "content_type": material.content_type or "application/octet-stream",
        "size": facts.size,
        "sha256": facts.sha256,
    }
