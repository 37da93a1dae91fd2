"""Pages of the two small services: 资格考试报名 and 证书邮寄 (web only: they need an account)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from kuaiban.core.errors import ApiError
from kuaiban.selfservice.selectors import exam_sessions_open, mailings_of, registrations_of
from kuaiban.selfservice.services import exam_register, mailing_request
from kuaiban.selfservice.subject import Subject, web_or_kiosk
from kuaiban.shareddata.models import SkillCertificate, SkillCertificateKind


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _exams(request: HttpRequest, subject: Subject) -> HttpResponse:
    assert subject.actor is not None
    if request.method == "POST":
        try:
            done = exam_register(
                actor=subject.actor,  # type: ignore[arg-type]
                person=subject.person,
                session_id=_int(request.POST.get("session", "")),
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"报名成功，报名编号 {done.number}，请等待资格审核")
            return HttpResponseRedirect(reverse("selfservice:exams"))
    page = Paginator(registrations_of(subject.actor), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "selfservice/exams.html",
        {
            "layout": subject.layout,
            "sessions": exam_sessions_open(),
            "page": page,
            "person": subject.person,
        },
    )


def _mailings(request: HttpRequest, subject: Subject) -> HttpResponse:
    assert subject.actor is not None
    form = {
        "recipient": subject.person.name,
        "phone": subject.person.phone,
        "address": subject.person.address,
    }
    fields: dict[str, list[str]] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            done = mailing_request(
                actor=subject.actor,  # type: ignore[arg-type]
                person=subject.person,
                certificate_id=_int(request.POST.get("certificate", "")),
                **form,
            )
        except ApiError as exc:
            messages.error(request, exc.message)
            fields = exc.fields or {}
        else:
            messages.success(request, f"已提交邮寄申请，编号 {done.number}")
            return HttpResponseRedirect(reverse("selfservice:mailings"))
    certificates = SkillCertificate.objects.filter(
        person=subject.person, kind=SkillCertificateKind.PROFESSIONAL
    ).order_by("-issued_on")
    page = Paginator(mailings_of(subject.actor), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "selfservice/mailings.html",
        {
            "layout": subject.layout,
            "certificates": certificates,
            "page": page,
            "form": form,
            "fields": fields,
        },
    )


exams, _kiosk_exams = web_or_kiosk(_exams)
mailings, _kiosk_mailings = web_or_kiosk(_mailings)
