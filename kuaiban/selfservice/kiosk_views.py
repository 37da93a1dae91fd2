"""The kiosk (自助终端): identify with the ID number and the phone's last four digits on a
big on-screen keypad, then the same query pages in the kiosk layout; idle → the session ends."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kuaiban.accounts.client_ip import client_ip
from kuaiban.certificates.models import Certificate
from kuaiban.core.errors import ApiError
from kuaiban.selfservice.kiosk_session import kiosk_end, kiosk_identify, kiosk_person
from kuaiban.selfservice.views import pdf_response


def start(request: HttpRequest) -> HttpResponse:
    error, fields, status = "", {}, 200
    if request.method == "POST":
        try:
            kiosk_identify(
                request,
                id_number=request.POST.get("id_number", ""),
                phone_tail=request.POST.get("phone_tail", ""),
                ip=client_ip(request),
            )
        except ApiError as exc:
            error, fields, status = exc.message, exc.fields or {}, exc.status
        else:
            return HttpResponseRedirect(reverse("kiosk:hub"))
    return render(
        request,
        "selfservice/kiosk_start.html",
        {
            "layout": "selfservice/kiosk_base.html",
            "kiosk": True,
            "error": error,
            "fields": fields,
            "kiosk_idle_seconds": settings.KUAIBAN_KIOSK_IDLE_SECONDS,
        },
        status=status,
    )


@require_POST
def end(request: HttpRequest) -> HttpResponse:
    kiosk_end(request)
    return HttpResponseRedirect(reverse("kiosk:start"))


def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF to print at the kiosk: only a certificate about the person identified there."""
    person = kiosk_person(request)
    found = (
        Certificate.objects.select_related("file")
        .filter(code=code, holder_id_number=person.id_number)
        .first()
        if person is not None
        else None
    )
    if found is None:
        raise Http404("证明不存在")
    return pdf_response(found.file.pdf, found.code)
