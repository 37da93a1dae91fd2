"""The applicant's own space: their applications, what is still owed, receipts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from kuaiban.accounts.authorisations import Act
from kuaiban.accounts.models import Role, User
from kuaiban.applications.hooks import casework, window_visits
from kuaiban.applications.materials import CORRECTION_FILES_MAX, material_supply
from kuaiban.applications.models import Application
from kuaiban.applications.receipt import (
    PrintedRatingLink,
    application_receipt,
    receipt_document,
)
from kuaiban.applications.results import application_outcome, outcome_document
from kuaiban.applications.selectors import (
    access_application,
    acting_read_audit,
    applications_visible_to,
    may_act,
)
from kuaiban.applications.uploads import ALLOWED_LABEL
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.documents.render import render_pdf


def _application_or_404(request: HttpRequest, number: str) -> Application:
    try:
        application = access_application(user=request.user, number=number)
    except NotFound:
        raise Http404("办件不存在") from None
    acting_read_audit(request.user, application)  # 亲情代办: X 代 Y 查询
    return application


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    queryset = applications_visible_to(request.user).order_by("-submitted_at")
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "applications/mine.html", {"page": page})


@login_required
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    application = _application_or_404(request, number)
    return render(
        request,
        "applications/detail.html",
        {
            "receipt": application_receipt(application),
            "application": application,
            "outcome": application_outcome(application),
            "is_owner": may_act(request.user, application, Act.APPLY),
            "may_receive": may_act(request.user, application, Act.RECEIVE),
            "allowed": ALLOWED_LABEL,
            "max_mb": settings.KUAIBAN_UPLOAD_MAX_BYTES // 1048576,
            "max_files": CORRECTION_FILES_MAX,
        },
    )


@login_required
def receipt_page(request: HttpRequest, number: str) -> HttpResponse:
    application = _application_or_404(request, number)
    return render(
        request, "applications/receipt.html", {"receipt": application_receipt(application)}
    )


@login_required
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    application = _application_or_404(request, number)
    document = receipt_document(
        application_receipt(application), rating_link=_printed_rating_link(request, application)
    )
    content = render_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{number}.pdf"'
    return response


def _printed_rating_link(
    request: HttpRequest, application: Application
) -> PrintedRatingLink | None:
    visits = window_visits()
    return visits.printed_link(request=request, application=application) if visits else None


def _owner_action(request: HttpRequest, number: str) -> tuple[User, Application]:
    """Actions on an application are its applicant's, or a family member's authorised to apply
    for them (clerks act at the window, not here)."""
    application = _application_or_404(request, number)
    user = request.user
    if not isinstance(user, User) or not may_act(user, application, Act.APPLY):
        raise Http404("办件不存在")
    return user, application


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """GET asks the applicant to confirm (withdrawing cannot be undone); POST withdraws."""
    user, application = _owner_action(request, number)
    if request.method == "GET":
        outcome = application_outcome(application)
        if not outcome.can_withdraw:
            messages.error(request, "事项已开始办理，不能撤回。")
            return HttpResponseRedirect(reverse("applications:detail", args=[number]))
        return render(
            request,
            "applications/withdraw.html",
            {"application": application, "outcome": outcome},
        )
    try:
        casework().withdraw(actor=user, application=application)
        messages.success(request, "申请已撤回。")
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("applications:detail", args=[number]))


@login_required
@require_POST
def correction(request: HttpRequest, number: str) -> HttpResponse:
    user, application = _owner_action(request, number)
    try:
        casework().correction_answer(
            actor=user,
            application=application,
            note=request.POST.get("note", ""),
            uploads=request.FILES.getlist("files"),
        )
        messages.success(request, "补正材料已提交，办理继续计时。")
    except ApiError as exc:
        _error_messages(request, exc)
    return HttpResponseRedirect(reverse("applications:detail", args=[number]))


def _error_messages(request: HttpRequest, exc: ApiError) -> None:
    """The message, then each problem once (a file's name with why it was refused)."""
    problems = dict.fromkeys(p for ps in (exc.fields or {}).values() for p in ps)
    for text in [exc.message, *(p for p in problems if p != exc.message)]:
        messages.error(request, text)


@login_required
@require_POST
def supply(request: HttpRequest, number: str, code: str) -> HttpResponse:
    user, application = _owner_action(request, number)
    try:
        material_supply(
            actor=user, application=application, code=code, upload=request.FILES.get("file")
        )
        messages.success(request, "材料已补齐。")
    except NotFound:
        raise Http404("没有需要补齐的该项材料") from None
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("applications:detail", args=[number]))


@login_required
def results_pdf(request: HttpRequest, number: str) -> HttpResponse:
    application = _application_or_404(request, number)
    user = request.user
    if (
        isinstance(user, User)
        and user.role == Role.PERSON
        and not may_act(user, application, Act.RECEIVE)
    ):
        raise Http404("办件不存在")
    outcome = application_outcome(application)
    if not outcome.has_results:
        raise Http404("尚无办理结果，办结后可打印办理结果通知书")
    content = render_pdf(outcome_document(outcome))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="results-{number}.pdf"'
    return response
