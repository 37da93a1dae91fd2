"""Reads: the caller's certificates, one certificate by access helper, and the public
verification by code, rate-limited per client address: every look-up counts against a generous
bound (`KUAIBAN_VERIFY_LOOKUPS` per `KUAIBAN_VERIFY_WINDOW_SECONDS`), and unknown codes against a
tight one (five in 15 minutes, like the progress look-up)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.accounts.selectors import login_locked_until
from kuaiban.accounts.services import login_failure_record
from kuaiban.applications.progress import Throttled
from kuaiban.catalogue.models import AgencyKind, Region
from kuaiban.catalogue.regions import RegionTree
from kuaiban.certificates.models import Certificate
from kuaiban.certificates.services import code_normalize
from kuaiban.core.errors import NotFound
from kuaiban.shareddata.models import Person

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


class TooManyLookups(Throttled):
    """More look-ups from one address than honest use makes: wait for the next window."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
        self.message = f"验真查询过于频繁，已暂停查询。请在{minutes}分钟后再试。"


def verify_lookup_count(*, ip: str, now: dt.datetime) -> tuple[int, dt.datetime]:
    """Count one look-up from ``ip`` in the current fixed window; (the window's count so far,
    when the window ends). The count is kept in the cache: no database write per look-up."""
    window = max(1, int(settings.KUAIBAN_VERIFY_WINDOW_SECONDS))
    slot = int(now.timestamp()) // window
    key = f"verify-lookups:{ip}:{slot}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr: this look-up opens it again
        cache.set(key, 1, timeout=window)
        count = 1
    ends = dt.datetime.fromtimestamp((slot + 1) * window, tz=dt.UTC)
    return count, ends


def certificate_staff_of(user: AbstractBaseUser | AnonymousUser) -> User:
    """Who may revoke certificates for the bureau: an administrator, or an officer of a 社会保险
    经办机构 (which issues the records they certify); anyone else gets 404."""
    if isinstance(user, User) and user.is_authenticated:
        if user.role == Role.ADMIN or user.is_superuser:
            return user
        agency = user.agency if user.role == Role.OFFICER else None
        if agency is not None and agency.kind == AgencyKind.SOCIAL_INSURANCE:
            return user
    raise NotFound("页面不存在")


def access_certificate_for_staff(
    *, user: AbstractBaseUser | AnonymousUser, code: str
) -> Certificate:
    """A certificate the bureau's ``user`` may act on: an administrator any, an officer those of
    people insured in the agency's region or below; 404 alike for missing and not theirs."""
    staff = certificate_staff_of(user)
    normal = code_normalize(code)
    found = Certificate.objects.filter(code=normal).first() if _CODE.match(normal) else None
    if found is None:
        raise NotFound("证明不存在")
    if not _within_reach(staff, found.holder_id_number):
        raise NotFound("证明不存在")
    return found


def _within_reach(staff: User, id_number: str) -> bool:
    """Whether ``staff`` may act on this person's certificates: an administrator on anyone's,
    an officer on those of people insured in the agency's region or below."""
    if staff.role == Role.ADMIN or staff.is_superuser:
        return True
    assert staff.agency is not None
    region_code = (
        Person.objects.filter(id_number=id_number).values_list("region_code", flat=True).first()
    )
    below = RegionTree.load().below(staff.agency.region_id)
    return Region.objects.filter(pk__in=below, code=region_code or "").exists()


def certificates_of_holder_for_staff(
    *, user: AbstractBaseUser | AnonymousUser, id_number: str
) -> QuerySet[Certificate]:
    """The certificates of the person ``id_number`` that the bureau's ``user`` may act on,
    newest first; none alike for a person with none and a person outside the user's reach."""
    staff = certificate_staff_of(user)
    key = id_number.strip().upper()
    if not key or not _within_reach(staff, key):
        return Certificate.objects.none()
    return Certificate.objects.filter(holder_id_number=key).order_by("-issued_at", "-pk")


def certificate_verify(*, code: str, ip: str) -> Certificate:
    """The certificate with this code, for anyone; 404 for an unknown code, 429 while the
    address is throttled: more than `KUAIBAN_VERIFY_LOOKUPS` look-ups in the current window, or
    five unknown codes in 15 minutes (which suspend it for 15 minutes)."""
    now = timezone.now()
    until = login_locked_until(username=_VERIFY_KEY, ip=ip, now=now)
    if until is not None:
        raise Throttled(until)
    count, window_ends = verify_lookup_count(ip=ip, now=now)
    if count > settings.KUAIBAN_VERIFY_LOOKUPS:
        raise TooManyLookups(window_ends)
    normal = code_normalize(code)
    found = Certificate.objects.filter(code=normal).first() if _CODE.match(normal) else None
    if found is None:
        until = login_failure_record(username=_VERIFY_KEY, ip=ip, now=now)
        if until is not None:
            raise Throttled(until)
        raise NotFound(NOT_FOUND)
    return found
