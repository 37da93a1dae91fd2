"""Book, move, cancel; capacity; the reminder through the outbox; the no-show rule; access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.appointments.models import Appointment, AppointmentChannel, AppointmentStatus
from kuaiban.appointments.notices import appointment_remind
from kuaiban.appointments.selectors import access_appointment, booked_count
from kuaiban.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointments_sweep,
)
from kuaiban.core.errors import ApiError, Conflict, NotFound, Unprocessable
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from tests.appointments.conftest import slot_at

pytestmark = pytest.mark.django_db


def _book(user: User, slot, item, **extra):  # type: ignore[no-untyped-def]
    return appointment_book(
        actor=user,
        slot=slot,
        item=item,
        id_number=user.id_number,
        name=user.display_name,
        phone="13812345678",
        channel=AppointmentChannel.WEB,
        **extra,
    )


def test_booking_takes_a_place_and_queues_the_reminder(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    slot = slot_at(hall, 9, 0)
    appointment = _book(person(), slot, card_item)
    slot.refresh_from_db()
    assert slot.booked == 1 == booked_count(slot=slot)
    assert len(appointment.number) == 8
    reminder = OutboxMessage.objects.get(kind=OutboxKind.APPOINTMENT_REMIND)
    assert reminder.payload == {"appointment": appointment.pk, "slot": slot.pk}
    assert reminder.next_attempt_at == slot.starts_at - dt.timedelta(hours=24) or (
        reminder.next_attempt_at <= timezone.now()  # the slot is less than a day away
    )
    event = AuditEvent.objects.get(action="appointment.book")
    assert "*" in event.changes["id_number"] and "*" in event.changes["phone"]


def test_a_full_slot_refuses_the_next_booking(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    slot = slot_at(hall, 9, 0)  # capacity 2
    _book(person(), slot, card_item)
    _book(person(), slot, card_item)
    with pytest.raises(Conflict):
        _book(person(), slot, card_item)
    slot.refresh_from_db()
    assert slot.booked == 2 == Appointment.objects.filter(slot=slot).count()


def test_one_person_books_a_slot_once(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    slot, user = slot_at(hall, 9, 0), person()
    _book(user, slot, card_item)
    with pytest.raises(Conflict):
        _book(user, slot, card_item)
    slot.refresh_from_db()
    assert slot.booked == 1  # the refused booking gave its place back (one transaction)


def test_the_card_window_takes_only_card_items(hall, person) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.catalogue.models import ServiceItem

    other = ServiceItem.objects.get(code="L-rights-record-print")
    with pytest.raises(Unprocessable) as refused:
        _book(person(), slot_at(hall, 9, 0), other)
    assert "slot" in (refused.value.fields or {})
    assert _book(person(), slot_at(hall, 9, 0, "general"), other).pk


def test_bad_input_is_refused_and_nothing_is_stored(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    user, slot = person(), slot_at(hall, 9, 0)
    with pytest.raises(Unprocessable) as refused:
        appointment_book(
            actor=user,
            slot=slot,
            item=card_item,
            id_number="123",
            name="",
            phone="12",
            channel=AppointmentChannel.WEB,
        )
    assert set(refused.value.fields or {}) == {"id_number", "name", "phone"}
    slot.refresh_from_db()
    assert (
        slot.booked == 0 and not Appointment.objects.exists() and not OutboxMessage.objects.exists()
    )


def test_move_and_cancel_keep_the_counts(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    first, second = slot_at(hall, 9, 0), slot_at(hall, 9, 30)
    appointment = _book(person(), first, card_item)
    appointment_move(actor=appointment.applicant, appointment=appointment, slot=second)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    keys = set(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"appointment.remind:{appointment.pk}:{first.pk}",
        f"appointment.remind:{appointment.pk}:{second.pk}",
    }
    appointment_cancel(actor=appointment.applicant, appointment=appointment)
    second.refresh_from_db()
    assert second.booked == 0
    with pytest.raises(Conflict):
        appointment_cancel(actor=appointment.applicant, appointment=appointment)


def test_the_reminder_is_sent_only_for_the_current_slot(hall, card_item, person, caplog) -> None:  # type: ignore[no-untyped-def]
    first, second = slot_at(hall, 9, 0), slot_at(hall, 9, 30)
    appointment = _book(person(), first, card_item)
    old = OutboxMessage.objects.get()
    appointment_move(actor=appointment.applicant, appointment=appointment, slot=second)
    new = OutboxMessage.objects.exclude(pk=old.pk).get()
    assert appointment_remind(old) == "无需提醒：预约已改到其他时段"
    with caplog.at_level("INFO", logger="kuaiban.notify"):
        assert appointment_remind(new) == "已发送"
    assert appointment.number in caplog.text and "138****5678" in caplog.text
    appointment_cancel(actor=appointment.applicant, appointment=appointment)
    assert appointment_remind(new).startswith("无需提醒")


@override_settings(
    KUAIBAN_NO_SHOW_LIMIT=2, KUAIBAN_NO_SHOW_WINDOW_DAYS=90, KUAIBAN_NO_SHOW_BLOCK_DAYS=30
)
def test_no_shows_block_booking_for_the_set_days(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    user = person()
    missed = [
        _book(user, slot_at(hall, 9, 0), card_item),
        _book(user, slot_at(hall, 9, 30), card_item),
    ]
    after = slot_at(hall, 9, 30).ends_at + dt.timedelta(hours=1)
    # The day after, two missed slots: booking is refused until 30 days after the last one.
    later = slot_at(hall, 9, 0, "general")
    later.starts_at, later.ends_at = (
        after + dt.timedelta(days=2),
        after + dt.timedelta(days=2, minutes=30),
    )
    later.save()
    with pytest.raises(ApiError) as refused:
        _book(user, later, card_item, now=after)
    assert refused.value.status == 403 and refused.value.code == "booking_blocked"
    # The same rule after the sweep has marked them.
    assert appointments_sweep(now=after) == 2
    assert {a.status for a in Appointment.objects.filter(pk__in=[m.pk for m in missed])} == {
        AppointmentStatus.NO_SHOW
    }
    with pytest.raises(ApiError):
        _book(user, later, card_item, now=after)
    # Someone else books the same slot.
    assert _book(person(), later, card_item, now=after).pk
    # 31 days after the last no-show the block has lifted.
    later.starts_at, later.ends_at = (
        after + dt.timedelta(days=40),
        after + dt.timedelta(days=40, minutes=30),
    )
    later.save()
    assert _book(user, later, card_item, now=after + dt.timedelta(days=31)).pk


def test_another_persons_appointment_is_not_found(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    owner, stranger = person(), person()
    appointment = _book(owner, slot_at(hall, 9, 0), card_item)
    assert access_appointment(user=owner, appointment_id=appointment.pk) == appointment
    with pytest.raises(NotFound):
        access_appointment(user=stranger, appointment_id=appointment.pk)
    with pytest.raises(NotFound):
        access_appointment(user=owner, appointment_id=appointment.pk + 1000)
    # A clerk of the hall's district sees it; a clerk of 太原 does not.
    lixia = User.objects.get(username="clerk-lixia")
    assert access_appointment(user=lixia, appointment_id=appointment.pk) == appointment
    from kuaiban.catalogue.models import Region

    taiyuan = User.objects.create_user(
        username="clerk-ty",
        password="x" * 12,
        role=Role.CLERK,
        region=Region.objects.get(code="140100"),
    )
    with pytest.raises(NotFound):
        access_appointment(user=taiyuan, appointment_id=appointment.pk)


def test_the_worker_cycle_marks_missed_appointments(hall, card_item, person) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.deliveries.runner import WorkerLoop

    slot = slot_at(hall, 9, 0)
    missed = _book(person(), slot, card_item)
    kept = _book(person(), slot_at(hall, 9, 30), card_item)
    # The first slot is over, the second has not started.
    type(slot).objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    WorkerLoop(worker_id="test").run_pass(sweep=True)
    missed.refresh_from_db(), kept.refresh_from_db()
    assert (missed.status, kept.status) == (AppointmentStatus.NO_SHOW, AppointmentStatus.BOOKED)
