"""`GET /api/v1/subcases/<id>/materials/<material id>/file`: an agency's own system downloads
a material file of a sub-case it was sent (现行系统办理).

Only signed requests: the signature covers the method and the path (``verify_path_request``),
so a signature for one file opens no other, and the body is empty. Only the agency the
sub-case is routed to now, only the files of its item's materials on that application; all
else is the same 404. Each download is audited. The webhook gives each file's path, size and
SHA-256 (``kuaiban/integrations/README.md``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from ninja import Router
from ninja.security.http import HttpAuthBase

from kuaiban.applications.models import ApplicationMaterial
from kuaiban.cases.material_listing import access_subcase_material
from kuaiban.cases.reads import material_download_record
from kuaiban.cases.system_auth import agency_verify_request
from kuaiban.catalogue.models import Agency
from kuaiban.core.errors import ApiError, ErrorOut, NotFound
from kuaiban.core.openapi import ObjectId, component_ref


class AgencyPathSignatureAuth(HttpAuthBase):
    """An agency's own system, by its HMAC signature over method, path and timestamp."""

    openapi_scheme = "apiKey"
    openapi_type = "apiKey"
    openapi_name = "X-Kuaiban-Signature"
    openapi_in = "header"

    def __call__(self, request: HttpRequest) -> Agency:
        return agency_verify_request(request)  # 401 for a missing, stale or wrong signature


router = Router()  # tags from the cases router it is mounted on

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# What separates paths or parameters in a header or a file system (and "..") is never in a name.
_UNSAFE = re.compile(r'(?:[\\/:*?"<>|;,%\s]|\.{2,})+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get(
    "/subcases/{subcase_id}/materials/{material_id}/file",
    auth=AgencyPathSignatureAuth(),
    summary="下载子件事项的材料文件（机构业务系统，签名覆盖方法与路径）",
    openapi_extra={
        "responses": {
            200: {
                "description": "材料文件（类型为上传时按内容识别的类型）",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            },
            503: {
                "description": "材料文件暂时无法读取，请稍后重试",
                "content": {"application/json": {"schema": component_ref(ErrorOut)}},
            },
        }
    },
)
def material_file(
    request: HttpRequest, subcase_id: ObjectId, material_id: ObjectId
) -> FileResponse:
    agency: Agency = request.auth  # type: ignore[attr-defined]
    subcase, material = access_subcase_material(
        agency=agency, subcase_id=subcase_id, material_id=material_id
    )
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise NotFound("材料文件不存在") from None
    except OSError:
        raise ApiError(
            "材料文件暂时无法读取，请稍后重试", code="storage_unavailable", status=503
        ) from None
    material_download_record(system=agency, subcase=subcase, material=material)
    response = FileResponse(
        handle, content_type=material.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(
        number=subcase.application.number, material=material
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if material.sha256:
        response["X-Kuaiban-Sha256"] = material.sha256
    return response


def content_disposition(*, number: str, material: ApplicationMaterial) -> str:
    """``attachment`` with an ASCII ``filename`` and the Chinese name as RFC 5987 ``filename*``.

    The name is the application's number and the material's name (``370102-…-劳动合同.pdf``),
    with every character that could split the header or name a directory removed.
    """
    extension = _extension(material)
    name = _safe_name(f"{number}-{material.name}") or _safe_name(number) or "material"
    fallback = _NOT_ASCII_NAME.sub("_", f"{number}-{material.code}").strip("._") or "material"
    return (
        f'attachment; filename="{fallback}{extension}"; '
        f"filename*=UTF-8''{quote(name + extension, safe='')}"
    )


def _safe_name(text: str) -> str:
    kept = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    return _UNSAFE.sub("_", kept).strip("._")[:100]


def _extension(material: ApplicationMaterial) -> str:
    if material.content_type in _EXTENSIONS:
        return _EXTENSIONS[material.content_type]
    extension = os.path.splitext(material.file.name or "")[1].lower()
    return extension if re.fullmatch(r"\.[a-z0-9]{1,8}", extension) else ""
