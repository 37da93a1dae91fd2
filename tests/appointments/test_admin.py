"""The admin: slots editable (never below the places taken), appointments read-only and masked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.appointments.models import AppointmentChannel, Slot
from kuaiban.appointments.services import appointment_book
from tests.appointments.conftest import slot_at

pytestmark = pytest.mark.django_db


def test_slots_in_the_admin(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x" * 12))
    slot = slot_at(hall, 9, 0)
    booker = person()
    appointment = appointment_book(
        actor=booker,
        slot=slot,
        item=card_item,
        id_number=booker.id_number,
        name="某",
        phone="13812345678",
        channel=AppointmentChannel.WEB,
    )
    form = {
        "point": hall.pk,
        "window_type": slot.window_type,
        "starts_at_0": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": "09:00:00",
        "ends_at_0": timezone.localtime(slot.ends_at).strftime("%Y-%m-%d"),
        "ends_at_1": "09:30:00",
        "capacity": "0",
    }
    url = f"/admin/appointments/slot/{slot.pk}/change/"
    refused = admin.post(url, form)
    assert refused.status_code == 200 and "可预约人数不能少于此数" in refused.content.decode()
    assert admin.post(url, form | {"capacity": "6"}).status_code == 302
    slot = Slot.objects.get(pk=slot.pk)
    assert (slot.capacity, slot.booked) == (6, 1)
    assert timezone.localtime(slot.starts_at).strftime("%H:%M") == "09:00"
    page = admin.get("/admin/appointments/appointment/").content.decode()
    assert appointment.number in page and booker.id_number not in page and "138****5678" in page
    assert admin.get(f"/admin/appointments/appointment/{appointment.pk}/delete/").status_code == 403
