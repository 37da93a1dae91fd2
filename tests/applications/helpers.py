from __future__ import annotations

import io
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfWriter


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # one A4 page
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format=image_format)
    return out.getvalue()


# Real files, as a scanner or a phone makes them: uploads are opened with real parsers.
PDF = _pdf_bytes()
PNG = _image_bytes("PNG")
JPEG = _image_bytes("JPEG")


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# What the retiree gives for 7-1: the retirement date; the rest is prefilled from shared data,
# settled by the scenario (the same values may be sent back) or given by the employer.
RETIREMENT_FORM = {
    "retirement_date": "2025-03-12",
    "retirement_type": "达到法定退休年龄",
}


def retirement_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pack": "shandong-2020",
        "bundle": "7",
        "scenario": "7-1",
        "items": [],
        "form": dict(RETIREMENT_FORM),
        "materials": {},
        "commitments": {"credit": True},
        "channel": "web",
    }
    body.update(overrides)
    return body


def post_multipart(client: Client, body: dict[str, Any], files: dict[str, Any], **headers: str):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"application": json.dumps(body, ensure_ascii=False)}
    data.update({f"material.{code}": f for code, f in files.items()})
    return client.post("/api/v1/applications", data, headers=headers)


def key_files(*codes: str) -> dict[str, SimpleUploadedFile]:
    return {code: pdf(f"{code}.pdf") for code in codes}


RETIREMENT_UPLOADS = (
    "retirement_form",
    "personnel_archive",
    "labour_filing_roster",
    "staff_change_form",
)


# Shandong 3 失业 with the optional 技能培训: a person's bundle with seven sub-cases, prefilled
# from shared data (three records used), one credit commitment, six materials.
UNEMPLOYMENT: dict[str, Any] = {
    "pack": "shandong-2020",
    "bundle": "3",
    "scenario": "3-1",
    "items": ["L-skills-training"],
    "channel": "web",
    "commitments": {"credit": True},
    "materials": {},
    "form": {
        "unemployment_date": "2025-02-01",
        "unemployment_reason": "劳动合同期满终止",
        "training_course": "电工",
    },
}


def submit_page_post(client: Client, path: str):  # type: ignore[no-untyped-def]
    """The submit page (``path``, e.g. /apply/shandong-2020/10/submit/) as a browser posts it:
    its token, a scan for every material it asks to upload, the credit commitment ticked."""
    page = client.get(path).content.decode()
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    uploads = {
        f"file.{code}": pdf(f"{code}.pdf")
        for code in (part.split('"', 1)[0] for part in page.split('name="file.')[1:])
    }
    return client.post(path, {"token": token, "credit_commitment": "on", **uploads})
