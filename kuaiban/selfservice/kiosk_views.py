"""The kiosk (自助终端): identify with the ID number and the phone's last four digits on a
big on-screen keypad, then the same query pages in the kiosk layout; idle → the session ends."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kuaiban.accounts.client_ip import client_ip
from kuaiban.cards.presenting import card_view
from kuaiban.cards.selectors import card_current
from kuaiban.cards.services import card_from_registry
from kuaiban.catalogue.models import ServiceItem
from kuaiban.certificates.models import Certificate
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError
from kuaiban.core.masking import mask_card_number
from kuaiban.core.models import AuditAction
from kuaiban.guides.content import item_guide
from kuaiban.selfservice.kiosk_session import kiosk_end, kiosk_identify, kiosk_person
from kuaiban.selfservice.views import MORE_ITEMS, pdf_response


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


# The hot items that lead into a bundle (`views.MORE_ITEMS` without a kiosk page): at the kiosk
# their guide in the kiosk layout, and a QR code to go on on the phone where the web hub links to.
KIOSK_ITEMS: dict[str, str] = {code: web for _, code, web, kiosk in MORE_ITEMS if not kiosk}


def item(request: HttpRequest, code: str) -> HttpResponse:
    person = kiosk_person(request)
    if person is None:
        return HttpResponseRedirect(reverse("kiosk:start"))
    if code not in KIOSK_ITEMS:
        raise Http404("事项不存在")
    found = ServiceItem.objects.current().prefetch_related("materials").filter(code=code).first()
    if found is None:
        raise Http404("服务事项不存在或未发布")
    target = KIOSK_ITEMS[code]
    url = request.build_absolute_uri(
        reverse(target) if target else reverse("guides:item", args=[code])
    )
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(
        buffer, kind="svg", scale=6, border=4, title="扫码在手机上继续办理", xmldecl=False
    )
    return render(
        request,
        "selfservice/kiosk_item.html",
        {
            "layout": "selfservice/kiosk_base.html",
            "pages": {"hub": reverse("kiosk:hub")},
            "guide": item_guide(item=found),
            "qr": mark_safe(buffer.getvalue().decode()),  # segno's own SVG, no user text
            "kiosk_idle_seconds": settings.KUAIBAN_KIOSK_IDLE_SECONDS,
        },
    )


def card(request: HttpRequest) -> HttpResponse:
    """社会保障卡应用状态查询 at the kiosk: the card's state, read only (loss and the rest are
    done on the web, by phone or at a window); the read is audited with the kiosk channel."""
    person = kiosk_person(request)
    if person is None:
        return HttpResponseRedirect(reverse("kiosk:start"))
    found = card_current(person.id_number) or card_from_registry(
        actor=None, id_number=person.id_number, name=person.name
    )
    if found is not None:
        audit_record(
            actor=None,
            action=AuditAction.CARD_READ,
            object_type="card",
            object_id=str(found.pk),
            changes={"card": mask_card_number(found.number), "channel": "kiosk"},
        )
    return render(
        request,
        "selfservice/kiosk_card.html",
        {
            "layout": "selfservice/kiosk_base.html",
            "pages": {"hub": reverse("kiosk:hub")},
            "view": card_view(found) if found is not None else None,
            "masked": mask_card_number(found.number) if found is not None else "",
            "kiosk_idle_seconds": settings.KUAIBAN_KIOSK_IDLE_SECONDS,
        },
    )
