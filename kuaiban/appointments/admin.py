"""Slots are set up and adjusted in the admin (capacity, times); appointments and queue tickets
are shown read-only there, identifiers masked — they change only through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kuaiban.appointments.models import Appointment, QueueTicket, Slot
from kuaiban.core.masking import mask_id_number, mask_phone


class SlotForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Slot
        fields = ["point", "window_type", "starts_at", "ends_at", "capacity"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        capacity = cleaned.get("capacity")
        if capacity is not None and self.instance.pk and capacity < self.instance.booked:
            self.add_error(
                "capacity", f"已有 {self.instance.booked} 人预约，可预约人数不能少于此数"
            )
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "结束时间应晚于开始时间")
        return cleaned


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin[Slot]):
    form = SlotForm
    list_display = ["point", "window_type", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["window_type", "point__region", "point"]
    date_hierarchy = "starts_at"
    readonly_fields = ["booked"]

    def save_model(self, request: HttpRequest, obj: Slot, form: Any, change: bool) -> None:
        # The count of places taken is never written from the form (bookings move it).
        if change:
            Slot.objects.filter(pk=obj.pk, booked__lte=obj.capacity).update(
                point=obj.point,
                window_type=obj.window_type,
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                capacity=obj.capacity,
            )
        else:
            obj.booked = 0
            obj.save()


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


_APPOINTMENT_FIELDS: tuple[str, ...] = (
    "number",
    "slot",
    "item",
    "name",
    "masked_id",
    "masked_phone",
    "channel",
    "status",
    "created_at",
    "changed_at",
)
_TICKET_FIELDS: tuple[str, ...] = (
    "label",
    "point",
    "day",
    "window_type",
    "kind",
    "green_reason",
    "status",
    "issued_at",
    "called_at",
    "window_label",
)


@admin.register(Appointment)
class AppointmentAdmin(_ReadOnly, admin.ModelAdmin[Appointment]):
    list_display = [
        "number",
        "slot",
        "item",
        "name",
        "masked_id",
        "masked_phone",
        "channel",
        "status",
    ]
    list_filter = ["status", "channel", "slot__point"]
    search_fields = ["number"]
    fields = _APPOINTMENT_FIELDS
    readonly_fields = _APPOINTMENT_FIELDS

    @admin.display(description="居民身份证号")
    def masked_id(self, obj: Appointment) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description="手机号")
    def masked_phone(self, obj: Appointment) -> str:
        return mask_phone(obj.phone)


@admin.register(QueueTicket)
class QueueTicketAdmin(_ReadOnly, admin.ModelAdmin[QueueTicket]):
    list_display = [
        "label",
        "point",
        "day",
        "window_type",
        "kind",
        "green_reason",
        "status",
        "window_label",
    ]
    list_filter = ["day", "kind", "status", "point"]
    fields = _TICKET_FIELDS
    readonly_fields = _TICKET_FIELDS
