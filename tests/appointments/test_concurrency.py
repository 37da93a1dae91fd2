"""Two bookings for the last place at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from kuaiban.appointments import services
from kuaiban.appointments.models import Appointment, AppointmentChannel
from kuaiban.appointments.selectors import booked_count
from kuaiban.core.errors import Conflict
from tests.appointments.conftest import slot_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks tables instead of waiting",
)
def test_two_bookings_at_once_for_the_last_place_end_in_one(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    slot = slot_at(hall, 9, 0)
    first = services.appointment_book(
        actor=person(),
        slot=slot,
        item=card_item,
        id_number=person().id_number,
        name="先到",
        phone="13812345678",
        channel=AppointmentChannel.WEB,
    )
    assert first.pk  # one place of two is taken; two people now race for the last one
    racers = [person(), person()]
    barrier = threading.Barrier(2, timeout=20)
    check = services._slot_check

    def together(**kwargs: Any) -> None:
        check(**kwargs)
        barrier.wait()  # both have passed every check before either takes the place

    outcomes: list[str] = []

    def book(user) -> None:  # type: ignore[no-untyped-def]
        try:
            services.appointment_book(
                actor=user,
                slot=slot,
                item=card_item,
                id_number=user.id_number,
                name="抢号",
                phone="13812345678",
                channel=AppointmentChannel.API,
            )
            outcomes.append("booked")
        except Conflict:
            outcomes.append("full")
        finally:
            connection.close()

    with mock.patch.object(services, "_slot_check", together):
        threads = [threading.Thread(target=book, args=(u,)) for u in racers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    assert sorted(outcomes) == ["booked", "full"]
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == 2 == booked_count(slot=slot)
    assert Appointment.objects.filter(slot=slot).count() == 2
