"""Every response carries the security headers; no template needs an inline exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/accounts/login/", 200),
        ("/api/v1/docs", 200),
        ("/api/v1/openapi.json", 200),
        ("/admin/login/", 200),
        ("/no-such-page/", 404),
        ("/api/v1/no-such-thing", 404),
        ("/ratings/visit/eyJ2Ijo0Mn0:1ioOEy:tampered-signature-0123456789/", 404),
    ],
)
def test_every_response_carries_the_security_headers(
    client: Client, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response[name] == value, name
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions


# An inline <script> (one that runs: not a JSON data block), a <style> element, a style="…" or
# an on…="…" attribute, or a javascript: URL would be refused by the policy.
_INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
    r"|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:",
    re.IGNORECASE,
)


def test_no_template_has_an_inline_script_or_style() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "kuaiban").rglob("*.html"))
        for match in _INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
