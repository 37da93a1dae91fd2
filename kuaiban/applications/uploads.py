"""Checks of uploaded materials: size, and type by content (a renamed .exe is not a PDF)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

# The types a bureau accepts for scanned or electronic materials, by their leading bytes.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]
ALLOWED_LABEL = "PDF、JPG、PNG"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str


def upload_check(upload: UploadedFile) -> CheckedUpload | str:
    """The checked upload, or why it is refused (a message for the applicant)."""
    limit = settings.KUAIBAN_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        return "文件是空的，请重新选择"
    if size > limit:
        return f"文件过大（{size / 1048576:.1f} MB），每个文件不超过 {limit / 1048576:.0f} MB"
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return CheckedUpload(upload, content_type, extension, size, digest.hexdigest())
    return f"文件类型不支持：请上传 {ALLOWED_LABEL} 文件（按文件内容识别，改扩展名无效）"
