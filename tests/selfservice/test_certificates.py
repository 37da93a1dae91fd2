"""Certificates: the signature validates with pyHanko's validator, a changed byte fails it, the
seal is on the page, the bureau revokes on its page and verification shows it revoked, a forged
code is not found, wrong codes are throttled and so are too many look-ups from one address."""

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
    from concurrent.futures import ThreadPoolExecutor

    from fpdf import FPDF

    from kuaiban.certificates.signing import pdf_sign

    document = FPDF()
    document.add_page()
    pdf = bytes(document.output())

    async def inside() -> tuple[bool, bool]:
        check = pdf_signature_check(pdf_sign(pdf, reason="证明", location="济南"))
        return check.intact, check.trusted

    # A thread of its own, so that this test's loop is the only one whatever ran before it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == (True, True)


def test_pdf_carries_code_and_qr_link(intake_world: None) -> None:
    import io

    from pypdf import PdfReader

    certificate = _issue(kind="contribution_proof")
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(bytes(certificate.file.pdf))).pages
    )
    assert certificate.code in text and "个人参保缴费证明" in text


def test_pdf_carries_the_seal_image(intake_world: None) -> None:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(bytes(_issue().file.pdf))).pages
    images = [image.image.convert("RGB") for page in pages for image in page.images]
    assert len(images) == 2  # image XObjects: the QR code and the 电子印章

    def red_share(image) -> float:  # type: ignore[no-untyped-def]
        colours = image.getcolors(maxcolors=1 << 24)
        red = sum(n for n, (r, g, b) in colours if r > 150 and g < 90 and b < 90)
        return red / (image.width * image.height)

    # The seal is drawn in red; the QR code is black on white.
    assert sorted(red_share(i) > 0.05 for i in images) == [False, True]


def _revoke_page(client: Client, code: str, reason: str):  # type: ignore[no-untyped-def]
    return client.post(f"/certificates/manage/{code}/revoke", {"reason": reason})


def test_the_bureau_revokes_on_its_page_and_verification_shows_it(intake_world: None) -> None:
    from kuaiban.core.models import AuditEvent

    certificate = _issue()
    officer = as_user("officer-jn-si")  # 济南 social insurance: 张建国 is insured in 历下区
    found = officer.get("/certificates/manage/", {"code": certificate.code.lower()})
    page = found.content.decode()
    assert found.status_code == 200 and "370102********1234" in page and "确认作废" in page
    assert "370102196503121234" not in page
    # No reason: refused, nothing revoked.
    answer = _revoke_page(officer, certificate.code, "  ")
    assert answer.status_code == 302
    assert "请写明作废原因" in officer.get(answer["Location"]).content.decode()
    certificate.refresh_from_db()
    assert certificate.valid
    assert _revoke_page(officer, certificate.code, "信息有误，已重新开具").status_code == 302
    certificate.refresh_from_db()
    assert not certificate.valid and certificate.revoked_reason == "信息有误，已重新开具"
    event = AuditEvent.objects.get(action="certificate.revoke", object_id=certificate.code)
    assert event.actor.username == "officer-jn-si"
    assert event.changes["reason"] == "信息有误，已重新开具"
    assert event.changes["holder"] == "370102********1234"

    body = Client().get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert body == body | {
        "valid": False,
        "status": "revoked",
        "revoked_reason": "信息有误，已重新开具",
    }
    assert body["revoked_at"]
    page = Client().get(f"/verify/{certificate.code}").content.decode()
    assert "该证明已作废" in page and "信息有误，已重新开具" in page
    # Once only: a second revocation changes nothing.
    admin = as_user("admin")
    again = _revoke_page(admin, certificate.code, "再次作废")
    assert "该证明已作废" in admin.get(again["Location"]).content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "信息有误，已重新开具"


@pytest.mark.parametrize(
    "username",
    ["zhangjianguo", "clerk-lixia", "officer-jn-card", "officer-ty-si", "supervisor-sd"],
)
def test_nobody_else_can_revoke(intake_world: None, username: str) -> None:
    certificate = _issue()
    client = as_user(username)
    assert _revoke_page(client, certificate.code, "冒名作废").status_code == 404
    page = client.get("/certificates/manage/", {"code": certificate.code})
    if username == "officer-ty-si":  # an officer of another region: found nowhere
        assert "没有找到该验证码的证明" in page.content.decode()
    else:
        assert page.status_code == 404
    certificate.refresh_from_db()
    assert certificate.valid


def test_the_revocation_service_needs_a_reason(intake_world: None) -> None:
    from kuaiban.core.errors import Unprocessable

    certificate = _issue()
    with pytest.raises(Unprocessable):
        certificate_revoke(
            actor=User.objects.get(username="admin"), certificate=certificate, reason=""
        )
    with pytest.raises(Unprocessable):
        certificate_revoke(
            actor=User.objects.get(username="admin"), certificate=certificate, reason="长" * 201
        )
    certificate.refresh_from_db()
    assert certificate.valid


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


def test_every_lookup_counts_against_a_bound_per_address(intake_world: None, settings) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from unittest import mock

    from django.core.cache import cache
    from django.utils import timezone

    settings.KUAIBAN_VERIFY_LOOKUPS = 3
    settings.KUAIBAN_VERIFY_WINDOW_SECONDS = 600
    cache.clear()
    real = _issue()
    url = f"/api/v1/certificates/verify/{real.code}"
    now = dt.datetime(2025, 3, 3, 9, 31, tzinfo=dt.UTC)  # inside one window of 600 s
    client, neighbour = Client(), Client(REMOTE_ADDR="10.1.2.3")
    with mock.patch.object(timezone, "now", return_value=now):
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get(url)
        assert refused.status_code == 429
        assert refused.json()["error"]["message"].startswith("验真查询过于频繁")
        # Until the window ends (09:40 UTC): 9 minutes from now.
        assert 0 < int(refused["Retry-After"]) <= 540
        assert client.get(f"/verify/{real.code}").status_code == 429  # the page too
        assert neighbour.get(url).status_code == 200  # per address
    with mock.patch.object(timezone, "now", return_value=now + dt.timedelta(minutes=10)):
        assert client.get(url).status_code == 200  # the next window


def test_honest_use_stays_inside_the_default_bound(intake_world: None) -> None:
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    real = _issue()
    client = Client()
    # An office checking a certificate again and again, dozens of times, is not stopped …
    answers = {
        client.get(f"/api/v1/certificates/verify/{real.code}").status_code for _ in range(40)
    }
    assert answers == {200}
    assert settings.KUAIBAN_VERIFY_LOOKUPS >= 100
    # … and four unknown codes among them do not suspend it; the fifth does (the tight bound).
    for _ in range(4):
        assert client.get("/api/v1/certificates/verify/AAAA-BBBB-CCCC-DDDD").status_code == 404
    assert client.get(f"/api/v1/certificates/verify/{real.code}").status_code == 200
    assert client.get("/api/v1/certificates/verify/AAAA-BBBB-CCCC-DDDD").status_code == 429


def test_issue_is_audited(intake_world: None) -> None:
    from kuaiban.core.models import AuditEvent

    certificate = _issue()
    event = AuditEvent.objects.get(action="certificate.issue", object_id=certificate.code)
    assert event.changes["holder"] == "370102********1234"


def test_the_bureau_finds_a_holder_s_certificates_by_id_number(intake_world: None) -> None:
    from kuaiban.core.models import AuditEvent

    mine, other = _issue(), _issue(kind="contribution_proof")
    officer = as_user("officer-jn-si")
    page = officer.get("/certificates/manage/", {"id_number": "370102196503121234"})
    text = page.content.decode()
    assert page.status_code == 200
    assert mine.code in text and other.code in text and "370102********1234 的证明" in text
    assert f'href="/certificates/manage/?code={mine.code}"' in text
    [read] = AuditEvent.objects.filter(
        action="shareddata.read", actor__username="officer-jn-si"
    ).filter(changes__purpose__startswith="证明查询与作废")
    assert read.object_id == "370102********1234" and read.changes["channel"] == "web"
    # A number that is not one: 400, nothing read, nothing recorded.
    bad = officer.get("/certificates/manage/", {"id_number": "370102196503121235"})
    assert bad.status_code == 400 and "完整、正确的18位" in bad.content.decode()
    assert mine.code not in bad.content.decode()
    assert (
        AuditEvent.objects.filter(action="shareddata.read", actor__username="officer-jn-si").count()
        == 1
    )


@pytest.mark.parametrize("username", ["officer-ty-si", "zhangjianguo", "clerk-lixia"])
def test_a_holder_s_certificates_are_found_only_by_those_who_may_revoke_them(
    intake_world: None, username: str
) -> None:
    certificate = _issue()
    page = as_user(username).get("/certificates/manage/", {"id_number": "370102196503121234"})
    if username == "officer-ty-si":  # an officer of another region: found nowhere
        assert page.status_code == 200
        assert "没有找到该身份证号码持有人的证明" in page.content.decode()
    else:
        assert page.status_code == 404
    assert certificate.code not in page.content.decode()
