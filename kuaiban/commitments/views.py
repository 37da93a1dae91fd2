"""Pages: the officers' checks (`/checks/`), one check with its steps, and the applicant's own
checks with the outcome and an objection (`/me/commitments/`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kuaiban.accounts.models import Role, User
from kuaiban.commitments.models import CheckStatus, CommitmentCheck, ObjectionStatus, overdue_q
from kuaiban.commitments.outcomes import (
    check_assignable_officers,
    check_decision_review,
    check_outcome_record,
    check_schedule,
    objection_decide,
    objection_submit,
)
from kuaiban.commitments.selectors import (
    access_commitment_check,
    access_objection,
    checks_visible_to,
    credit_record_of,
    discredit_refused_item_names,
)
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, NotFound, Unprocessable, error_text
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction

_FILTERS = {"open": "未结", "overdue": "已超期", "false": "核查不实", "all": "全部"}


def _user(request: HttpRequest, *roles: str) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise Http404("页面不存在")
    return user


def _check(request: HttpRequest, check_id: int) -> CommitmentCheck:
    try:
        return access_commitment_check(user=request.user, check_id=check_id)
    except NotFound:
        raise Http404("核查不存在") from None


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
def check_list(request: HttpRequest) -> HttpResponse:
    """The agency's checks, soonest due first (事中事后核查)."""
    officer = _user(request, Role.OFFICER)
    shown = request.GET.get("show", "open")
    shown = shown if shown in _FILTERS else "open"
    now = timezone.now()
    visible = checks_visible_to(officer)
    rows = visible
    if shown == "open":
        rows = rows.filter(status__in=CommitmentCheck.OPEN)
    elif shown == "overdue":
        rows = rows.filter(overdue_q(now))
    elif shown == "false":
        rows = rows.filter(status="false")
    page = Paginator(rows.order_by("due_at", "pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "commitments/list.html",
        {
            "page": page,
            "filters": _FILTERS,
            "shown": shown,
            "overdue": visible.filter(overdue_q(now)).count(),
            "mine_overdue": visible.filter(overdue_q(now), owner=officer).count(),
            "rows": [(c, c.is_overdue(now)) for c in page],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    officer = _user(request, Role.OFFICER)
    check = _check(request, check_id)
    if request.method == "POST":
        _step(request, officer, check)
        return HttpResponseRedirect(reverse("commitments:detail", args=[check.pk]))
    audit_record(
        actor=officer,
        action=AuditAction.COMMITMENT_CHECK_READ,
        object_type="commitment_check",
        object_id=str(check.pk),
    )
    application = check.application
    return render(
        request,
        "commitments/detail.html",
        {
            "check": check,
            "applicant_id": mask_id_number(application.applicant_id_number)
            if application.applicant_id_number
            else application.applicant_credit_code,
            "record": credit_record_of(check),
            "objections": list(check.objections.order_by("-submitted_at")),
            "today": dt.date.today().isoformat(),
            "assignable": list(check_assignable_officers(check)) if check.is_open else [],
        },
    )


def _owner(request: HttpRequest, officer: User, check: CommitmentCheck) -> User:
    """The officer chosen to carry out an on-site check (the acting officer when none is)."""
    raw = request.POST.get("owner", "")
    if not raw:
        return officer
    chosen = (
        check_assignable_officers(check)
        .filter(pk=int(raw) if raw.isdigit() and len(raw) < 10 else 0)
        .first()
    )
    if chosen is None:
        raise Unprocessable(
            "现场核查只能交给本单位的工作人员", fields={"owner": ["请选择本单位的工作人员"]}
        )
    return chosen


def _step(request: HttpRequest, officer: User, check: CommitmentCheck) -> None:
    action = request.POST.get("action", "")
    try:
        if action == "schedule":
            day = dt.date.fromisoformat(request.POST.get("day", "")[:10])
            check_schedule(
                actor=officer,
                check=check,
                day=day,
                owner=_owner(request, officer, check),
                version=_version(request),
            )
            messages.success(request, "已安排现场核查。")
        elif action == "outcome":
            check_outcome_record(
                actor=officer,
                check=check,
                confirmed=request.POST.get("outcome") == "confirmed",
                findings=request.POST.get("findings", ""),
                version=_version(request),
            )
            messages.success(request, "核查结论已记录。")
        elif action in ("revoke", "amend"):
            check_decision_review(
                actor=officer,
                check=check,
                revoke=action == "revoke",
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "办结决定已复查。")
        elif action == "objection":
            raw = request.POST.get("objection", "")
            objection = access_objection(
                user=officer, objection_id=int(raw) if raw.isdigit() and len(raw) < 10 else 0
            )
            objection_decide(
                actor=officer,
                objection=objection,
                upheld=request.POST.get("upheld") == "yes",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "异议已处理。")
        else:
            messages.error(request, "请选择要办理的操作")
    except ValueError:
        messages.error(request, "请填写正确的日期")
    except NotFound:
        raise Http404("异议不存在") from None
    except ApiError as exc:
        messages.error(request, error_text(exc))


@login_required
@require_http_methods(["GET", "POST"])
def my_checks(request: HttpRequest) -> HttpResponse:
    """The applicant's commitments: how each was checked, the outcome, and an objection."""
    user = _user(request, Role.PERSON, Role.UNIT)
    if request.method == "POST":
        raw = request.POST.get("check", "")
        check = _check(request, int(raw) if raw.isdigit() and len(raw) < 10 else 0)
        try:
            objection_submit(actor=user, check=check, text=request.POST.get("text", ""))
            messages.success(request, "异议已提交，经办机构将核实后答复您。")
        except ApiError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("commitments:mine"))
    rows = checks_visible_to(user).prefetch_related("objections").order_by("-created_at", "-pk")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    items = [
        (
            c,
            next((o for o in c.objections.all() if o.status == ObjectionStatus.OPEN), None),
            [o for o in c.objections.all() if o.status != ObjectionStatus.OPEN],
        )
        for c in page
    ]
    found_false = any(c.status == CheckStatus.FALSE for c in page)
    refused = discredit_refused_item_names() if found_false else []
    return render(
        request,
        "commitments/mine.html",
        {"page": page, "items": items, "refused_items": refused},
    )
