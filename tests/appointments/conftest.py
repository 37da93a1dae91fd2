"""The 济南 points as shipped, slots at the 历下区 hall tomorrow, and people to book them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.appointments.models import Slot, WindowType
from kuaiban.appointments.services import slots_generate
from kuaiban.catalogue.models import ServiceItem
from kuaiban.servicepoints.models import ServicePoint
from tests.conftest import make_id_number
from tests.servicepoints.conftest import points_world  # noqa: F401  (a fixture)

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def hall(points_world: None) -> ServicePoint:  # noqa: F811
    hall = ServicePoint.objects.get(code="jn-lixia-hall")
    for window in (WindowType.GENERAL, WindowType.CARD):
        slots_generate(
            point=hall,
            days=[TOMORROW],
            window_type=window,
            times=[(dt.time(9, 0), dt.time(9, 30)), (dt.time(9, 30), dt.time(10, 0))],
            capacity=2,
        )
    return hall


def slot_at(hall: ServicePoint, hour: int, minute: int, window: str = WindowType.CARD) -> Slot:
    return Slot.objects.get(
        point=hall,
        window_type=window,
        starts_at=dt.datetime.combine(
            TOMORROW, dt.time(hour, minute), tzinfo=timezone.get_default_timezone()
        ),
    )


@pytest.fixture
def card_item(points_world: None) -> ServiceItem:  # noqa: F811
    return ServiceItem.objects.get(code="1.10.8")


_serial = iter(range(100, 999))


@pytest.fixture
def person(db: None):  # type: ignore[no-untyped-def]
    def make(*, birth: str = "19900101", username: str | None = None) -> User:
        n = next(_serial)
        return User.objects.create_user(
            username=username or f"p{n}",
            password="correct horse battery",
            role=Role.PERSON,
            id_number=make_id_number(birth=birth, seq=f"{n:03d}"),
            phone="13812345678",
            display_name=f"申请人{n}",
        )

    return make
