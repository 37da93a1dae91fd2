"""绿色通道 for a registered disabled person: the 残疾人证 is read through the shared-data
connector — this platform's own tables, or the province's platform over HTTP (a real server on
127.0.0.1, `tests/shareddata_platform.py`) — so the priority holds whichever source a bureau
runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from kuaiban.accounts.models import User
from kuaiban.appointments.models import (
    AppointmentChannel,
    GreenReason,
    TicketKind,
    WindowType,
)
from kuaiban.appointments.services import (
    appointment_book,
    appointment_check_in,
    ticket_call_next,
    ticket_take,
)
from kuaiban.core.models import AuditAction, AuditEvent
from kuaiban.shareddata.connectors.base import DISABILITY_CARD, DISABILITY_CARD_PATH
from kuaiban.shareddata.models import ECertificate, Person
from tests.appointments.conftest import slot_at
from tests.conftest import make_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("green_age")]

DISABLED = make_id_number(birth="19800101", seq="517")  # 46: too young for the age rule
OTHER = make_id_number(birth="19850601", seq="228")
PURPOSE = "绿色通道：残疾人证"


@pytest.fixture
def green_age(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_GREEN_CHANNEL_AGE = 60


def _local_person(id_number: str, *, card: str = "") -> None:
    row = Person.objects.create(
        id_number=id_number,
        name="持证人",
        gender="男",
        birth_date=dt.date(int(id_number[6:10]), 1, 1),
        address="济南市历下区经十路1号",
        region_code="370102",
    )
    if card:
        ECertificate.objects.create(
            person=row, kind=DISABILITY_CARD, number=card, issued_on=dt.date(2010, 1, 1)
        )


def _platform_person(platform, id_number: str, *, card: str = "") -> None:  # type: ignore[no-untyped-def]
    values = {"person.name": "持证人"}
    records = {"person": f"RK-{id_number[-6:]}"}
    if card:
        values[DISABILITY_CARD_PATH] = card
        records["e_certificate"] = f"CJR-{card}"
    platform.person(id_number, values, records)


@pytest.fixture(params=["local", "http"])
def on_file(request, platform, settings):  # type: ignore[no-untyped-def]
    """Puts a person (with or without a 残疾人证) in the source the settings choose."""
    if request.param == "http":
        settings.KUAIBAN_SHARED_DATA = "http"
        settings.KUAIBAN_SHARED_DATA_URL = platform.url
        settings.KUAIBAN_SHARED_DATA_TIMEOUT = 2

        def put(id_number: str, *, card: str = "") -> None:
            _platform_person(platform, id_number, card=card)

        return put
    return _local_person


def _walk_in(hall, id_number: str, minute: int):  # type: ignore[no-untyped-def]
    clerk = User.objects.get(username="clerk-lixia")
    at = dt.datetime(2026, 12, 3, 9, minute, tzinfo=dt.UTC)
    return ticket_take(
        actor=clerk, point=hall, window_type=WindowType.CARD, id_number=id_number, now=at
    )


def test_a_registered_disabled_walk_in_is_called_first(hall, on_file) -> None:  # type: ignore[no-untyped-def]
    on_file(DISABLED, card="37010219800101517")
    on_file(OTHER)
    before = _walk_in(hall, OTHER, 0)
    disabled = _walk_in(hall, DISABLED, 1)

    assert (before.kind, before.green_reason) == (TicketKind.WALK_IN, "")
    assert (disabled.kind, disabled.green_reason) == (TicketKind.GREEN, GreenReason.DISABILITY)
    clerk = User.objects.get(username="clerk-lixia")
    called = ticket_call_next(
        actor=clerk,
        point=hall,
        window_type=WindowType.CARD,
        window_label="1号窗口",
        now=dt.datetime(2026, 12, 3, 9, 5, tzinfo=dt.UTC),
    )
    assert called is not None and called.label == disabled.label
    # The read of the person's shared data is audited, with why it was read.
    reads = AuditEvent.objects.filter(action=AuditAction.SHARED_DATA_READ, actor=clerk)
    assert [r.changes["purpose"] for r in reads] == [PURPOSE, PURPOSE]


def test_a_disabled_person_checking_in_an_appointment_gets_the_green_channel(
    hall, card_item, on_file
) -> None:  # type: ignore[no-untyped-def]
    on_file(DISABLED, card="37010219800101517")
    slot = slot_at(hall, 9, 0)
    appointment = appointment_book(
        actor=User.objects.get(username="clerk-lixia"),
        slot=slot,
        item=card_item,
        id_number=DISABLED,
        name="持证人",
        phone="13812345678",
        channel=AppointmentChannel.PHONE,
    )
    ticket = appointment_check_in(
        actor=User.objects.get(username="clerk-lixia"),
        point=hall,
        code=appointment.number,
        now=slot.starts_at - dt.timedelta(minutes=10),
    )
    assert (ticket.kind, ticket.green_reason) == (TicketKind.GREEN, GreenReason.DISABILITY)
    assert ticket.appointment == appointment


def test_the_platform_decides_not_the_local_table(hall, platform, settings) -> None:  # type: ignore[no-untyped-def]
    """With the HTTP connector a card left in the local table gives nothing: only the
    platform's answer counts (and a card there counts without any local row)."""
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = platform.url
    _local_person(OTHER, card="37010219850601228")
    _platform_person(platform, OTHER)
    _platform_person(platform, DISABLED, card="37010219800101517")

    stale = _walk_in(hall, OTHER, 0)
    disabled = _walk_in(hall, DISABLED, 1)

    assert (stale.kind, disabled.kind) == (TicketKind.WALK_IN, TicketKind.GREEN)
    assert not Person.objects.filter(id_number=DISABLED).exists()
    assert [path for path, _ in platform.requests] == [
        f"/api/persons/{OTHER}",
        f"/api/persons/{DISABLED}",
    ]


def test_an_elderly_person_is_not_looked_up(hall, platform, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = platform.url
    elder = make_id_number(birth="19500101", seq="333")
    ticket = _walk_in(hall, elder, 0)
    assert ticket.green_reason == GreenReason.AGE
    assert platform.requests == []  # the age decides; nobody's data is read for nothing
    assert not AuditEvent.objects.filter(action=AuditAction.SHARED_DATA_READ).exists()


@override_settings(KUAIBAN_SHARED_DATA_TIMEOUT=0.5)
def test_the_hall_still_gives_a_number_when_the_platform_is_down(hall, platform, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = platform.url
    platform.answer(f"/api/persons/{DISABLED}", 503, {"error": "maintenance"})
    client = Client()
    client.force_login(User.objects.get(username="clerk-lixia"))
    answer = client.post(
        f"/hall/{hall.code}/check-in/",
        {"action": "walk_in", "window_type": "card", "walk_in_id": DISABLED},
    )
    assert answer.status_code == 200
    ticket = answer.context["ticket"]
    assert (ticket.kind, ticket.green_reason) == (TicketKind.WALK_IN, "")
    assert platform.requests and platform.requests[0][0] == f"/api/persons/{DISABLED}"
