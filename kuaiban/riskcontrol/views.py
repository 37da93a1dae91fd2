"""Pages: 待复核 (`/checks/review/`) and the risk dashboard (`/checks/dashboard/`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kuaiban.accounts.models import Role, User
from kuaiban.cases.reads import subcase_read_record
from kuaiban.cases.services import subcase_review
from kuaiban.core.errors import ApiError, NotFound, error_text
from kuaiban.riskcontrol.control import review_reasons
from kuaiban.riskcontrol.selectors import (
    access_review,
    review_page,
    reviews_visible_to,
    risk_figures,
)


def _user(request: HttpRequest, *roles: str) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise Http404("页面不存在")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def reviews(request: HttpRequest) -> HttpResponse:
    """High-risk approvals waiting for a second, different officer (四眼原则, 集中审核)."""
    officer = _user(request, Role.OFFICER)
    if request.method == "POST":
        raw = request.POST.get("subcase", "")
        version = request.POST.get("version", "")
        try:
            subcase = access_review(
                user=officer, subcase_id=int(raw) if raw.isdigit() and len(raw) < 10 else 0
            )
            subcase_review(
                actor=officer,
                subcase=subcase,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
                version=int(version) if version.isdigit() and len(version) < 10 else None,
            )
            messages.success(request, "复核已完成。")
        except NotFound:
            raise Http404("子件不存在") from None
        except ApiError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("riskcontrol:reviews"))
    rows = reviews_visible_to(officer).order_by("review_requested_at", "pk")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    reasons = review_reasons(list(page))
    items = [(s, "、".join(reasons.get(s.pk, []))) for s in page]
    return render(request, "riskcontrol/reviews.html", {"page": page, "items": items})


@login_required
@require_http_methods(["GET"])
def review_detail(request: HttpRequest, subcase_id: int) -> HttpResponse:
    """One pending approval in full: what the second officer agrees to or returns."""
    officer = _user(request, Role.OFFICER)
    try:
        subcase = access_review(user=officer, subcase_id=subcase_id)
    except NotFound:
        raise Http404("子件不存在") from None
    subcase_read_record(actor=officer, subcase=subcase)
    return render(request, "riskcontrol/review.html", {"page": review_page(subcase=subcase)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.SUPERVISOR, Role.OFFICER)
    try:
        figures = risk_figures(user=user)
    except NotFound:
        raise Http404("页面不存在") from None
    return render(request, "riskcontrol/dashboard.html", {"figures": figures})
