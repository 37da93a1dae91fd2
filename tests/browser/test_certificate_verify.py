"""A person on a phone prints a 个人参保缴费证明; somebody else, in another browser, opens the
link its QR code carries and sees it genuine, with the holder masked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import segno
from django.conf import settings
from PIL import Image, ImageChops
from pypdf import PdfReader

from kuaiban.certificates.models import Certificate
from kuaiban.certificates.services import verify_url
from kuaiban.certificates.signing import _signer, demo_key_write, pdf_signature_check
from kuaiban.demo.setup import demo_setup
from tests.browser_helpers import log_in, shot
from tests.guides.conftest import load_real_packs

pytestmark = pytest.mark.django_db(transaction=True)
ACCOUNTS = Path(settings.BASE_DIR) / "demo" / "accounts.json"


@pytest.fixture
def world(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KUAIBAN_SIGNING_KEY = tmp_path / "key.pem"
    settings.KUAIBAN_SIGNING_CERT = tmp_path / "cert.pem"
    demo_key_write(
        key=tmp_path / "key.pem", cert=tmp_path / "cert.pem", bureau="人力资源和社会保障局"
    )
    _signer.cache_clear()
    load_real_packs("shandong-2020")
    demo_setup(accounts_file=ACCOUNTS)


def _qr_in(pdf: bytes) -> Image.Image:
    """The first picture of the PDF (the QR code), as drawn."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for picture in page.images:
            return picture.image.convert("L")
    raise AssertionError("no QR code in the PDF")


def _radios_beside_their_labels(page) -> int:  # type: ignore[no-untyped-def]
    """How many kind options there are, each checked to be one block: the button on the line
    its label's text starts on, before it, and the whole option a large touch target."""
    options = page.locator("label.choice")
    for i in range(options.count()):
        option = options.nth(i)
        radio = option.locator("input[type=radio]").bounding_box()
        text = option.evaluate(
            """label => { const r = document.createRange(); r.selectNodeContents(label);
            r.setStartAfter(label.querySelector('input'));
            const first = r.getClientRects()[0]; return {top: first.top, bottom: first.bottom,
            left: first.left}; }"""
        )
        assert radio["y"] < text["bottom"] and text["top"] < radio["y"] + radio["height"], i
        assert radio["x"] + radio["width"] <= text["left"], i
        assert option.bounding_box()["height"] >= 44, i
    return options.count()


def test_printed_certificate_is_verified_by_its_qr_link(
    live_server, browser, phone390, world
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    page = phone390.new_page()
    log_in(page, base, "zhangjianguo", then="/me/services/")
    page.get_by_role("link", name="个人参保缴费证明查询打印").click()
    assert page.locator("input[name=kind][value=contribution_proof]").is_checked()
    assert _radios_beside_their_labels(page) == 4
    shot(page, "certificate-choose-phone")
    page.get_by_role("button", name="开具").click()
    certificate = Certificate.objects.get(holder__username="zhangjianguo")
    assert certificate.code in page.locator("main").inner_text()
    assert page.locator("input[name=kind][value=contribution_proof]").is_checked()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").first.click(modifiers=["Alt"])
    pdf = Path(download.value.path()).read_bytes()
    assert pdf == bytes(certificate.file.pdf)
    # Checked here, inside Playwright's running event loop, as any caller may.
    check = pdf_signature_check(pdf)
    assert check.intact and check.trusted
    shot(page, "certificate-issued-phone")

    # The QR code in the PDF is exactly the verification link's (drawn again and compared).
    url = verify_url(certificate.code, base_url=base)
    drawn = io.BytesIO()
    segno.make_qr(url, error="m").save(drawn, kind="png", scale=6, border=2)
    expected = Image.open(drawn).convert("L")
    found = _qr_in(pdf)
    assert found.size == expected.size
    assert ImageChops.difference(found, expected).getbbox() is None

    other = browser.new_context(locale="zh-CN").new_page()  # another person, not logged in
    other.goto(url)
    text = other.locator("main").inner_text()
    assert "该证明真实有效" in text and "个人参保缴费证明" in text
    assert "370102********1234" in text and "370102196503121234" not in text
    shot(other, "certificate-verified")
    other.context.close()
