"""The hall: a clerk's 电话预约 for a caller, check-in and walk-in numbers, the counter's
“下一位”, and the public calling screen (叫号屏)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.appointments.forms import day_or_none, posted_slot, slot_choices
from kuaiban.appointments.models import (
    AppointmentChannel,
    QueueTicket,
    TicketStatus,
    WindowType,
)
from kuaiban.appointments.selectors import clerk_serves, queue_called, queue_waiting
from kuaiban.appointments.services import (
    appointment_book,
    appointment_check_in,
    ticket_call_next,
    ticket_skip,
    ticket_take,
)
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.core.masking import mask_id_number
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.servicepoints.selectors import point_by_code, points_active

WINDOW_LABEL_MAX = 20


def _point(code: str) -> ServicePoint:
    try:
        return point_by_code(code)
    except NotFound as error:
        raise Http404(error.message) from None


def _clerk_point(request: HttpRequest, code: str) -> tuple[User, ServicePoint]:
    """The point, if the signed-in clerk works there; else 404 (as for a missing point)."""
    point = _point(code)
    if not clerk_serves(request.user, point):
        raise Http404("页面不存在")
    assert isinstance(request.user, User)
    return request.user, point


def _window_type(value: str | None) -> str:
    return value if value in WindowType.values else WindowType.GENERAL


def _served_points(user: User) -> list[ServicePoint]:
    return [p for p in points_active().order_by("region__code", "name") if clerk_serves(user, p)]


@login_required
def hall_home(request: HttpRequest) -> HttpResponse:
    """The clerk's points, each with its check-in, counter and screen."""
    user = request.user
    assert isinstance(user, User)
    points = _served_points(user)
    if not points:
        raise Http404("页面不存在")
    return render(request, "appointments/hall_home.html", {"points": points})


@login_required
def phone_booking(request: HttpRequest) -> HttpResponse:
    """电话预约: the clerk books for a caller (name, ID number, mobile) at a point they serve."""
    user = request.user
    assert isinstance(user, User)
    points = _served_points(user)
    if not points:
        raise Http404("页面不存在")
    source = request.POST if request.method == "POST" else request.GET
    point = next((p for p in points if p.code == source.get("point")), points[0])
    # Only what this point takes; an item chosen for another point is said to be refused here.
    items = list(ServiceItem.objects.current().filter(accepting_points=point).order_by("code"))
    asked = source.get("item", "")
    item = next((i for i in items if i.code == asked), None)
    days, day, slots = slot_choices(point, day_or_none(source.get("date")), item, timezone.now())
    errors: dict[str, list[str]] = {}
    booked = None
    if request.method == "POST":
        slot, errors = posted_slot(point, request.POST, item)
        if not errors and item is not None and slot is not None:
            try:
                booked = appointment_book(
                    actor=user,
                    slot=slot,
                    item=item,
                    id_number=request.POST.get("id_number", "")[:18],
                    name=request.POST.get("name", "")[:40],
                    phone=request.POST.get("phone", "")[:20],
                    channel=AppointmentChannel.PHONE,
                )
            except ApiError as error:
                errors = error.fields or {"slot": [error.message]}
    return render(
        request,
        "appointments/phone_booking.html",
        {
            "points": points,
            "point": point,
            "items": items,
            "item": item,
            "item_refused": bool(asked) and item is None,
            "days": days,
            "day": day,
            "slots": slots,
            "errors": errors,
            "booked": booked,
            "form": request.POST if errors else {},
        },
        status=422 if errors else 200,
    )


@login_required
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    """签到取号: the appointment number (typed or scanned from its QR code) or ID number; or a
    walk-in number for a window type (with the ID number, 绿色通道 is checked)."""
    user, point = _clerk_point(request, code)
    ticket: QueueTicket | None = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "walk_in":
                ticket = ticket_take(
                    actor=user,
                    point=point,
                    window_type=_window_type(request.POST.get("window_type")),
                    id_number=request.POST.get("walk_in_id", "")[:18],
                )
            else:
                ticket = appointment_check_in(
                    actor=user, point=point, code=request.POST.get("code", "")[:18]
                )
        except ApiError as error:
            errors = error.fields or {"code": [error.message]}
    return render(
        request,
        "appointments/check_in.html",
        {
            "point": point,
            "ticket": ticket,
            "ahead": queue_waiting(point=point, day=timezone.localdate())
            .filter(window_type=ticket.window_type, priority__lte=ticket.priority)
            .exclude(pk=ticket.pk)
            .count()
            if ticket
            else None,
            "errors": errors,
            "window_types": WindowType.choices,
            "masked": mask_id_number(ticket.id_number) if ticket and ticket.id_number else "",
        },
        status=422 if errors else 200,
    )


@login_required
def counter(request: HttpRequest, code: str) -> HttpResponse:
    """The clerk's window: “下一位” calls the next ticket in the calling order, “过号” skips."""
    user, point = _clerk_point(request, code)
    source = request.POST if request.method == "POST" else request.GET
    window_type = _window_type(source.get("window_type"))
    window_label = (source.get("window") or "1号窗口").strip()[:WINDOW_LABEL_MAX] or "1号窗口"
    if request.method == "POST":
        if request.POST.get("action") == "skip":
            ticket_skip(actor=user, point=point, window_label=window_label)
        else:
            ticket_call_next(
                actor=user, point=point, window_type=window_type, window_label=window_label
            )
        query = f"?window_type={window_type}&window={window_label}"
        return HttpResponseRedirect(reverse("appointments:counter", args=[point.code]) + query)
    today = timezone.localdate()
    current = (
        QueueTicket.objects.filter(
            point=point, day=today, status=TicketStatus.CALLED, window_label=window_label
        )
        .select_related("appointment__item")
        .order_by("-called_at")
        .first()
    )
    waiting = queue_waiting(point=point, day=today).filter(window_type=window_type)
    return render(
        request,
        "appointments/counter.html",
        {
            "point": point,
            "current": current,
            "waiting": list(waiting[:10]),
            "waiting_count": waiting.count(),
            "window_type": window_type,
            "window_label": window_label,
            "window_types": WindowType.choices,
        },
    )


def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The hall's calling screen: public, numbers and windows only (no names)."""
    point = _point(code)
    today = timezone.localdate()
    waiting = queue_waiting(point=point, day=today)
    context = {
        "point": point,
        "called": queue_called(point=point, day=today),
        "waiting_count": waiting.count(),
        "green_waiting": waiting.filter(priority=0).count(),
    }
    template = (
        "appointments/_board.html"
        if request.GET.get("board") == "1"
        else "appointments/screen.html"
    )
    return render(request, template, context)
