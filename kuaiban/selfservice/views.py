"""Pages of the hot items under /me/services/ (and the same pages at the kiosk, /kiosk/…)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kuaiban.certificates.models import CertificateKind
from kuaiban.certificates.selectors import access_certificate, certificates_of
from kuaiban.certificates.services import certificate_issue
from kuaiban.certificates.signing import SigningUnavailable
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.selfservice.subject import Subject, View, web_or_kiosk
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.rights import (
    annuity_for,
    insurance_overview_for,
    pension_for,
    rights_record_for,
    skill_certificates_for,
)

_PAGES = ("hub", "insurance", "rights-record", "pension", "annuity", "skills", "certificates")


def _page(request: HttpRequest, subject: Subject, template: str, **context: object) -> HttpResponse:
    links = {name.replace("-", "_"): reverse(f"{subject.prefix}:{name}") for name in _PAGES}
    return render(
        request,
        template,
        {
            "layout": subject.layout,
            "pages": links,
            "kiosk": subject.channel == "kiosk",
            "pdf_url": f"{subject.prefix}:certificate-pdf",
            "kiosk_idle_seconds": settings.KUAIBAN_KIOSK_IDLE_SECONDS,
            **context,
        },
    )


# The hot items served by other pages: (label, item code, web URL name, kiosk URL name); at the
# kiosk an item without a kiosk page leads to `kiosk:item` (its guide and a QR code to go on on
# the phone), the card to `kiosk:card`.
MORE_ITEMS = (
    ("专业技术人员资格考试报名", "L-pro-exam-registration", "selfservice:exams", "kiosk:exams"),
    ("职业资格证书邮寄发放", "L-pro-cert-mailing", "selfservice:mailings", "kiosk:mailings"),
    ("失业保险金网上申领", "1.8.1", "", ""),
    ("省内企业职工养老保险关系转移接续", "1.6.12", "", ""),
)


def _link(code: str, name: str) -> str:
    return reverse(name) if name else reverse("guides:item", args=[code])


def _more(channel: str) -> list[tuple[str, str]]:
    if channel == "kiosk":
        return [("社会保障卡应用状态查询", reverse("kiosk:card"))] + [
            (label, reverse(kiosk) if kiosk else reverse("kiosk:item", args=[code]))
            for label, code, _web, kiosk in MORE_ITEMS
        ]
    return [("社会保障卡应用状态查询", reverse("cards:mine"))] + [
        (label, _link(code, web)) for label, code, web, _kiosk in MORE_ITEMS
    ]


def _hub(request: HttpRequest, subject: Subject) -> HttpResponse:
    return _page(
        request, subject, "selfservice/hub.html", person=subject.person, more=_more(subject.channel)
    )


def _query(purpose: str, template: str, name: str, read: Callable[[Person], object]) -> View:
    """A query page: read the subject's records, audit the read, show them."""

    def view(request: HttpRequest, subject: Subject) -> HttpResponse:
        found = read(subject.person)
        records_read_audit(
            actor=subject.actor,
            id_number=subject.person.id_number,
            purpose=purpose,
            channel=subject.channel,
        )
        return _page(request, subject, f"selfservice/{template}.html", **{name: found})

    view.__name__ = template
    return view


_insurance = _query("社保查询", "insurance", "overview", insurance_overview_for)
_rights_record = _query(
    "个人权益记录单",
    "rights_record",
    "record",
    lambda person: rights_record_for(person, today=timezone.localdate()),
)
_pension = _query("退休待遇查询", "pension", "pension", pension_for)
_annuity = _query("职业年金查询", "annuity", "annuity", annuity_for)
_skills = _query("职业技能证书查询", "skills", "certificates", skill_certificates_for)


def _chosen_kind(request: HttpRequest) -> str:
    """The kind to show selected: the one just posted or asked for, when it is one; else none
    (the page then selects the first)."""
    kind = request.POST.get("kind", "") or request.GET.get("kind", "")
    return kind if kind in CertificateKind.values else ""


def _certificates(request: HttpRequest, subject: Subject) -> HttpResponse:
    """The certificates: issue one (POST kind) and, on the web, the list of those issued."""
    issued = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in CertificateKind.values:
            messages.error(request, "请选择要开具的证明")
        else:
            try:
                issued = certificate_issue(
                    actor=subject.actor,
                    person=subject.person,
                    kind=kind,
                    channel=subject.channel,
                    base_url=request.build_absolute_uri("/"),
                )
            except ApiError as exc:
                messages.error(request, exc.message)
            except SigningUnavailable:
                messages.error(request, "电子签章服务暂不可用，请稍后再试或到窗口办理")
            if issued is not None and subject.channel == "web":
                messages.success(
                    request, f"已开具{issued.get_kind_display()}，验证码 {issued.code}"
                )
                # The kind just issued stays chosen: the person may want another copy of it.
                return HttpResponseRedirect(
                    f"{reverse('selfservice:certificates')}?{urlencode({'kind': kind})}"
                )
    page = None
    if subject.channel == "web":
        assert subject.actor is not None
        page = Paginator(certificates_of(subject.actor), 10).get_page(request.GET.get("page"))
    return _page(
        request,
        subject,
        "selfservice/certificates.html",
        kinds=CertificateKind.choices,
        page=page,
        issued=issued,
        preselect=_chosen_kind(request),
    )


hub, kiosk_hub = web_or_kiosk(_hub)
insurance, kiosk_insurance = web_or_kiosk(_insurance)
rights_record, kiosk_rights_record = web_or_kiosk(_rights_record)
pension, kiosk_pension = web_or_kiosk(_pension)
annuity, kiosk_annuity = web_or_kiosk(_annuity)
skills, kiosk_skills = web_or_kiosk(_skills)
certificates, kiosk_certificates = web_or_kiosk(_certificates)


def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The signed PDF of the caller's own certificate, byte for byte as issued."""
    try:
        found = access_certificate(user=request.user, code=code)
    except NotFound:
        raise Http404("证明不存在") from None
    return pdf_response(found.file.pdf, found.code)


def pdf_response(pdf: bytes | memoryview, code: str) -> HttpResponse:
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{code}.pdf"'
    return response
