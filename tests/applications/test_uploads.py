"""Uploads are opened with real parsers: what only looks like a PDF or an image is refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from kuaiban.applications.models import Application
from kuaiban.applications.uploads import CheckedUpload, upload_check
from tests.applications.helpers import JPEG, PDF, PNG, post_multipart, retirement_body

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 2000 + b"This program cannot be run in DOS"


def _file(content: bytes, name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few bytes that claims width × height pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
    ids=["pdf", "png", "jpeg"],
)
def test_real_files_are_accepted(content: bytes, content_type: str) -> None:
    checked = upload_check(_file(content))
    assert isinstance(checked, CheckedUpload) and checked.content_type == content_type


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + EXE,
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        PDF[: len(PDF) // 2],
    ],
    ids=["pdf-header-then-program", "no-catalogue", "truncated"],
)
def test_a_pdf_that_does_not_parse_is_refused(content: bytes) -> None:
    assert isinstance(upload_check(_file(content)), str)


@pytest.mark.parametrize("tail", [b"MZ\x90\x00", EXE, b"\n%%EOF\nMZ"])
def test_a_real_pdf_with_something_appended_is_refused(tail: bytes) -> None:
    problem = upload_check(_file(PDF + tail))
    assert isinstance(problem, str) and "结尾之后" in problem


def test_trailing_whitespace_after_the_end_of_a_pdf_is_fine() -> None:
    assert isinstance(upload_check(_file(PDF + b"\r\n  \n")), CheckedUpload)


def test_a_30000_by_30000_png_is_refused_before_it_is_decoded() -> None:
    problem = upload_check(_file(_png_header_only(30000, 30000), "bomb.png"))
    assert isinstance(problem, str) and "尺寸过大" in problem


def test_an_image_just_over_the_pixel_limit_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kuaiban.applications.uploads as uploads

    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 40 * 30 - 1)
    problem = upload_check(_file(PNG, "scan.png"))
    assert isinstance(problem, str) and "尺寸过大" in problem


@pytest.mark.parametrize(
    "content",
    [PNG[:-20], JPEG[: len(JPEG) // 2], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"\xff\xd8\xff" + EXE],
    ids=["png-truncated", "jpeg-truncated", "png-signature-only", "jpeg-header-then-program"],
)
def test_an_image_that_does_not_decode_is_refused(content: bytes) -> None:
    assert isinstance(upload_check(_file(content, "scan.png")), str)


def test_an_encrypted_pdf_that_needs_a_password_is_refused() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    problem = upload_check(_file(out.getvalue()))
    assert isinstance(problem, str) and "密码" in problem


@pytest.mark.django_db
def test_a_pdf_header_followed_by_a_program_is_refused_through_the_api(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    fake = SimpleUploadedFile("archive.pdf", b"%PDF-1.7\n" + EXE, content_type="application/pdf")
    response = post_multipart(client, retirement_body(), {"personnel_archive": fake})
    assert response.status_code == 422
    assert "materials.personnel_archive" in response.json()["error"]["fields"]
    assert Application.objects.count() == 0


def test_the_test_image_is_really_forty_by_thirty() -> None:
    with Image.open(io.BytesIO(PNG)) as image:
        assert image.size == (40, 30)
