"""Certificates: the signature validates with pyHanko's validator, a changed byte fails it, a
revoked certificate shows revoked, a forged code is not found, wrong codes are throttled."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.certificates.models import Certificate
from kuaiban.certificates.services import certificate_revoke
from kuaiban.certificates.signing import pdf_signature_check
from tests.selfservice.conftest import as_user

pytestmark = pytest.mark.django_db


def _issue(username: str = "zhangjianguo", kind: str = "rights_record") -> Certificate:
    answer = as_user(username).post(
        "/api/v1/certificates", {"kind": kind}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    return Certificate.objects.get(code=answer.json()["code"])


def test_signature_validates_and_a_changed_byte_fails(intake_world: None) -> None:
    pdf = bytes(_issue().file.pdf)
    check = pdf_signature_check(pdf)
    assert check.intact and check.trusted
    # Change one byte inside the signed content (the first page's stream), not the signature.
    at = pdf.index(b"stream") + 40
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    assert not pdf_signature_check(tampered).intact


def test_signing_and_checking_work_inside_a_running_event_loop(intake_world: None) -> None:
    """pyHanko starts an event loop of its own; a caller already inside one (an ASGI server, a
    page driven by a browser) still gets a signed PDF and its check."""
    import asyncio

    from fpdf import FPDF

    from kuaiban.certificates.signing import pdf_sign

    document = FPDF()
    document.add_page()
    pdf = bytes(document.output())

    async def inside() -> tuple[bool, bool]:
        check = pdf_signature_check(pdf_sign(pdf, reason="证明", location="济南"))
        return check.intact, check.trusted

    assert asyncio.run(inside()) == (True, True)


def test_pdf_carries_code_and_qr_link(intake_world: None) -> None:
    import io

    from pypdf import PdfReader

    certificate = _issue(kind="contribution_proof")
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(bytes(certificate.file.pdf))).pages
    )
    assert certificate.code in text and "个人参保缴费证明" in text


def test_revoked_shows_revoked(intake_world: None) -> None:
    certificate = _issue()
    certificate_revoke(
        actor=User.objects.get(username="admin"),
        certificate=certificate,
        reason="信息有误，已重新开具",
    )
    body = Client().get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert body == body | {
        "valid": False,
        "status": "revoked",
        "revoked_reason": "信息有误，已重新开具",
    }
    page = Client().get(f"/verify/{certificate.code}").content.decode()
    assert "已作废" in page


def test_verify_masks_and_accepts_lower_case(intake_world: None) -> None:
    certificate = _issue()
    body = Client().get(f"/api/v1/certificates/verify/{certificate.code.lower()}").json()
    assert body["valid"] and "370102196503121234" not in str(body)
    assert body["holder"].startswith("张**")


def test_forged_code_not_found_then_throttled(intake_world: None) -> None:
    client = Client()
    for _ in range(4):
        assert client.get("/api/v1/certificates/verify/AAAA-BBBB-CCCC-DDDD").status_code == 404
    fifth = client.get("/api/v1/certificates/verify/AAAA-BBBB-CCCC-DDDD")
    assert fifth.status_code == 429 and int(fifth["Retry-After"]) > 0
    real = _issue()
    assert client.get(f"/api/v1/certificates/verify/{real.code}").status_code == 429
    assert client.get("/verify/AAAA-BBBB-CCCC-DDDD").status_code == 429


def test_issue_is_audited(intake_world: None) -> None:
    from kuaiban.core.models import AuditEvent

    certificate = _issue()
    event = AuditEvent.objects.get(action="certificate.issue", object_id=certificate.code)
    assert event.changes["holder"] == "370102********1234"
