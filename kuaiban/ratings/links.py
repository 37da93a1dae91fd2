"""The personal rating link of a window visit: 一次一评 for a walk-in who has no account.

The link carries a token signed with ``django.core.signing`` under its own salt, naming the
visit. It is stamped with the visit's time rather than the clock's, so a visit has exactly one
link (the same in the text message and on the clerk's receipt) and it works for
``KUAIBAN_VISIT_RATING_LINK_DAYS`` calendar days after the visit. Nothing is stored: the
signature proves the link was ours, the one-to-one rating makes it usable once.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import segno
from django.core import signing
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from kuaiban.core.errors import ApiError, NotFound
from kuaiban.ratings import conf
from kuaiban.ratings.models import Rating, WindowVisit

SALT = "kuaiban.ratings.visit-link"


class LinkExpired(ApiError):
    status = 410
    code = "link_expired"


@dataclass(frozen=True)
class VisitLink:
    """A checked link. Made by ``visit_link_check`` only: the rating service takes it as the
    proof that its holder was given this visit's link."""

    visit_id: int
    token: str


class _VisitSigner(signing.TimestampSigner):
    """Stamps the visit's time instead of the clock's: one visit, one token."""

    def __init__(self, issued_at: dt.datetime) -> None:
        super().__init__(salt=SALT)
        self._issued = int(issued_at.timestamp())

    def timestamp(self) -> str:
        return signing.b62_encode(self._issued)


def visit_link_token(visit: WindowVisit) -> str:
    return _VisitSigner(visit.visited_at).sign_object({"v": visit.pk})


def visit_link_url(visit: WindowVisit, *, base: str | None = None) -> str:
    """The link; absolute when the platform's address is known (``KUAIBAN_PUBLIC_URL``)."""
    path = reverse("ratings:rate-visit-link", args=[visit_link_token(visit)])
    return f"{conf.public_url() if base is None else base.rstrip('/')}{path}"


def visit_link_expires(visit: WindowVisit) -> dt.datetime:
    return visit.visited_at + dt.timedelta(days=conf.visit_link_days())


def visit_link_check(token: str) -> VisitLink:
    """The link's visit, if the token is ours, untouched and not expired.

    A token that is not ours or was altered is a 404 (``NotFound``); an expired one a 410.
    """
    max_age = dt.timedelta(days=conf.visit_link_days())
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired("评价链接已过期") from None
    except signing.BadSignature:
        raise NotFound("评价链接无效") from None
    visit_id = payload.get("v") if isinstance(payload, dict) else None
    if not isinstance(visit_id, int) or isinstance(visit_id, bool):
        raise NotFound("评价链接无效")
    return VisitLink(visit_id=visit_id, token=token)


def visit_link_phone(visit: WindowVisit) -> str:
    """Where the link is texted: the phone the window recorded on the application, else the
    applicant account's — the number the applicant notices go to. A visit without an
    application has no such number: those notices are addressed by the application."""
    application = visit.application
    if application is None:
        return ""
    account = application.applicant
    return application.applicant_phone or (account.phone if account else "")


def qr_svg(url: str) -> SafeString:
    """``url`` as a QR code in inline SVG (no image file, no external asset).

    Safe as it is: segno writes paths for the modules and our fixed title; the URL is only
    encoded into the modules, never written as text.
    """
    code = segno.make_qr(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        title="评价二维码",
        svgclass="qr",
        lineclass=None,
        omitsize=True,
    )
    return mark_safe(svg)


def qr_png(url: str) -> bytes:
    """``url`` as a QR code in PNG, for the printed receipt (the PDF library draws PNG)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


@dataclass(frozen=True)
class VisitOffer:
    """What the serving clerk's receipt shows the walk-in: the visit's personal rating link,
    or the rating once given."""

    visit: WindowVisit
    rating: Rating | None
    url: str  # empty once rated
    expires_at: dt.datetime
    phone: str
