"""Checks of uploaded materials: size, type by content, and that the file really opens.

The leading bytes say which type a file claims to be (a renamed .exe is not a PDF); the file
is then read with a real parser of that type, and refused when it does not parse: a PDF with
pypdf in strict mode, with nothing but whitespace after its last ``%%EOF`` (a PDF header with a
program behind it, or a program appended to a real PDF, is refused); an image with Pillow,
decoded in full within a pixel limit (a 30000×30000 PNG of a few kilobytes would take gigabytes
to open on an officer's screen).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image
from pypdf import PdfReader

# A 600 dpi colour scan of an A3 page is about 70 million pixels; a phone photo 12–50 million.
MAX_IMAGE_PIXELS = 80_000_000
# How far from the end a PDF's last %%EOF may be (whitespace only after it).
_PDF_TAIL = 64

ALLOWED_LABEL = "PDF、JPG、PNG"
_UNREADABLE = "文件已损坏或不是有效的{label}文件，请重新导出或扫描后上传"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str


def _pdf_problem(stream: IO[bytes]) -> str | None:
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(max(0, end - _PDF_TAIL))
    tail = stream.read()
    marker = tail.rfind(b"%%EOF")
    if marker < 0 or tail[marker + 5 :].strip():
        return "PDF 文件结尾之后还有其他内容，请重新导出后上传"
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            return "PDF 文件设有打开密码，请上传未加密的文件"
        if len(reader.pages) == 0:
            return "PDF 文件没有页面"
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading each page's box walks the whole page tree
    except Exception:  # any failure of the parser means the file is not a readable PDF
        return _UNREADABLE.format(label=" PDF ")
    return None


def _image_problem(stream: IO[bytes], image_format: str) -> str | None:
    label = f" {image_format} "
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[image_format]) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    return "图片尺寸过大，请缩小后上传（不超过8000万像素）"
                image.verify()  # the file's structure to its end (a PNG's chunks and checksums)
            stream.seek(0)
            with Image.open(stream, formats=[image_format]) as image:
                image.load()  # every pixel decoded: a truncated or corrupt image fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "图片尺寸过大，请缩小后上传（不超过8000万像素）"
    except Exception:  # any failure of the decoder means the file is not a readable image
        return _UNREADABLE.format(label=label)
    return None


# The types a bureau accepts for scanned or electronic materials: leading bytes, type, extension,
# and the parser that must read the file.
_TYPES: list[tuple[bytes, str, str, Callable[[IO[bytes]], str | None]]] = [
    (b"%PDF-", "application/pdf", "pdf", _pdf_problem),
    (b"\xff\xd8\xff", "image/jpeg", "jpg", lambda stream: _image_problem(stream, "JPEG")),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png", lambda stream: _image_problem(stream, "PNG")),
]


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
    for signature, content_type, extension, problem_of in _TYPES:
        if head.startswith(signature):
            problem = problem_of(upload)
            upload.seek(0)
            if problem:
                return problem
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return CheckedUpload(upload, content_type, extension, size, digest.hexdigest())
    upload.seek(0)
    return f"文件类型不支持：请上传 {ALLOWED_LABEL} 文件（按文件内容识别，改扩展名无效）"
