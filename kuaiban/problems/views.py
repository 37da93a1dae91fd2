"""The 办不成事 pages: file a report, the list (with counts per item for supervisors), one
report with the owner's answer form and the reporter's feedback form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.models import Region, RegionLevel, ServiceItem
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_phone
from kuaiban.core.models import AuditAction
from kuaiban.problems.models import ProblemReport, ReportStatus
from kuaiban.problems.selectors import (
    access_problem_report,
    may_resolve,
    problem_counts_by_item,
    problem_reports_visible_to,
)
from kuaiban.problems.services import (
    ReportInput,
    problem_report_feedback,
    problem_report_file,
    problem_report_resolve,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _report_or_404(request: HttpRequest, number: str) -> ProblemReport:
    try:
        return access_problem_report(user=request.user, number=number)
    except NotFound:
        raise Http404("反映不存在") from None


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in (Role.PERSON, Role.UNIT, Role.CLERK):
        raise Http404("办不成事由群众网上反映，或由综合柜员在窗口登记")
    values = {k: request.POST.get(k, "") for k in ("item", "region", "description", "contact")}
    values["reporter_name"] = request.POST.get("reporter_name", "")
    if request.method == "GET":
        values["contact"] = user.phone if user.role != Role.CLERK else ""
        values["item"] = request.GET.get("item", "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            report = problem_report_file(actor=user, data=ReportInput(**values))
        except ApiError as exc:
            errors = exc.fields or {"description": [exc.message]}
        else:
            messages.success(request, f"已收到您的反映，编号 {report.number}。")
            return HttpResponseRedirect(reverse("problems:detail", args=[report.number]))
    return render(
        request,
        "problems/new.html",
        {
            "values": values,
            "errors": errors,
            "at_window": user.role == Role.CLERK,
            "items": ServiceItem.objects.current().only("code", "name").order_by("code"),
            "regions": Region.objects.exclude(level=RegionLevel.PROVINCE).order_by("code"),
        },
        status=422 if errors else 200,
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    reports = problem_reports_visible_to(user).order_by("-filed_at", "-pk")
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    now = timezone.now()
    counts = (
        problem_counts_by_item(problem_reports_visible_to(user), now=now)
        if user.role in (Role.SUPERVISOR, Role.ADMIN)
        else None
    )
    return render(
        request,
        "problems/list.html",
        {
            "page": page,
            "rows": [(r, mask_phone(r.contact), r.is_overdue(now)) for r in page],
            "counts": counts,
            "statuses": ReportStatus.choices,
            "status": status,
            "staff": user.role not in (Role.PERSON, Role.UNIT),
        },
    )


@login_required
def report_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    report = _report_or_404(request, number)
    mine = report.reporter_id == user.pk or (
        report.reporter_id is None and report.filed_by_id == user.pk
    )
    if report.reporter_id != user.pk:
        audit_record(
            actor=user,
            action=AuditAction.PROBLEM_REPORT_READ,
            object_type="problem_report",
            object_id=report.number,
        )
    return render(
        request,
        "problems/detail.html",
        {
            "report": report,
            "contact": report.contact if mine else mask_phone(report.contact),
            "overdue": report.is_overdue(timezone.now()),
            "can_resolve": report.status == ReportStatus.OPEN and may_resolve(user, report),
            "can_feedback": report.status == ReportStatus.RESOLVED and mine,
        },
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    report = _report_or_404(request, number)
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    try:
        problem_report_resolve(
            actor=user,
            report=report,
            resolution=request.POST.get("resolution", ""),
            version=version,
        )
        messages.success(request, "已答复，反映人将收到通知。")
    except NotFound:
        raise Http404("反映不存在") from None
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("problems:detail", args=[number]))


@login_required
@require_POST
def report_feedback(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    report = _report_or_404(request, number)
    choice = request.POST.get("satisfied", "")
    if choice not in ("1", "0"):
        messages.error(request, "请选择是否满意")
        return HttpResponseRedirect(reverse("problems:detail", args=[number]))
    try:
        problem_report_feedback(
            actor=user, report=report, satisfied=choice == "1", note=request.POST.get("note", "")
        )
        messages.success(request, "感谢您的评价。")
    except NotFound:
        raise Http404("反映不存在") from None
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("problems:detail", args=[number]))
