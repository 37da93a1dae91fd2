"""The kiosk's session: who identified (ID number and the last four digits of the phone on
file, typed on the on-screen keypad or read by the ID-card reader into the same field), and
when they last touched the screen. Idle longer than ``KUAIBAN_KIOSK_IDLE_SECONDS`` ends it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kuaiban.accounts.selectors import login_locked_until
from kuaiban.accounts.services import login_failure_record
from kuaiban.applications.progress import Throttled
from kuaiban.core.errors import NotFound, Unprocessable
from kuaiban.core.identifiers import id_number_error
from kuaiban.shareddata.models import Person

_PERSON, _SEEN = "kiosk_person", "kiosk_seen"
_KEY = "kiosk:*"  # the throttle's key for wrong identifications from one terminal


def kiosk_identify(request: HttpRequest, *, id_number: str, phone_tail: str, ip: str) -> Person:
    id_number, phone_tail = id_number.strip().upper(), phone_tail.strip()
    errors: dict[str, list[str]] = {}
    if error := id_number_error(id_number):
        errors["id_number"] = [error]
    if not (len(phone_tail) == 4 and phone_tail.isdigit()):
        errors["phone_tail"] = ["请输入预留手机号的后4位数字"]
    if errors:
        raise Unprocessable("请核对输入", fields=errors)
    now = timezone.now()
    until = login_locked_until(username=_KEY, ip=ip, now=now)
    if until is not None:
        raise Throttled(until)
    person = Person.objects.filter(id_number=id_number).first()
    if person is None or not person.phone or person.phone[-4:] != phone_tail:
        until = login_failure_record(username=_KEY, ip=ip, now=now)
        if until is not None:
            raise Throttled(until)
        raise NotFound("身份信息核验未通过，请核对身份证号和手机号后4位")
    request.session.cycle_key()
    request.session[_PERSON] = person.pk
    request.session[_SEEN] = timezone.now().timestamp()
    return person


def kiosk_person(request: HttpRequest) -> Person | None:
    """The person of this kiosk session, or None (never identified, or idle too long: ended)."""
    person_id, seen = request.session.get(_PERSON), request.session.get(_SEEN)
    if person_id is None or seen is None:
        return None
    if timezone.now().timestamp() - float(seen) > settings.KUAIBAN_KIOSK_IDLE_SECONDS:
        kiosk_end(request)
        return None
    request.session[_SEEN] = timezone.now().timestamp()
    return Person.objects.select_related("insurance").filter(pk=person_id).first()


def kiosk_end(request: HttpRequest) -> None:
    request.session.flush()
