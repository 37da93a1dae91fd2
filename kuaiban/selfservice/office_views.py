"""Pages of the 人事考试机构's officer: 资格审核 of exam registrations and the 证书邮寄 requests
(寄出 with carrier and tracking number, 签收), with the same optimistic locking as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from kuaiban.accounts.models import User
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.selfservice.models import ExamRegistrationStatus, MailingStatus
from kuaiban.selfservice.selectors import (
    access_mailing_by_number,
    access_registration,
    exam_office_of,
    mailings_for_office,
    registrations_for_office,
)
from kuaiban.selfservice.services import exam_review, mailing_move
from kuaiban.shareddata.audit import records_read_audit


def _officer(request: HttpRequest) -> User:
    try:
        return exam_office_of(request.user)
    except NotFound:
        raise Http404("页面不存在") from None


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def _status(
    request: HttpRequest, choices: type[ExamRegistrationStatus] | type[MailingStatus]
) -> str:
    raw = request.GET.get("status", "")
    return raw if raw in choices.values else ""


def _read_audit(
    user: User, object_type: str, number: str, id_number: str, *, phone_shown: bool = False
) -> None:
    """The officer opened a registration or mailing: a read of the person's records, audited in
    the one shape every shared-data read has, naming the record it was read for (and that the
    full phone number was asked for, when it was)."""
    label = {"exam_registration": "考试报名", "certificate_mailing": "证书邮寄"}[object_type]
    records_read_audit(
        actor=user,
        id_number=id_number,
        purpose=f"人事考试机构经办：{label} {number}"
        + ("（显示完整手机号）" if phone_shown else ""),
        channel="web",
    )


def _phone(request: HttpRequest, phone: str) -> tuple[str, bool]:
    """The phone number as the page shows it, and whether it is shown in full: masked, unless
    the officer asked for it in full (显示完整号码: ``?show=phone``) to call the person."""
    shown = request.method == "GET" and request.GET.get("show") == "phone" and bool(phone)
    return (phone if shown else mask_phone(phone) if phone else ""), shown


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The office's own address leads to its first page, the registrations to review."""
    _officer(request)
    return HttpResponseRedirect(reverse("exam-office:registrations"))


@login_required
def registrations(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    status = _status(request, ExamRegistrationStatus)
    page = Paginator(registrations_for_office(user, status=status), 20).get_page(
        request.GET.get("page")
    )
    rows = [(r, mask_id_number(r.id_number)) for r in page]
    return render(
        request,
        "selfservice/office_registrations.html",
        {"page": page, "rows": rows, "status": status, "statuses": ExamRegistrationStatus.choices},
    )


@login_required
@never_cache
def registration(request: HttpRequest, number: str) -> HttpResponse:
    user = _officer(request)
    try:
        found = access_registration(user=user, number=number)
    except NotFound:
        raise Http404("报名不存在") from None
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            exam_review(
                actor=user,
                registration=found,
                approve=request.POST.get("decision") == "approve",
                note=note,
                version=_version(request),
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"报名 {found.number} 已审核：{found.get_status_display()}")
            return HttpResponseRedirect(reverse("exam-office:registration", args=[found.number]))
    phone, phone_shown = _phone(request, found.phone)
    _read_audit(user, "exam_registration", found.number, found.id_number, phone_shown=phone_shown)
    return render(
        request,
        "selfservice/office_registration.html",
        {
            "r": found,
            "phone": phone,
            "phone_shown": phone_shown,
            "masked": mask_id_number(found.id_number),
            "open": found.status == ExamRegistrationStatus.SUBMITTED,
            "note": note,
        },
    )


@login_required
def mailings(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    status = _status(request, MailingStatus)
    page = Paginator(mailings_for_office(user, status=status), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "selfservice/office_mailings.html",
        {"page": page, "status": status, "statuses": MailingStatus.choices},
    )


@login_required
@never_cache
def mailing(request: HttpRequest, number: str) -> HttpResponse:
    user = _officer(request)
    try:
        found = access_mailing_by_number(user=user, number=number)
    except NotFound:
        raise Http404("邮寄申请不存在") from None
    form = {"carrier": "", "tracking_number": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        target = request.POST.get("status", "")
        try:
            if target not in (MailingStatus.SHIPPED, MailingStatus.DELIVERED):
                raise NotFound("请选择寄出或签收")
            mailing_move(actor=user, mailing=found, to=target, version=_version(request), **form)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"邮寄申请 {found.number}：{found.get_status_display()}")
            return HttpResponseRedirect(reverse("exam-office:mailing", args=[found.number]))
    phone, phone_shown = _phone(request, found.phone)
    _read_audit(
        user,
        "certificate_mailing",
        found.number,
        found.certificate.person.id_number,
        phone_shown=phone_shown,
    )
    return render(
        request,
        "selfservice/office_mailing.html",
        {
            "m": found,
            "phone": phone,
            "phone_shown": phone_shown,
            "masked": mask_id_number(found.certificate.person.id_number),
            "form": form,
            "can_ship": found.status == MailingStatus.REQUESTED,
            "can_deliver": found.status == MailingStatus.SHIPPED,
        },
    )
