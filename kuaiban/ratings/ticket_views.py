"""Working a bad rating: the ticket list, the ticket page with the form of the step in hand,
and the 报告单 as a page and a PDF.

Officers see their agency's tickets and work them; supervisors see their region's and
below (read) and decide appeals; administrators see all. Any other role gets 403 for every
URL, before any lookup; a ticket outside the user's reach is a 404, like a missing one.
Every form posts the version it was rendered with: an officer who acted on a stale page is
told so instead of overwriting someone else's work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.core.errors import ApiError, NotFound, Unprocessable
from kuaiban.core.masking import mask_phone
from kuaiban.core.text import is_ascii_digits
from kuaiban.documents.render import render_pdf
from kuaiban.ratings.indicators import indicator_label
from kuaiban.ratings.models import (
    RectificationMode,
    RectificationTicket,
    TicketStatus,
    Verification,
)
from kuaiban.ratings.report import report_document, ticket_report_content
from kuaiban.ratings.selectors import (
    access_ticket,
    rater_contact,
    ticket_open_step,
    tickets_visible_to,
)
from kuaiban.ratings.services import (
    ticket_appeal,
    ticket_callback,
    ticket_feedback,
    ticket_rectify,
    ticket_rectify_complete,
    ticket_report,
    ticket_review,
    ticket_verify,
)
from kuaiban.ratings.tickets import appeal_refusal, ticket_contact_read_record

View = Callable[..., HttpResponse]
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


def staff_view(view: View) -> View:
    """Log-in required; officers, supervisors and administrators only (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role not in STAFF:
            return render(request, "ratings/forbidden.html", status=403)
        try:
            return view(request, user, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


@staff_view
def tickets(request: HttpRequest, user: User) -> HttpResponse:
    queryset = tickets_visible_to(user).prefetch_related("steps")
    status = request.GET.get("status", "")
    if status in TicketStatus.values:
        queryset = queryset.filter(status=status)
    elif status == "open" or not status:
        queryset = queryset.exclude(status=TicketStatus.CLOSED)
        status = "open"
    page = Paginator(queryset.order_by("opened_at", "pk"), 20).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for ticket in page:
        open_steps = [s for s in ticket.steps.all() if s.done_at is None]
        step = open_steps[0] if open_steps else None
        rows.append(
            {"ticket": ticket, "step": step, "overdue": bool(step and step.is_overdue(now))}
        )
    return render(
        request,
        "ratings/tickets.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": [("open", "未办结"), *TicketStatus.choices, ("all", "全部")],
        },
    )


def _detail_context(user: User, ticket: RectificationTicket, now: dt.datetime) -> dict[str, Any]:
    rating = ticket.rating
    name, phone = rater_contact(rating)
    officer = user.role == Role.OFFICER and user.agency_id == ticket.agency_id
    show_phone = officer and ticket.status != TicketStatus.CLOSED and bool(phone)
    if show_phone:
        ticket_contact_read_record(actor=user, ticket=ticket)
    return {
        "ticket": ticket,
        "rating": rating,
        "indicators": [
            (indicator_label(rating.subject, code), level)
            for code, level in rating.indicators.items()
        ],
        "rater_name": name,
        "rater_phone": phone if show_phone else mask_phone(phone) if phone else "",
        "steps": list(ticket.steps.select_related("owner", "owner_agency").order_by("pk")),
        "open_step": ticket_open_step(ticket),
        "now": now,
        "officer": officer,
        "reviewer": user.role in (Role.SUPERVISOR, Role.ADMIN),
        "can_appeal": officer and appeal_refusal(actor=user, ticket=ticket, now=now) is None,
        "verdicts": Verification.choices,
        "modes": RectificationMode.choices,
    }


@staff_view
def ticket_detail(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(user=user, ticket_id=ticket_id)
    return render(request, "ratings/ticket.html", _detail_context(user, ticket, timezone.now()))


# ---------------------------------------------------------------------------------------------
# Actions: each parses its form and calls one service with the version the page showed
# ---------------------------------------------------------------------------------------------

Action = Callable[[QueryDict, User, RectificationTicket, int | None], str]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise Unprocessable(
            "日期格式应为 YYYY-MM-DD", fields={"deadline": ["日期格式不正确"]}
        ) from None


_CHOICE_ERRORS = {
    "verdict": "请选择核实（复核）结论",
    "mode": "请选择整改方式",
}


def _choice(value: str, choices: type[Verification] | type[RectificationMode], field: str) -> Any:
    if value not in choices.values:
        message = _CHOICE_ERRORS[field]
        raise Unprocessable(message, fields={field: [message]})
    return choices(value)


def _callback(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    reached = post.get("reached", "")
    if reached not in ("yes", "no"):
        raise Unprocessable("请选择是否联系上评价人", fields={"reached": ["请选择一项"]})
    ticket_callback(
        actor=user, ticket=t, reached=reached == "yes", note=post.get("note", ""), version=v
    )
    return "已记录回访情况。" if reached == "yes" else "已记录本次未联系上，请继续回访。"


def _verify(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    verdict = _choice(post.get("verdict", ""), Verification, "verdict")
    ticket_verify(actor=user, ticket=t, verdict=verdict, note=post.get("note", ""), version=v)
    return "已记录核实结论。"


def _rectify(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    mode = _choice(post.get("mode", ""), RectificationMode, "mode")
    ticket_rectify(
        actor=user,
        ticket=t,
        mode=mode,
        note=post.get("note", ""),
        deadline=_date(post.get("deadline", "")),
        version=v,
    )
    return "已建立整改台账。" if mode == RectificationMode.LEDGER else "已记录整改情况。"


def _rectify_done(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    ticket_rectify_complete(actor=user, ticket=t, note=post.get("note", ""), version=v)
    return "台账整改已完成。"


def _feedback(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    ticket_feedback(actor=user, ticket=t, note=post.get("note", ""), version=v)
    return "已记录反馈情况。"


def _report(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    ticket_report(actor=user, ticket=t, note=post.get("note", ""), version=v)
    return "报告单已报送，工单办结。"


def _appeal(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    ticket_appeal(actor=user, ticket=t, reason=post.get("reason", ""), version=v)
    return "已提交复核申请。"


def _review(post: QueryDict, user: User, t: RectificationTicket, v: int | None) -> str:
    verdict = _choice(post.get("verdict", ""), Verification, "verdict")
    ticket_review(actor=user, ticket=t, verdict=verdict, note=post.get("note", ""), version=v)
    return "已作出复核结论。"


ACTIONS: dict[str, Action] = {
    "callback": _callback,
    "verify": _verify,
    "rectify": _rectify,
    "rectify-done": _rectify_done,
    "feedback": _feedback,
    "report": _report,
    "appeal": _appeal,
    "review": _review,
}


def _version(post: QueryDict) -> int | None:
    value = post.get("version", "")
    return int(value) if is_ascii_digits(value) and len(value) <= 18 else None


@staff_view
@require_POST
def ticket_action(request: HttpRequest, user: User, ticket_id: int, action: str) -> HttpResponse:
    ticket = access_ticket(user=user, ticket_id=ticket_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404("没有这个操作")
    url = reverse("ratings:ticket", args=[ticket.pk])
    try:
        done = handler(request.POST, user, ticket, _version(request.POST))
    except ApiError as exc:
        if exc.status == 422:
            context = _detail_context(user, ticket, timezone.now())
            context |= {"errors": exc.fields or {"note": [exc.message]}, "action": action}
            context["values"] = {k: request.POST.get(k, "") for k in request.POST}
            return render(request, "ratings/ticket.html", context, status=422)
        if exc.status == 403:
            return render(request, "ratings/forbidden.html", {"message": exc.message}, status=403)
        messages.error(request, exc.message)
        return HttpResponseRedirect(url)
    messages.success(request, done)
    return HttpResponseRedirect(url)


# ---------------------------------------------------------------------------------------------
# 报告单
# ---------------------------------------------------------------------------------------------


@staff_view
def report_page(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(user=user, ticket_id=ticket_id)
    return render(request, "ratings/report.html", {"report": ticket_report_content(ticket)})


@staff_view
def report_pdf(request: HttpRequest, user: User, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(user=user, ticket_id=ticket_id)
    content = render_pdf(report_document(ticket_report_content(ticket)))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-report-{ticket.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
