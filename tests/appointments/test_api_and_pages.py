"""The API (`/api/v1/service-points`, `/api/v1/appointments/slots`, `/api/v1/appointments`) and the
pages over HTTP: the owner only (404 for others), 4xx for bad input, the document lists them."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.appointments.models import Appointment, AppointmentStatus, QueueTicket
from kuaiban.catalogue.models import ItemTarget, ServiceItem
from kuaiban.servicepoints.models import ServicePoint
from tests.appointments.conftest import TOMORROW, slot_at

pytestmark = pytest.mark.django_db


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_service_points_nearest_first_with_distance(hall, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/service-points", {"item": "1.10.8", "address": "历下区泉城路"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["code"] == "jn-icbc-quancheng" and items[0]["decides_item"] is True
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances) and all(i["walk_minutes"] >= 1 for i in items)
    near = client.get("/api/v1/service-points", {"near": "37.8635,112.5590", "page_size": 1})
    assert (
        near.json()["items"][0]["code"] == "ty-icbc-yingze"
        and near.json()["items"][0]["distance_m"] == 0
    )
    detail = client.get(f"/api/v1/service-points/{items[0]['id']}").json()
    assert "1.10.8" in detail["accepts"] and "1.10.8" in detail["decides"]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"near": "91,117"}, "near"),
        ({"near": "abc"}, "near"),
        ({"item": "no-such"}, "item"),
        ({"address": "火星某路"}, "address"),
        ({"region": "999999"}, "region"),
    ],
)
def test_bad_searches_are_422_by_field(hall, client, query, field) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/service-points", query)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_slots_book_move_cancel_over_the_api(hall, person) -> None:  # type: ignore[no-untyped-def]
    user = person()
    api = as_user(user)
    slots = api.get("/api/v1/appointments/slots", {"point": hall.pk, "date": TOMORROW.isoformat()})
    assert slots.status_code == 200 and len(slots.json()) == 4
    card = slot_at(hall, 9, 0)
    booked = api.post(
        "/api/v1/appointments",
        {"point": hall.pk, "item": "1.10.8", "slot": card.pk},
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    body = booked.json()
    assert body["status"] == "booked" and "*" in body["id_number"] and body["channel"] == "api"
    moved = api.post(
        f"/api/v1/appointments/{body['id']}/move",
        {"slot": slot_at(hall, 9, 30).pk},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == slot_at(hall, 9, 30).pk
    assert api.get("/api/v1/appointments").json()["items"][0]["id"] == body["id"]
    cancelled = api.post(f"/api/v1/appointments/{body['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/appointments/{body['id']}/cancel")
    assert again.status_code == 409


def test_the_api_refuses_bad_bookings_without_storing(hall, person) -> None:  # type: ignore[no-untyped-def]
    api = as_user(person())
    other_point = ServicePoint.objects.get(code="jn-city-hall")
    for payload, status in [
        ({"point": other_point.pk, "item": "1.10.8", "slot": slot_at(hall, 9, 0).pk}, 422),
        ({"point": hall.pk, "item": "nope", "slot": slot_at(hall, 9, 0).pk}, 422),
        ({"point": hall.pk, "item": "1.10.8", "slot": 999999}, 422),
        ({"point": hall.pk, "item": "1.10.8"}, 422),
    ]:
        response = api.post("/api/v1/appointments", payload, content_type="application/json")
        assert response.status_code == status, (payload, response.content)
    assert not Appointment.objects.exists()
    assert (
        Client().post("/api/v1/appointments", {}, content_type="application/json").status_code
        == 401
    )


def test_another_persons_appointment_is_404_everywhere(hall, person) -> None:  # type: ignore[no-untyped-def]
    owner, stranger = person(), person()
    response = as_user(owner).post(
        "/api/v1/appointments",
        {"point": hall.pk, "item": "1.10.8", "slot": slot_at(hall, 9, 0).pk},
        content_type="application/json",
    )
    pk = response.json()["id"]
    other = as_user(stranger)
    assert other.get(f"/api/v1/appointments/{pk}").status_code == 404
    assert other.post(f"/api/v1/appointments/{pk}/cancel").status_code == 404
    assert (
        other.post(
            f"/api/v1/appointments/{pk}/move",
            {"slot": slot_at(hall, 9, 30).pk},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert other.get(f"/me/appointments/{pk}/").status_code == 404
    assert other.post(f"/me/appointments/{pk}/cancel/").status_code == 404
    own = as_user(owner).get(f"/me/appointments/{pk}/").content.decode()
    assert "<h1>预约详情</h1>" in own and '<span class="tag">已预约</span>' in own
    assert "重新预约" not in own
    assert other.get("/api/v1/appointments").json()["items"] == []
    assert Appointment.objects.get(pk=pk).status == AppointmentStatus.BOOKED
    as_user(owner).post(f"/me/appointments/{pk}/cancel/")
    cancelled = as_user(owner).get(f"/me/appointments/{pk}/").content.decode()
    assert '<span class="tag">已取消</span>' in cancelled
    assert f"/appointments/book/{hall.code}/?item=1.10.8" in cancelled  # 重新预约, not a dead end


def test_the_document_lists_the_new_operations(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/service-points",
        "/api/v1/service-points/{point_id}",
        "/api/v1/appointments/slots",
        "/api/v1/appointments",
        "/api/v1/appointments/{appointment_id}",
        "/api/v1/appointments/{appointment_id}/move",
        "/api/v1/appointments/{appointment_id}/cancel",
    ):
        assert path in paths, path
    booking = paths["/api/v1/appointments"]["post"]["responses"]
    assert {"201", "401", "403", "409", "422"} <= set(booking)
    assert "404" in paths["/api/v1/appointments/{appointment_id}"]["get"]["responses"]


def test_pages_book_on_the_web_and_the_hall_calls(hall, person) -> None:  # type: ignore[no-untyped-def]
    user = person()
    web = as_user(user)
    page = web.get(f"/appointments/book/{hall.code}/", {"item": "1.10.8"})
    assert page.status_code == 200 and "确认预约" in page.content.decode()
    response = web.post(
        f"/appointments/book/{hall.code}/",
        {"item": "1.10.8", "slot": slot_at(hall, 9, 0).pk, "phone": "13812345678"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    detail = web.get(response["Location"]).content.decode()
    assert appointment.number in detail and "<svg" in detail
    # The clerk of the district checks the person in, calls, and the screen shows it.
    clerk = as_user(User.objects.get(username="clerk-lixia"))
    assert as_user(user).get(f"/hall/{hall.code}/counter/").status_code == 404  # not a clerk
    ticket_page = clerk.post(
        f"/hall/{hall.code}/check-in/", {"action": "walk_in", "window_type": "card"}
    )
    assert ticket_page.status_code == 200 and "A001" in ticket_page.content.decode()
    clerk.post(
        f"/hall/{hall.code}/counter/",
        {"action": "next", "window_type": "card", "window": "2号窗口"},
    )
    screen = Client().get(f"/hall/{hall.code}/screen/").content.decode()
    assert "A001" in screen and "2号窗口" in screen
    assert QueueTicket.objects.get().window_label == "2号窗口"


def test_phone_booking_by_a_clerk(hall) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_id_number

    clerk = as_user(User.objects.get(username="clerk-lixia"))
    response = clerk.post(
        "/hall/phone-booking/",
        {
            "point": hall.code,
            "item": "1.10.8",
            "date": TOMORROW.isoformat(),
            "slot": slot_at(hall, 9, 0).pk,
            "name": "王大爷",
            "id_number": make_id_number(birth="19480101", seq="211"),
            "phone": "13912345678",
        },
    )
    assert response.status_code == 200, response.content.decode()
    appointment = Appointment.objects.get()
    assert appointment.channel == "phone" and appointment.applicant is None
    assert appointment.booked_by.username == "clerk-lixia"
    assert appointment.number in response.content.decode()


def test_the_points_page_and_the_guides_list_nearest_points(hall, client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(
        "/service-points/", {"item": "1.10.8", "address": "历下区泉城路"}
    ).content.decode()
    assert "工商银行济南泉城路支行" in page and "<svg" in page and "步行约" in page
    guide = client.get("/items/1.10.8/", {"address": "历下区泉城路"}).content.decode()
    assert "就近可办的网点" in guide and "工商银行济南泉城路支行" in guide
    bundle = client.get("/packs/shandong-2020/7/").content.decode()
    assert "就近可办的网点" in bundle and "人社服务大厅" in bundle


def test_a_clerk_reading_an_appointment_is_audited_the_owner_is_not(hall, person) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.core.models import AuditEvent

    owner = person()
    pk = (
        as_user(owner)
        .post(
            "/api/v1/appointments",
            {"point": hall.pk, "item": "1.10.8", "slot": slot_at(hall, 9, 0).pk},
            content_type="application/json",
        )
        .json()["id"]
    )
    assert as_user(owner).get(f"/api/v1/appointments/{pk}").status_code == 200
    assert not AuditEvent.objects.filter(action="appointment.read").exists()
    clerk = as_user(User.objects.get(username="clerk-lixia"))
    assert clerk.get(f"/api/v1/appointments/{pk}").status_code == 200
    assert clerk.get(f"/me/appointments/{pk}/").status_code == 200
    reads = AuditEvent.objects.filter(action="appointment.read", object_id=str(pk))
    assert [e.actor_label for e in reads] == ["clerk-lixia", "clerk-lixia"]


def test_the_points_page_runs_the_same_queries_for_more_points(hall, client) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kuaiban.catalogue.models import ServiceItem

    query = {"item": "1.10.8", "address": "历下区泉城路"}
    with CaptureQueriesContext(connection) as before:
        assert client.get("/service-points/", query).status_code == 200
    card = ServiceItem.objects.get(code="1.10.8")
    for n in range(12):  # a dozen more points near by: a full page of new ones
        point = ServicePoint.objects.create(
            code=f"extra-{n}",
            name=f"网点{n}",
            kind="bank",
            region=hall.region,
            address="泉城路",
            latitude=36.665 + n * 0.0001,
            longitude=117.023,
            opening_hours="9:00—17:00",
        )
        point.accepts.add(card)
    with CaptureQueriesContext(connection) as after:
        page = client.get("/service-points/", query).content.decode()
    assert "网点0" in page
    assert len(before.captured_queries) == len(after.captured_queries) <= 8


def test_a_person_is_offered_only_the_items_a_person_can_have_done(hall, person) -> None:  # type: ignore[no-untyped-def]
    accepted = list(ServiceItem.objects.current().filter(accepting_points=hall))
    units_only = [i for i in accepted if i.target == ItemTarget.UNIT]
    for_people = [i for i in accepted if i.target in (ItemTarget.PERSON, ItemTarget.BOTH)]
    assert units_only and for_people  # the hall accepts both kinds
    web = as_user(person())
    page = web.get(f"/appointments/book/{hall.code}/").content.decode()
    assert all(f'value="{i.code}"' in page for i in for_people)
    assert not any(f'value="{i.code}"' in page for i in units_only)
    # Nor can a unit's item be booked by posting its code.
    response = web.post(
        f"/appointments/book/{hall.code}/",
        {"item": units_only[0].code, "slot": slot_at(hall, 9, 0).pk, "phone": "13812345678"},
    )
    assert response.status_code == 422 and not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("3", "3号窗口"), ("3号", "3号窗口"), ("3号窗口", "3号窗口"), ("综合", "综合窗口")],
)
def test_hall_screen_names_the_window_once(hall, typed, shown) -> None:  # type: ignore[no-untyped-def]
    clerk = as_user(User.objects.get(username="clerk-lixia"))
    clerk.post(f"/hall/{hall.code}/check-in/", {"action": "walk_in", "window_type": "card"})
    clerk.post(
        f"/hall/{hall.code}/counter/", {"action": "next", "window_type": "card", "window": typed}
    )
    screen = Client().get(f"/hall/{hall.code}/screen/").content.decode()
    assert f"号到 <strong>{shown}</strong> 办理" in screen
    assert f"</span> {shown}</li>" in screen
    assert "窗口窗口" not in screen


def test_phone_booking_offers_only_what_the_point_takes_and_says_when_it_cannot(hall) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.appointments.hall_views import _served_points

    lixia = User.objects.get(username="clerk-lixia")
    clerk = as_user(lixia)
    # The clerk's point that takes the fewest items: only those are offered.
    point = min(_served_points(lixia), key=lambda p: p.accepts.count())
    taken = set(point.accepts.values_list("code", flat=True))
    others = list(ServiceItem.objects.exclude(code__in=taken).values_list("code", flat=True))
    assert others, "the clerk's points all take every item"
    page = clerk.get("/hall/phone-booking/", {"point": point.code}).content.decode()
    offered = {
        c for c in ServiceItem.objects.values_list("code", flat=True) if f'value="{c}"' in page
    }
    assert offered == taken
    # An item the point does not take: said plainly, not a blank page.
    refused = clerk.get("/hall/phone-booking/", {"point": point.code, "item": others[0]})
    assert refused.status_code == 200
    assert "该网点不办理此事项" in refused.content.decode()
    # Taken, with slots tomorrow: the slots; with none at all: said plainly.
    booking = {"point": hall.code, "item": "1.10.8", "date": TOMORROW.isoformat()}
    assert 'name="slot"' in clerk.get("/hall/phone-booking/", booking).content.decode()
    hall.slots.all().delete()
    empty = clerk.get("/hall/phone-booking/", booking).content.decode()
    assert "该网点暂无可预约时段" in empty and 'name="slot"' not in empty
