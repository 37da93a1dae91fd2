"""上门办: a request by the person, a family member or a clerk becomes a visit with an owner of
the region and a date; the application taken at home is a window application noted 上门办 and
closes the visit; a visit without one records its outcome; everyone else gets 404."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.api import _submission
from kuaiban.applications.models import Application
from kuaiban.applications.schemas import ApplicationIn
from kuaiban.applications.services import HOME_VISIT_NOTE, application_submit
from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.errors import ApiError
from kuaiban.core.models import AuditEvent
from kuaiban.homevisits.models import HomeVisit, RequestedAs, VisitOutcome, VisitStatus
from kuaiban.shareddata.models import Person
from tests.applications.helpers import pdf, retirement_body
from tests.worlds import NOW

pytestmark = pytest.mark.django_db
ZHANG = "370102196503121234"
TOMORROW = (NOW + dt.timedelta(days=1)).date().isoformat()


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A family member asks for 张建国, bedridden, to retire (the form and the API take the same).
VISIT = {
    "person_name": "张建国",
    "person_id_number": ZHANG,
    "phone": "13905310001",
    "region": "370102",
    "address": "历下区文化东路 1 号 3 单元 201",
    "reason": "ill",
    "item": "1.6.1",
    "need": "卧床，办理退休",
}


def _request(client: Client, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/home-visits/new/", {**VISIT, **extra})


def _scheduled(world) -> HomeVisit:  # type: ignore[no-untyped-def]
    assert _request(as_user(world["wangfang"])).status_code == 302
    visit = HomeVisit.objects.get()
    clerk = as_user(world["clerk-lixia"])
    answer = clerk.post(
        f"/home-visits/{visit.pk}/schedule",
        {"owner": "clerk-lixia", "scheduled_for": TOMORROW, "version": visit.version},
    )
    assert answer.status_code == 302
    visit.refresh_from_db()
    return visit


def _at_home(clerk: User, visit_id: int):  # type: ignore[no-untyped-def]
    body = retirement_body(
        channel="window",
        applicant={"id_number": ZHANG, "name": "张建国", "phone": "13905310001"},
    )
    data = _submission(ApplicationIn(**body), {"personnel_archive": pdf()})
    return application_submit(actor=clerk, data=dataclasses.replace(data, home_visit=visit_id))


def test_a_family_member_asks_and_a_clerk_of_the_region_schedules_it(world) -> None:  # type: ignore[no-untyped-def]
    visit = _scheduled(world)
    assert visit.requested_as == RequestedAs.FAMILY and visit.requested_by == world["wangfang"]
    assert visit.status == VisitStatus.SCHEDULED and visit.owner == world["clerk-lixia"]
    assert visit.scheduled_for.isoformat() == TOMORROW
    event = AuditEvent.objects.get(action="home_visit.request")
    assert ZHANG not in str(event.changes)
    # He sees it too, as the person visited.
    assert as_user(world["zhangjianguo"]).get(f"/home-visits/{visit.pk}/").status_code == 200
    listed = as_user(world["clerk-lixia"]).get("/home-visits/").content.decode()
    assert visit.number in listed and ZHANG not in listed  # masked in the list


def test_the_application_taken_at_home_is_a_window_application_noted_and_closes_the_visit(
    world,
) -> None:  # type: ignore[no-untyped-def]
    visit = _scheduled(world)
    clerk = world["clerk-lixia"]
    started = as_user(clerk).post(f"/home-visits/{visit.pk}/apply")
    assert started.status_code == 302 and started["Location"] == "/apply/"
    result = _at_home(clerk, visit.pk)
    application = result.application
    assert application.channel == "window" and application.note == HOME_VISIT_NOTE
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.outcome == VisitOutcome.APPLIED
    assert visit.application == application
    receipt = as_user(clerk).get(f"/me/applications/{application.number}/receipt/").content.decode()
    assert "受理说明" in receipt and HOME_VISIT_NOTE in receipt
    assert "职工退休（正常退休）" in receipt  # the situation by name, without its number
    # The same visit cannot close a second application.
    with pytest.raises(ApiError):
        _at_home(clerk, visit.pk)
    assert Application.objects.count() == 1


def test_another_clerk_cannot_take_an_application_on_the_visit(world) -> None:  # type: ignore[no-untyped-def]
    visit = _scheduled(world)
    with pytest.raises(ApiError) as refused:
        _at_home(world["clerk-jinan"], visit.pk)
    assert refused.value.status == 422
    assert not Application.objects.exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def test_a_visit_without_an_application_records_its_outcome(world) -> None:  # type: ignore[no-untyped-def]
    visit = _scheduled(world)
    owner = as_user(world["clerk-lixia"])
    done = owner.post(
        f"/home-visits/{visit.pk}/outcome",
        {"outcome": "answered", "note": "已上门解答，单位代为申请", "version": visit.version},
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.outcome == VisitOutcome.ANSWERED
    assert AuditEvent.objects.filter(action="home_visit.outcome").count() == 1


def test_a_clerk_takes_a_phone_request(world) -> None:  # type: ignore[no-untyped-def]
    assert _request(as_user(world["clerk-lixia"])).status_code == 302
    assert HomeVisit.objects.get().requested_as == RequestedAs.CLERK


def test_bad_input_is_refused_and_nothing_stored(world) -> None:  # type: ignore[no-untyped-def]
    response = _request(as_user(world["wangfang"]), person_id_number="123", region="", reason="x")
    assert response.status_code == 422
    page = response.content.decode()
    assert "请选择上门理由" in page and "请选择上门地址所在的市或区县" in page
    assert not HomeVisit.objects.exists()


@pytest.mark.parametrize(
    "username", ["unit-qilu", "officer-ty-si", "supervisor-jiangsu", "wangfang"]
)
def test_everyone_else_gets_404(world, username: str) -> None:  # type: ignore[no-untyped-def]
    visit = _scheduled(world)
    client = as_user(world[username])
    if username == "wangfang":
        # She asked for it: she sees it, but may not schedule it or act at home.
        assert client.get(f"/home-visits/{visit.pk}/").status_code == 200
        client.post(
            f"/home-visits/{visit.pk}/schedule",
            {"owner": "wangfang", "scheduled_for": TOMORROW, "version": visit.version},
        )
        visit.refresh_from_db()
        assert visit.owner == world["clerk-lixia"]
        assert client.post(f"/home-visits/{visit.pk}/apply").status_code == 404
        return
    assert client.get(f"/home-visits/{visit.pk}/").status_code == 404
    for action in ("schedule", "outcome", "cancel", "apply"):
        assert client.post(f"/home-visits/{visit.pk}/{action}").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def _address_field(page: str) -> str:
    found = re.search(r'<input[^>]*id="id_address"[^>]*value="([^"]*)"', page)
    assert found, "the address field is on the form"
    return html.unescape(found.group(1))


def test_the_form_is_prefilled_with_the_address_on_file_and_the_read_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(id_number=ZHANG)
    person.address, person.household_address = "山东省济南市历下区泉城路180号", "文化东路56号"
    person.save()
    page = as_user(world["zhangjianguo"]).get("/home-visits/new/").content.decode()
    assert _address_field(page) == "山东省济南市历下区泉城路180号"
    assert "已按您登记的常住地址填写" in page
    read = AuditEvent.objects.get(action="shareddata.read")
    assert read.changes["purpose"] == "上门服务申请：地址" and ZHANG not in read.object_id
    # No 常住地址 on file: the 户籍地址; neither: an empty field and no hint.
    person.address = ""
    person.save()
    page = as_user(world["zhangjianguo"]).get("/home-visits/new/").content.decode()
    assert _address_field(page) == "文化东路56号" and "已按您登记的户籍地址填写" in page
    person.household_address = ""
    person.save()
    page = as_user(world["zhangjianguo"]).get("/home-visits/new/").content.decode()
    assert _address_field(page) == "" and "已按您登记的" not in page
    # The address stays editable: what is posted is what is stored.
    assert (
        _request(as_user(world["zhangjianguo"]), address="历下区某小区 9 号楼 101").status_code
        == 302
    )
    assert HomeVisit.objects.get().address == "历下区某小区 9 号楼 101"


def test_a_clerk_form_is_not_prefilled_with_anyone(world) -> None:  # type: ignore[no-untyped-def]
    page = as_user(world["clerk-lixia"]).get("/home-visits/new/").content.decode()
    assert _address_field(page) == "" and not AuditEvent.objects.filter(action="shareddata.read")


def test_the_items_are_named_without_codes(world) -> None:  # type: ignore[no-untyped-def]
    page = as_user(world["zhangjianguo"]).get("/home-visits/new/").content.decode()
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', page)
    items = [(code, label) for code, label in options if ServiceItem.objects.filter(code=code)]
    assert items and any(label == "职工正常退休（职）申请" for _, label in items)
    for code, label in items:
        assert code not in label and not re.match(r"^[\dA-Z][\d.A-Z-]*\s", label), label
