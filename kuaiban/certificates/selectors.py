"""Reads: the caller's certificates, one certificate by access helper, and the public
verification by code (throttled like the progress look-up: wrong codes from one address)."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.accounts.selectors import login_locked_until
from kuaiban.accounts.services import login_failure_record
from kuaiban.applications.progress import Throttled
from kuaiban.certificates.models import Certificate
from kuaiban.certificates.services import code_normalize
from kuaiban.core.errors import NotFound

_CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
# The throttle's key: every code from one address (a colon is never in a username).
_VERIFY_KEY = "verify:*"
NOT_FOUND = "未找到该证明：验证码不存在。请核对验证码；伪造或涂改的证明无法通过验真。"


def certificates_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Certificate]:
    if not isinstance(user, User) or user.role != Role.PERSON or not user.id_number:
        return Certificate.objects.none()
    return Certificate.objects.filter(holder_id_number=user.id_number.upper()).order_by(
        "-issued_at", "-pk"
    )


def access_certificate(*, user: AbstractBaseUser | AnonymousUser, code: str) -> Certificate:
    """The caller's own certificate by code; 404 alike for missing and another person's."""
    found = certificates_of(user).filter(code=code_normalize(code)).first()
    if found is None:
        raise NotFound("证明不存在")
    return found


def certificate_verify(*, code: str, ip: str) -> Certificate:
    """The certificate with this code, for anyone; 404 for an unknown code, 429 while the
    address is throttled (five unknown codes in 15 minutes suspend it for 15 minutes)."""
    now = timezone.now()
    until = login_locked_until(username=_VERIFY_KEY, ip=ip, now=now)
    if until is not None:
        raise Throttled(until)
    normal = code_normalize(code)
    found = Certificate.objects.filter(code=normal).first() if _CODE.match(normal) else None
    if found is None:
        until = login_failure_record(username=_VERIFY_KEY, ip=ip, now=now)
        if until is not None:
            raise Throttled(until)
        raise NotFound(NOT_FOUND)
    return found
