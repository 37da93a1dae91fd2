"""What the accessibility check's pages are about, beyond the application and the report made
in its fixture: an appointment at the 历下区 hall and a called ticket on its screen, two window
visits of zhangjianguo (one rated, one waiting with its personal link), the offers the bureau
found for him, and his record as the employee of the unit 齐鲁精工."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.appointments.models import AppointmentChannel, Slot, WindowType
from kuaiban.appointments.services import (
    appointment_book,
    slots_generate,
    ticket_call_next,
    ticket_take,
)
from kuaiban.catalogue.models import ServiceItem
from kuaiban.proactive.demo import proactive_demo
from kuaiban.proactive.selectors import offers_visible_to
from kuaiban.ratings.links import visit_link_token
from kuaiban.ratings.services import rating_submit_visit, visit_record
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.shareddata.models import Person
from tests.applications.helpers import pdf, post_multipart, retirement_body
from tests.ratings.helpers import as_user, complete
from tests.worlds import NOW

HALL = "jn-lixia-hall"


def hall_objects(person: User) -> dict[str, str]:
    """An appointment tomorrow (with other times to move it to) and a number called today."""
    hall = ServicePoint.objects.get(code=HALL)
    slots_generate(
        point=hall,
        days=[timezone.localdate() + dt.timedelta(days=1)],
        window_type=WindowType.CARD,
        times=[(dt.time(9, 0), dt.time(9, 30)), (dt.time(9, 30), dt.time(10, 0))],
        capacity=2,
    )
    appointment = appointment_book(
        actor=person,
        slot=Slot.objects.filter(point=hall, window_type=WindowType.CARD).earliest("starts_at"),
        item=ServiceItem.objects.get(code="1.10.8"),
        id_number=person.id_number,
        name="张建国",
        phone="13905310001",
        channel=AppointmentChannel.WEB,
    )
    clerk = User.objects.get(username="clerk-lixia")
    for _ in range(2):
        ticket_take(actor=clerk, point=hall, window_type=WindowType.CARD)
    ticket_call_next(actor=clerk, point=hall, window_type=WindowType.CARD, window_label="3号窗口")
    return {"hall": HALL, "appointment": str(appointment.pk)}


def rating_objects(person: User) -> dict[str, str]:
    """A finished application to rate, a window visit he rated low (a rating with its
    follow-up) and one still to rate."""
    with mock.patch.object(timezone, "now", return_value=NOW):
        response = post_multipart(as_user(person), retirement_body(), {"personnel_archive": pdf()})
        assert response.status_code == 201, response.content
        done = complete(Application.objects.get(number=response.json()["number"]))
    clerk = User.objects.get(username="clerk-lixia")
    rated = visit_record(clerk=clerk, applicant=person)
    rating = rating_submit_visit(
        actor=person,
        visit=rated,
        level=2,
        indicators={"efficiency": 2, "skill": 2, "attitude": 1},
        comment="等候时间太长",
    )
    waiting = visit_record(clerk=clerk, applicant=person)
    return {
        "done": done.number,
        "rating": str(rating.pk),
        "window_visit": str(waiting.pk),
        "visit_token": visit_link_token(waiting),
    }


def offer_objects(person: User) -> dict[str, str]:
    """The shipped 免申即办 rules run over the demo's shared data: his offers."""
    proactive_demo(
        author=User.objects.get(username="admin"),
        reviewer=User.objects.get(username="supervisor-sd"),
    )
    offer = offers_visible_to(person).order_by("pk").first()
    assert offer is not None, "the demo's rules found nothing for zhangjianguo"
    return {"offer": str(offer.pk)}


def employee_objects(person: User) -> dict[str, str]:
    """He works at 齐鲁精工 (unit-qilu): the unit's page about him."""
    return {"employee": str(Person.objects.get(id_number=person.id_number).pk)}
