"""Check-in, walk-in numbers, 绿色通道 (age from the ID number, registered disability) and the
calling order: 绿色通道, then appointments, then walk-ins, each in the order issued."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from kuaiban.accounts.models import User
from kuaiban.appointments.models import (
    AppointmentChannel,
    AppointmentStatus,
    GreenReason,
    TicketKind,
    TicketStatus,
    WindowType,
)
from kuaiban.appointments.rules import age_on, green_reason
from kuaiban.appointments.services import (
    appointment_book,
    appointment_check_in,
    ticket_call_next,
    ticket_skip,
    ticket_take,
)
from kuaiban.core.errors import Conflict, NotFound
from kuaiban.shareddata.connectors.base import DISABILITY_CARD
from kuaiban.shareddata.models import ECertificate, Person
from tests.appointments.conftest import slot_at
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db


def test_age_in_completed_years() -> None:
    assert age_on(dt.date(1966, 3, 15), dt.date(2026, 3, 14)) == 59
    assert age_on(dt.date(1966, 3, 15), dt.date(2026, 3, 15)) == 60


@override_settings(KUAIBAN_GREEN_CHANNEL_AGE=60)
def test_green_channel_from_the_id_number_or_a_disability() -> None:
    day = dt.date(2026, 12, 2)
    sixty = make_id_number(birth="19661202")
    younger = make_id_number(birth="19661203")
    assert green_reason(sixty, on=day, disabled=False) == GreenReason.AGE
    assert green_reason(younger, on=day, disabled=False) == ""
    assert green_reason(younger, on=day, disabled=True) == GreenReason.DISABILITY
    with override_settings(KUAIBAN_GREEN_CHANNEL_AGE=70):
        assert green_reason(sixty, on=day, disabled=False) == ""


@override_settings(KUAIBAN_GREEN_CHANNEL_AGE=60)
def test_the_calling_order_with_a_green_channel_ticket(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    clerk = User.objects.get(username="clerk-lixia")
    booker = person(birth="19900101")
    slot = slot_at(hall, 9, 0)
    appointment = appointment_book(
        actor=booker,
        slot=slot,
        item=card_item,
        id_number=booker.id_number,
        name="预约人",
        phone="13812345678",
        channel=AppointmentChannel.WEB,
    )
    at = slot.starts_at - dt.timedelta(minutes=20)
    walk_in = ticket_take(actor=clerk, point=hall, window_type=WindowType.CARD, now=at)
    booked = appointment_check_in(
        actor=clerk, point=hall, code=appointment.number, now=at + dt.timedelta(minutes=1)
    )
    # A registered disabled person (残疾人证 in shared data) and a 70-year-old, later still.
    disabled_id = make_id_number(birth="19800101", seq="517")
    person_row = Person.objects.create(
        id_number=disabled_id,
        name="某",
        gender="男",
        birth_date=dt.date(1980, 1, 1),
        address="济南市历下区经十路1号",
        region_code="370102",
    )
    ECertificate.objects.create(
        person=person_row,
        kind=DISABILITY_CARD,
        number="37010219800101517",
        issued_on=dt.date(2010, 1, 1),
    )
    disabled = ticket_take(
        actor=clerk,
        point=hall,
        window_type=WindowType.CARD,
        id_number=disabled_id,
        now=at + dt.timedelta(minutes=2),
    )
    elder = ticket_take(
        actor=clerk,
        point=hall,
        window_type=WindowType.CARD,
        id_number=make_id_number(birth="19560101", seq="333"),
        now=at + dt.timedelta(minutes=3),
    )
    other_window = ticket_take(actor=clerk, point=hall, window_type=WindowType.GENERAL, now=at)

    assert [walk_in.label, booked.label, disabled.label, elder.label] == [
        "A001",
        "Y002",
        "L003",
        "L004",
    ]
    assert (disabled.green_reason, elder.green_reason) == (GreenReason.DISABILITY, GreenReason.AGE)
    assert booked.kind == TicketKind.APPOINTMENT
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN

    called = []
    for minute in range(5):
        ticket = ticket_call_next(
            actor=clerk,
            point=hall,
            window_type=WindowType.CARD,
            window_label="3号窗口",
            now=at + dt.timedelta(minutes=10 + minute),
        )
        called.append(ticket.label if ticket else None)
    assert called == ["L003", "L004", "Y002", "A001", None]
    # The previous ticket of the window is done when the next is called; the other window's waits.
    walk_in.refresh_from_db(), other_window.refresh_from_db()
    assert walk_in.status == TicketStatus.DONE and other_window.status == TicketStatus.WAITING


def test_check_in_needs_todays_appointment_at_this_point(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    clerk = User.objects.get(username="clerk-lixia")
    user = person()
    slot = slot_at(hall, 9, 30)
    appointment = appointment_book(
        actor=user,
        slot=slot,
        item=card_item,
        id_number=user.id_number,
        name="某",
        phone="13812345678",
        channel=AppointmentChannel.WEB,
    )
    with pytest.raises(Conflict):  # too early: check-in opens an hour before
        appointment_check_in(
            actor=clerk,
            point=hall,
            code=appointment.number,
            now=slot.starts_at - dt.timedelta(hours=2),
        )
    with pytest.raises(NotFound):
        appointment_check_in(actor=clerk, point=hall, code="00000000", now=slot.starts_at)
    # By ID number instead of the appointment number.
    ticket = appointment_check_in(actor=clerk, point=hall, code=user.id_number, now=slot.starts_at)
    assert ticket.appointment == appointment
    with pytest.raises(NotFound):  # checked in already: no booked appointment left
        appointment_check_in(actor=clerk, point=hall, code=appointment.number, now=slot.starts_at)


def test_skip_marks_the_called_ticket(hall) -> None:  # type: ignore[no-untyped-def]
    clerk = User.objects.get(username="clerk-lixia")
    ticket = ticket_take(actor=clerk, point=hall, window_type=WindowType.GENERAL)
    ticket_call_next(
        actor=clerk, point=hall, window_type=WindowType.GENERAL, window_label="1号窗口"
    )
    assert ticket_skip(actor=clerk, point=hall, window_label="1号窗口") == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SKIPPED
