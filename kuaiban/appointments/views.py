"""The person's pages: book a slot (phone-sized), their appointments, move, cancel."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kuaiban.accounts.models import Role, User
from kuaiban.appointments.forms import (
    day_or_none,
    number_qr,
    posted_slot,
    slot_choices,
)
from kuaiban.appointments.models import AppointmentChannel, AppointmentStatus
from kuaiban.appointments.selectors import access_appointment, appointments_of
from kuaiban.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointment_read_audit,
)
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.errors import ApiError, NotFound
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.servicepoints.selectors import point_by_code


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _point(code: str) -> ServicePoint:
    try:
        return point_by_code(code)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
def book(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    point = _point(code)
    now = timezone.now()
    # A person is offered the items a person can have done; a unit, a unit's (办事对象).
    kind = user.role if user.role in (Role.PERSON, Role.UNIT) else ""
    items = [
        i
        for i in ServiceItem.objects.current().filter(accepting_points=point).order_by("code")
        if i.serves(kind)
    ]
    source = request.POST if request.method == "POST" else request.GET
    item = next((i for i in items if i.code == source.get("item", "")), None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        slot, errors = posted_slot(point, request.POST, item)
        if not user.id_number:
            errors["id_number"] = ["网上预约需要实名账号；也可以拨打网点电话预约"]
        if not errors and item is not None and slot is not None:
            try:
                appointment = appointment_book(
                    actor=user,
                    slot=slot,
                    item=item,
                    id_number=user.id_number,
                    name=user.display_name or user.username,
                    phone=request.POST.get("phone", "")[:20],
                    channel=AppointmentChannel.WEB,
                )
            except ApiError as error:
                errors = error.fields or {"slot": [error.message]}
            else:
                return HttpResponseRedirect(reverse("appointments:detail", args=[appointment.pk]))
    days, day, slots = slot_choices(point, day_or_none(source.get("date")), item, now)
    return render(
        request,
        "appointments/book.html",
        {
            "point": point,
            "items": items,
            "item": item,
            "days": days,
            "day": day,
            "slots": slots,
            "errors": errors,
            "phone": request.POST.get("phone", user.phone)
            if request.method == "POST"
            else user.phone,
        },
        status=422 if errors else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = (
        appointments_of(user)
        .select_related("slot__point", "item")
        .order_by("-slot__starts_at", "-pk")
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "appointments/mine.html", {"page": page})


def _access(request: HttpRequest, appointment_id: int):  # type: ignore[no-untyped-def]
    try:
        return access_appointment(user=_user(request), appointment_id=appointment_id)
    except NotFound as error:
        raise Http404(error.message) from None


@login_required
def detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _access(request, appointment_id)
    appointment_read_audit(actor=_user(request), appointment=appointment)
    return render(
        request,
        "appointments/detail.html",
        {
            "a": appointment,
            "qr": number_qr(appointment.number),
            "booked": appointment.status == AppointmentStatus.BOOKED,
        },
    )


@login_required
def move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _access(request, appointment_id)
    point = appointment.slot.point
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        slot, errors = posted_slot(point, request.POST, None, item_needed=False)
        if slot is not None:
            try:
                appointment_move(actor=_user(request), appointment=appointment, slot=slot)
            except ApiError as error:
                errors = error.fields or {"slot": [error.message]}
            else:
                return HttpResponseRedirect(reverse("appointments:detail", args=[appointment.pk]))
    source = request.POST if request.method == "POST" else request.GET
    days, day, slots = slot_choices(point, day_or_none(source.get("date")), appointment.item, now)
    return render(
        request,
        "appointments/move.html",
        {"a": appointment, "days": days, "day": day, "slots": slots, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _access(request, appointment_id)
    with contextlib.suppress(ApiError):  # already cancelled or checked in: the page says so
        appointment_cancel(actor=_user(request), appointment=appointment)
    return HttpResponseRedirect(reverse("appointments:detail", args=[appointment.pk]))
