"""The kiosk: identify with ID number and phone tail, query and print, idle ends the session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.core.models import AuditEvent
from tests.selfservice.conftest import ZHANG

pytestmark = pytest.mark.django_db


def _identified() -> Client:
    client = Client()
    answer = client.post("/kiosk/", {"id_number": ZHANG, "phone_tail": "0001"})
    assert answer.status_code == 302 and answer["Location"] == "/kiosk/menu/"
    return client


def test_kiosk_query_and_print(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/insurance/").content.decode()
    assert "kiosk-main" in page and "累计缴费" in page
    assert AuditEvent.objects.filter(changes__channel="kiosk", changes__purpose="社保查询").exists()
    client.get("/kiosk/certificates/")
    issued = client.post("/kiosk/certificates/", {"kind": "contribution_proof"})
    code = issued.context["issued"].code
    assert client.get(f"/kiosk/certificates/{code}.pdf")["Content-Type"] == "application/pdf"
    assert Client().get(f"/kiosk/certificates/{code}.pdf").status_code == 404


def test_kiosk_wrong_phone_refused(intake_world: None) -> None:
    client = Client()
    answer = client.post("/kiosk/", {"id_number": ZHANG, "phone_tail": "9999"})
    assert answer.status_code == 404 and "核验未通过" in answer.content.decode()
    assert client.get("/kiosk/insurance/")["Location"] == "/kiosk/"


def test_kiosk_idle_ends_session(intake_world: None, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_KIOSK_IDLE_SECONDS = 60
    client = _identified()
    assert client.get("/kiosk/menu/").status_code == 200
    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get("/kiosk/menu/")["Location"] == "/kiosk/"
    monkeypatch.undo()
    assert client.get("/kiosk/menu/")["Location"] == "/kiosk/"  # ended, not just paused


def test_every_web_hub_item_is_reachable_at_the_kiosk(intake_world: None) -> None:
    import re

    from tests.selfservice.conftest import as_user

    web = as_user("zhangjianguo").get("/me/services/").content.decode()
    kiosk_client = _identified()
    kiosk = kiosk_client.get("/kiosk/menu/").content.decode()

    def tiles(page: str) -> dict[str, str]:
        return {
            label: href for href, label in re.findall(r'class="tile" href="([^"]+)">([^<]+)<', page)
        }

    web_tiles, kiosk_tiles = tiles(web), tiles(kiosk)
    assert set(web_tiles) == set(kiosk_tiles) and "社会保障卡应用状态查询" in web_tiles
    assert web_tiles["社会保障卡应用状态查询"] == "/me/card/"
    for label, href in kiosk_tiles.items():
        assert href.startswith("/kiosk/"), label
        answer = kiosk_client.get(href)
        assert answer.status_code == 200 and "kiosk-main" in answer.content.decode(), label


def test_kiosk_item_leads_into_the_bundle(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/items/1.8.1/").content.decode()
    assert "失业保险金" in page and "<svg" in page and "kiosk-main" in page
    assert "一件事" in page
    assert client.get("/kiosk/items/1.1.1/").status_code == 404  # not a kiosk item
    assert Client().get("/kiosk/items/1.8.1/")["Location"] == "/kiosk/"


def test_kiosk_card_status_is_read_only_and_audited(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/card/").content.decode()
    assert 'id="card-status"' in page and '<form method="post" action="/me/card' not in page
    assert AuditEvent.objects.filter(action="card.read", changes__channel="kiosk").exists()
    assert Client().get("/kiosk/card/")["Location"] == "/kiosk/"


def _identified_as(id_number: str, phone_tail: str) -> Client:
    client = Client()
    answer = client.post("/kiosk/", {"id_number": id_number, "phone_tail": phone_tail})
    assert answer.status_code == 302, answer.content.decode()
    return client


def _open_exams_today() -> None:
    from kuaiban.selfservice.models import ExamSession

    today = timezone.localdate()  # the world was built on another day: open the exams today
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30)
    )


def test_exam_registration_at_the_kiosk_by_touch_shows_on_the_web_too(
    intake_world: None,
) -> None:
    from kuaiban.selfservice.models import ExamRegistration, ExamSession
    from tests.selfservice.conftest import WANG, as_user

    _open_exams_today()
    session = ExamSession.objects.order_by("exam_on", "pk").first()
    assert session is not None
    client = _identified_as(WANG, "0001")
    menu = client.get("/kiosk/menu/").content.decode()
    assert 'class="tile" href="/kiosk/exams/">专业技术人员资格考试报名<' in menu
    page = client.get("/kiosk/exams/").content.decode()
    assert "kiosk-main" in page and session.name in page and 'type="radio"' in page
    assert 'type="text"' not in page and "<textarea" not in page  # touch only
    answer = client.post("/kiosk/exams/", {"session": session.pk})
    assert answer.status_code == 302 and answer["Location"] == "/kiosk/exams/"
    made = ExamRegistration.objects.get()
    assert (made.applicant, made.channel, made.id_number) == (None, "kiosk", WANG)
    assert made.number in client.get("/kiosk/exams/").content.decode()
    assert AuditEvent.objects.filter(
        object_id=made.number, action="exam.register", changes__channel="kiosk"
    ).exists()
    again = client.post("/kiosk/exams/", {"session": session.pk}, follow=True)
    assert "您已报名该考试" in again.content.decode()
    assert ExamRegistration.objects.count() == 1
    web = as_user("wangfang").get("/api/v1/exam-registrations").json()["items"]
    assert [r["number"] for r in web] == [made.number]
    assert as_user("zhangjianguo").get("/api/v1/exam-registrations").json()["items"] == []


def test_certificate_mailing_at_the_kiosk_goes_to_an_address_on_file(intake_world: None) -> None:
    from kuaiban.selfservice.models import CertificateMailing
    from kuaiban.shareddata.models import Person, SkillCertificate
    from tests.selfservice.conftest import WANG, as_user

    person = Person.objects.get(id_number=WANG)
    certificate = SkillCertificate.objects.get(person=person, kind="professional")
    client = _identified_as(WANG, "0001")
    menu = client.get("/kiosk/menu/").content.decode()
    assert 'class="tile" href="/kiosk/mailings/">职业资格证书邮寄发放<' in menu
    page = client.get("/kiosk/mailings/").content.decode()
    assert person.address in page and person.household_address in page
    assert 'name="address"' not in page and 'name="recipient"' not in page  # nothing to type
    assert person.phone not in page  # the phone on file is shown masked
    forged = client.post(
        "/kiosk/mailings/", {"certificate": certificate.pk, "address_choice": "elsewhere"}
    )
    assert "邮寄信息有误" in forged.content.decode()
    assert not CertificateMailing.objects.exists()
    answer = client.post(
        "/kiosk/mailings/", {"certificate": certificate.pk, "address_choice": "household"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/kiosk/mailings/"
    made = CertificateMailing.objects.get()
    assert (made.recipient, made.phone, made.address) == (
        person.name,
        person.phone,
        person.household_address,
    )
    assert (made.applicant, made.channel) == (None, "kiosk")
    assert made.number in client.get("/kiosk/mailings/").content.decode()
    web = as_user("wangfang").get("/api/v1/certificate-mailings").json()["items"]
    assert [m["number"] for m in web] == [made.number]


def test_kiosk_mailing_without_an_address_on_file_says_where_to_go(intake_world: None) -> None:
    from kuaiban.selfservice.models import CertificateMailing
    from kuaiban.shareddata.models import Person, SkillCertificate
    from tests.selfservice.conftest import WANG

    Person.objects.filter(id_number=WANG).update(address="", household_address="")
    certificate = SkillCertificate.objects.get(person__id_number=WANG, kind="professional")
    client = _identified_as(WANG, "0001")
    page = client.get("/kiosk/mailings/").content.decode()
    assert "没有您的常住地址或户籍地址" in page and 'name="address_choice"' not in page
    client.post("/kiosk/mailings/", {"certificate": certificate.pk, "address_choice": "address"})
    assert not CertificateMailing.objects.exists()
