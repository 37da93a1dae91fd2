"""`/api/v1/appointments/slots` (public), `/api/v1/appointments` (the caller's own: book, list,
read, move, cancel). Another person's appointment is a 404, like a missing one."""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict

from kuaiban.accounts.api_auth import api_auth
from kuaiban.accounts.models import User
from kuaiban.appointments.models import Appointment, AppointmentChannel, Slot
from kuaiban.appointments.selectors import access_appointment, appointments_of, slots_for
from kuaiban.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointment_read_audit,
)
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.errors import ApiError, ErrorOut, NotFound, Unprocessable
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code
from kuaiban.servicepoints.selectors import access_point

router = Router(tags=["预约"])


class SlotOut(Schema):
    id: int
    point: int
    window_type: str = Field(description="general 综合受理窗口 / card 社会保障卡窗口")
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    remaining: int = Field(description="尚可预约的人数")


def slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        id=slot.pk,
        point=slot.point_id,
        window_type=slot.window_type,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        capacity=slot.capacity,
        remaining=slot.remaining,
    )


class SlotFilter(Schema):
    point: ObjectId = Field(description="服务网点 id（/api/v1/service-points）")
    date: dt.date = Field(description="日期 YYYY-MM-DD（北京时间）")


@router.get(
    "/appointments/slots",
    response={200: list[SlotOut], 404: ErrorOut},
    summary="一个网点某天的预约时段与余量",
    auth=None,
)
def slots(request: HttpRequest, filters: Query[SlotFilter]) -> list[SlotOut]:
    point = access_point(point_id=filters.point)
    return [slot_out(s) for s in slots_for(point=point, day=filters.date)]


class AppointmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    point: ObjectId = Field(description="服务网点 id")
    item: Code = Field(description="事项编码，如 1.10.8")
    slot: ObjectId = Field(description="时段 id（/api/v1/appointments/slots）")
    phone: str | None = Field(
        None, max_length=20, description="接收提醒短信的手机号；不填用账号的手机号"
    )


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slot: ObjectId = Field(description="同一网点的新时段 id")


class AppointmentOut(Schema):
    id: int
    number: str = Field(description="预约号：签到时出示（或出示其二维码）")
    status: str = Field(
        description="booked 已预约 / checked_in 已签到 / cancelled 已取消 / no_show 爽约"
    )
    status_label: str
    point: int
    point_name: str
    item: str = Field(description="事项编码")
    item_name: str
    slot: SlotOut
    channel: str = Field(description="web / api / phone")
    id_number: str = Field(description="身份证号（脱敏）")
    phone: str = Field(description="手机号（脱敏）")


def appointment_out(a: Appointment) -> AppointmentOut:
    return AppointmentOut(
        id=a.pk,
        number=a.number,
        status=a.status,
        status_label=str(a.get_status_display()),
        point=a.slot.point_id,
        point_name=a.slot.point.name,
        item=a.item.code,
        item_name=a.item.name,
        slot=slot_out(a.slot),
        channel=a.channel,
        id_number=mask_id_number(a.id_number),
        phone=mask_phone(a.phone),
    )


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _access(request: HttpRequest, appointment_id: int) -> Appointment:
    return access_appointment(user=_user(request), appointment_id=appointment_id)


@router.post(
    "/appointments",
    response={201: AppointmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="预约：本人在某网点某时段办理某事项（约满 409，爽约过多 403）",
    auth=api_auth,
)
def book(request: HttpRequest, payload: AppointmentIn) -> Status[AppointmentOut]:
    user = _user(request)
    if not user.id_number:
        raise ApiError("预约需要实名的个人账号", code="forbidden", status=403)
    slot = Slot.objects.select_related("point").filter(pk=payload.slot).first()
    if slot is None or slot.point_id != payload.point:
        raise Unprocessable("时段不正确", fields={"slot": ["不是该网点的时段"]})
    access_point(point_id=payload.point)
    item = ServiceItem.objects.current().filter(code=payload.item).first()
    if item is None:
        raise Unprocessable("事项不正确", fields={"item": ["没有这个服务事项"]})
    appointment = appointment_book(
        actor=user,
        slot=slot,
        item=item,
        id_number=user.id_number,
        name=user.display_name or user.username,
        phone=payload.phone or user.phone,
        channel=AppointmentChannel.API,
    )
    return Status(201, appointment_out(appointment))


@router.get(
    "/appointments",
    response=list[AppointmentOut],
    summary="本人的预约，最近的在前",
    auth=api_auth,
)
@paginate(BoundedPageNumberPagination, page_size=20)
def mine(request: HttpRequest) -> object:
    return [
        appointment_out(a)
        for a in appointments_of(_user(request))
        .select_related("slot__point", "item")
        .order_by("-slot__starts_at", "-pk")
    ]


@router.get(
    "/appointments/{appointment_id}", response=AppointmentOut, summary="一个预约", auth=api_auth
)
def detail(request: HttpRequest, appointment_id: ObjectId) -> AppointmentOut:
    appointment = _access(request, appointment_id)
    appointment_read_audit(actor=_user(request), appointment=appointment)
    return appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/move",
    response={200: AppointmentOut, 409: ErrorOut},
    summary="改约到同一网点的其他时段（新时段约满 409）",
    auth=api_auth,
)
def move(request: HttpRequest, appointment_id: ObjectId, payload: MoveIn) -> AppointmentOut:
    appointment = _access(request, appointment_id)
    slot = Slot.objects.select_related("point").filter(pk=payload.slot).first()
    if slot is None:
        raise NotFound("时段不存在")
    return appointment_out(
        appointment_move(actor=_user(request), appointment=appointment, slot=slot)
    )


@router.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, 409: ErrorOut},
    summary="取消预约",
    auth=api_auth,
)
def cancel(request: HttpRequest, appointment_id: ObjectId) -> AppointmentOut:
    appointment = _access(request, appointment_id)
    return appointment_out(
        appointment_cancel(actor=_user(request), appointment=appointment, now=timezone.now())
    )
