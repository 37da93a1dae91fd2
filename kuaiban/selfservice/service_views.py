"""Pages of the two small services: 资格考试报名 and 证书邮寄, on the web (with an account) and
at the kiosk (identified by the ID card; touch only: the exam is chosen from a list, and the
certificate is mailed to the person, at an address of theirs from the shared data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kuaiban.accounts.models import User
from kuaiban.core.errors import ApiError
from kuaiban.core.masking import mask_phone
from kuaiban.selfservice.selectors import exam_sessions_open, mailings_for, registrations_for
from kuaiban.selfservice.services import exam_register, mailing_request
from kuaiban.selfservice.subject import Subject, web_or_kiosk
from kuaiban.shareddata.models import Person, SkillCertificate, SkillCertificateKind


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _actor(subject: Subject) -> User | None:
    return subject.actor if isinstance(subject.actor, User) else None


def _context(subject: Subject, **context: object) -> dict[str, object]:
    kiosk = subject.channel == "kiosk"
    return {
        "layout": subject.layout,
        "kiosk": kiosk,
        "pages": {"hub": reverse(f"{subject.prefix}:hub")} if kiosk else {},
        "kiosk_idle_seconds": settings.KUAIBAN_KIOSK_IDLE_SECONDS,
        **context,
    }


def _exams(request: HttpRequest, subject: Subject) -> HttpResponse:
    if request.method == "POST":
        try:
            done = exam_register(
                actor=_actor(subject),
                person=subject.person,
                session_id=_int(request.POST.get("session", "")),
                channel=subject.channel,
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"报名成功，报名编号 {done.number}，请等待资格审核")
            return HttpResponseRedirect(reverse(f"{subject.prefix}:exams"))
    page = Paginator(registrations_for(subject.person.id_number), 10).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "selfservice/exams.html",
        _context(subject, sessions=exam_sessions_open(), page=page, person=subject.person),
    )


def kiosk_addresses(person: Person) -> list[tuple[str, str, str]]:
    """The addresses a kiosk user may have a certificate mailed to: (key, label, address), from
    the shared data (typing a whole address on a touch screen is not asked of anyone)."""
    found = [
        ("address", "常住地址", person.address),
        ("household", "户籍地址", person.household_address),
    ]
    return [(key, label, address) for key, label, address in found if address.strip()]


def _mailing_form(request: HttpRequest, subject: Subject) -> dict[str, str]:
    person = subject.person
    if subject.channel != "kiosk":
        form = {"recipient": person.name, "phone": person.phone, "address": person.address}
        if request.method == "POST":
            form = {k: request.POST.get(k, "") for k in form}
        return form
    # At the kiosk: to the person themself, on the phone on file, at a chosen address on file.
    chosen = request.POST.get("address_choice", "")
    addresses = {key: address for key, _, address in kiosk_addresses(person)}
    return {"recipient": person.name, "phone": person.phone, "address": addresses.get(chosen, "")}


def _mailings(request: HttpRequest, subject: Subject) -> HttpResponse:
    form = _mailing_form(request, subject)
    fields: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            done = mailing_request(
                actor=_actor(subject),
                person=subject.person,
                certificate_id=_int(request.POST.get("certificate", "")),
                channel=subject.channel,
                **form,
            )
        except ApiError as exc:
            messages.error(request, exc.message)
            fields = exc.fields or {}
        else:
            messages.success(request, f"已提交邮寄申请，编号 {done.number}")
            return HttpResponseRedirect(reverse(f"{subject.prefix}:mailings"))
    certificates = SkillCertificate.objects.filter(
        person=subject.person, kind=SkillCertificateKind.PROFESSIONAL
    ).order_by("-issued_on")
    page = Paginator(mailings_for(subject.person.id_number), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "selfservice/mailings.html",
        _context(
            subject,
            certificates=certificates,
            page=page,
            form=form,
            fields=fields,
            addresses=kiosk_addresses(subject.person),
            phone_masked=mask_phone(subject.person.phone) if subject.person.phone else "",
        ),
    )


exams, kiosk_exams = web_or_kiosk(_exams)
mailings, kiosk_mailings = web_or_kiosk(_mailings)
