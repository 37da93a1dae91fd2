"""The rater's pages: rate a completed application or a window visit, see the rating and what
was done about it, and ask for a review of a verification that dismissed it.

Views parse input, go through the access helper (somebody else's application, visit or
rating is a 404, like a missing one), call a service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.applications.models import Application
from kuaiban.applications.selectors import access_application
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.ratings.forms import rating_form_context, rating_post_parse, rating_thanks
from kuaiban.ratings.indicators import indicator_label
from kuaiban.ratings.models import Rating, RatingSubject, StepKind, WindowVisit
from kuaiban.ratings.selectors import (
    access_rating,
    access_visit_for_rating,
    is_completed,
    rating_of,
    ratings_visible_to,
    visits_to_rate,
)
from kuaiban.ratings.services import rating_submit, rating_submit_visit, ticket_appeal
from kuaiban.ratings.tickets import appeal_deadline, appeal_refusal


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404("页面不存在")
    return user


def _own_application(request: HttpRequest, number: str) -> Application:
    """The applicant's own application; a clerk or officer who can see it still gets 404 here."""
    user = _user(request)
    try:
        application = access_application(user=user, number=number)
    except NotFound:
        raise Http404("办件不存在") from None
    if application.applicant_id != user.pk:
        raise Http404("办件不存在")
    return application


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """我的评价: window visits waiting for a rating, and the ratings given."""
    user = _user(request)
    if user.role in (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN):
        return HttpResponseRedirect(reverse("ratings:tickets"))
    ratings = ratings_visible_to(user).order_by("-rated_at")
    return render(
        request,
        "ratings/index.html",
        {
            "visits": visits_to_rate(user=user)[:20],
            "page": Paginator(ratings, 20).get_page(request.GET.get("page")),
        },
    )


def _rate(
    request: HttpRequest,
    *,
    subject: str,
    heading: str,
    target: Application | WindowVisit,
) -> HttpResponse:
    user = _user(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = rating_post_parse(request.POST, subject)
        try:
            if isinstance(target, Application):
                rating = rating_submit(actor=user, application=target, **data)
            else:
                rating = rating_submit_visit(actor=user, visit=target, **data)
        except ApiError as exc:
            if exc.status == 409:
                messages.info(request, exc.message)
                return HttpResponseRedirect(_existing_url(target))
            if exc.status != 422:
                raise
            errors = exc.fields or {"level": [exc.message]}
        else:
            messages.success(request, rating_thanks(rating))
            return HttpResponseRedirect(reverse("ratings:rating", args=[rating.pk]))
    form = rating_form_context(
        subject=subject, post=request.POST if request.method == "POST" else None, errors=errors
    )
    return render(
        request,
        "ratings/rate.html",
        {"heading": heading, "target": target, **form},
        status=422 if errors else 200,
    )


def _existing_url(target: Application | WindowVisit) -> str:
    rating = (
        rating_of(target)
        if isinstance(target, Application)
        else Rating.objects.filter(visit=target).first()
    )
    if rating is not None and rating.rated_by_id is not None:
        return reverse("ratings:rating", args=[rating.pk])
    if isinstance(target, Application):
        return reverse("applications:detail", args=[target.number])
    return reverse("ratings:index")


@login_required
def rate_application(request: HttpRequest, number: str) -> HttpResponse:
    application = _own_application(request, number)
    existing = rating_of(application)
    if existing is not None:
        return HttpResponseRedirect(_existing_url(application))
    if not is_completed(application):
        return render(
            request,
            "ratings/not_yet.html",
            {"application": application},
        )
    return _rate(
        request,
        subject=RatingSubject.CASE,
        heading=f"评价：{application.bundle.name}",
        target=application,
    )


@login_required
def rate_visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visit = access_visit_for_rating(user=request.user, visit_id=visit_id)
    except NotFound:
        raise Http404("窗口服务记录不存在") from None
    if Rating.objects.filter(visit=visit).exists():
        return HttpResponseRedirect(_existing_url(visit))
    return _rate(
        request,
        subject=RatingSubject.VISIT,
        heading=f"评价窗口服务（{timezone.localtime(visit.visited_at):%Y年%m月%d日}）",
        target=visit,
    )


@login_required
def rating_detail(request: HttpRequest, rating_id: int) -> HttpResponse:
    """The rater's own rating and its follow-up (staff see theirs on the ticket pages)."""
    user = _user(request)
    rating = _own_rating(user, rating_id)
    ticket = getattr(rating, "ticket", None)
    steps = list(ticket.steps.order_by("pk")) if ticket else []
    now = timezone.now()
    return render(
        request,
        "ratings/rating.html",
        {
            "rating": rating,
            "indicators": [
                (indicator_label(rating.subject, code), level)
                for code, level in rating.indicators.items()
            ],
            "ticket": ticket,
            "feedback": [s for s in steps if s.kind == StepKind.FEEDBACK and s.done_at],
            "review": next(
                (s for s in reversed(steps) if s.kind == StepKind.REVIEW and s.done_at), None
            ),
            "can_appeal": ticket is not None
            and appeal_refusal(actor=user, ticket=ticket, now=now) is None,
            "appeal_until": appeal_deadline(ticket) if ticket else None,
        },
    )


def _own_rating(user: User, rating_id: int) -> Rating:
    try:
        rating = access_rating(user=user, rating_id=rating_id)
    except NotFound:
        raise Http404("评价不存在") from None
    if rating.rated_by_id != user.pk:
        raise Http404("评价不存在")
    return rating


@login_required
@require_POST
def rating_appeal(request: HttpRequest, rating_id: int) -> HttpResponse:
    user = _user(request)
    rating = _own_rating(user, rating_id)
    ticket = getattr(rating, "ticket", None)
    if ticket is None:
        raise Http404("该评价没有整改工单")
    try:
        ticket_appeal(actor=user, ticket=ticket, reason=request.POST.get("reason", ""))
        messages.success(request, "已提交复核申请，监督人员复核后会告诉您结果。")
    except ApiError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("ratings:rating", args=[rating.pk]))
