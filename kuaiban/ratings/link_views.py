"""``/ratings/visit/<token>/``: the person served rates a window visit through their personal
link, without an account (一次一评).

The signed token is the access check: an altered or unknown one is a 404 page, an expired one
a 410 page, both in words the visitor can act on. After a rating the page shows it (已评价);
a second submission, even at the same moment, is refused by the one-to-one rating.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.masking import mask_id_number
from kuaiban.ratings import conf
from kuaiban.ratings.forms import rating_form_context, rating_post_parse, rating_thanks
from kuaiban.ratings.indicators import indicator_label
from kuaiban.ratings.links import visit_link_check, visit_link_expires
from kuaiban.ratings.models import RatingSubject, WindowVisit
from kuaiban.ratings.selectors import access_visit_by_link, visit_place, visit_rating
from kuaiban.ratings.services import rating_submit_visit

_RATERS = (Role.PERSON, Role.UNIT)


def _account(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _problem(request: HttpRequest, error: ApiError) -> HttpResponse:
    return render(
        request,
        "ratings/link_problem.html",
        {"error": error, "days": conf.visit_link_days()},
        status=error.status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate_visit_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = visit_link_check(token)
        visit = access_visit_by_link(link=link)
    except ApiError as exc:
        return _problem(request, exc)
    here = reverse("ratings:rate-visit-link", args=[token])
    rating = visit_rating(visit)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and rating is not None:
        messages.info(request, "这次窗口服务已经评价过（一次一评），不能重复评价")
        return HttpResponseRedirect(here)
    if request.method == "POST":
        data = rating_post_parse(request.POST, RatingSubject.VISIT)
        try:
            rating = rating_submit_visit(actor=_account(request), visit=visit, link=link, **data)
        except Conflict as exc:  # rated a moment ago, from this link or the account
            messages.info(request, exc.message)
            return HttpResponseRedirect(here)
        except Unprocessable as exc:
            errors = exc.fields or {"level": [exc.message]}
        except ApiError as exc:
            return _problem(request, exc)
        else:
            messages.success(request, rating_thanks(rating))
            return HttpResponseRedirect(here)
    context = _visit_context(visit)
    if rating is not None:
        return render(request, "ratings/visit_link_done.html", context | _rating_context(visit))
    account = _account(request)
    form = rating_form_context(
        subject=RatingSubject.VISIT,
        post=request.POST if request.method == "POST" else None,
        errors=errors,
    )
    return render(
        request,
        "ratings/visit_link.html",
        context | form | {"staff": account is not None and account.role not in _RATERS},
        status=422 if errors else 200,
    )


def _visit_context(visit: WindowVisit) -> dict[str, Any]:
    """The visit as its page shows it: personal numbers masked, the clerk by name only."""
    application = visit.application
    identifier = (
        (application.applicant_id_number or application.applicant_credit_code)
        if application
        else (visit.applicant.id_number if visit.applicant else "")
    )
    return {
        "visit": visit,
        "served_at": timezone.localtime(visit.visited_at),
        "place": visit_place(visit),
        "clerk_name": visit.clerk.display_name or visit.clerk.username,
        "person": visit.applicant_name,
        "person_id": mask_id_number(identifier) if identifier else "",
        "number": application.number if application else "",
        "expires_at": timezone.localtime(visit_link_expires(visit)),
    }


def _rating_context(visit: WindowVisit) -> dict[str, Any]:
    rating = visit.rating
    return {
        "rating": rating,
        "indicators": [
            (indicator_label(rating.subject, code), level)
            for code, level in rating.indicators.items()
        ],
        "ticket": getattr(rating, "ticket", None),
    }
