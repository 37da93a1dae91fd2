"""The 人事考试机构's pages: registrations to review and certificates to mail, paginated, with
optimistic locking; another agency's officer and the applicant get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.core.models import AuditEvent
from kuaiban.selfservice.models import CertificateMailing, ExamRegistration, ExamSession
from kuaiban.shareddata.models import SkillCertificate
from tests.selfservice.conftest import as_user

pytestmark = pytest.mark.django_db


def _registration() -> ExamRegistration:
    today = timezone.localdate()
    ExamSession.objects.update(
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=9)
    )
    made = as_user("wangfang").post(
        "/api/v1/exam-registrations",
        {"session": ExamSession.objects.get().pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    return ExamRegistration.objects.get(number=made.json()["number"])


def _mailing() -> CertificateMailing:
    pk = SkillCertificate.objects.get(number="1900320100000123").pk
    made = as_user("wangfang").post(
        "/api/v1/certificate-mailings",
        {
            "certificate": pk,
            "recipient": "王芳",
            "phone": "13905250001",
            "address": "江苏省南京市玄武区中山路18号",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    return CertificateMailing.objects.get(number=made.json()["number"])


def test_menu_and_strangers(intake_world: None) -> None:
    officer = as_user("officer-jn-exam")
    home = officer.get("/workbench/").content.decode()
    assert "/exam-office/registrations/" in home and "/exam-office/mailings/" in home
    assert "/exam-office/" not in as_user("officer-jn-si").get("/workbench/").content.decode()
    assert officer.get("/exam-office/").url == "/exam-office/registrations/"
    registration = _registration()
    for who in ("officer-jn-si", "wangfang", "clerk-lixia"):
        client = as_user(who)
        assert client.get("/exam-office/").status_code == 404
        assert client.get("/exam-office/registrations/").status_code == 404
        assert client.get(f"/exam-office/registrations/{registration.number}/").status_code == 404
    assert officer.get("/exam-office/registrations/NOPE/").status_code == 404
    assert officer.get("/exam-office/mailings/NOPE/").status_code == 404


def test_review_with_optimistic_locking(intake_world: None) -> None:
    registration = _registration()
    officer = as_user("officer-jn-exam")
    listed = officer.get("/exam-office/registrations/?status=submitted").content.decode()
    assert registration.number in listed and registration.id_number not in listed
    url = f"/exam-office/registrations/{registration.number}/"
    before = AuditEvent.objects.filter(
        object_id=mask_id_number(registration.id_number), action="shareddata.read"
    )
    count = before.count()
    assert "审核通过" in officer.get(url).content.decode()
    assert before.count() == count + 1
    refused = officer.post(url, {"decision": "reject", "note": "", "version": registration.version})
    assert "须写明原因" in refused.content.decode()
    stale = officer.post(url, {"decision": "approve", "version": registration.version + 5})
    assert "请刷新后重试" in stale.content.decode()
    registration.refresh_from_db()
    assert registration.status == "submitted"
    done = officer.post(
        url, {"decision": "reject", "note": "学历不符", "version": registration.version}
    )
    assert done.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "rejected" and registration.note == "学历不符"
    page = officer.get(url).content.decode()
    assert "学历不符" in page and 'name="decision"' not in page
    assert (
        registration.number
        not in officer.get("/exam-office/registrations/?status=submitted").content.decode()
    )


def test_mailing_ship_and_deliver(intake_world: None) -> None:
    mailing = _mailing()
    officer = as_user("officer-jn-exam")
    assert mailing.number in officer.get("/exam-office/mailings/").content.decode()
    url = f"/exam-office/mailings/{mailing.number}/"
    assert as_user("officer-jn-si").get(url).status_code == 404
    assert as_user("wangfang").get(url).status_code == 404
    assert "江苏省南京市玄武区中山路18号" in officer.get(url).content.decode()
    bad = officer.post(
        url,
        {"status": "shipped", "version": mailing.version, "carrier": "EMS", "tracking_number": "1"},
    )
    assert "运单号" in bad.content.decode()
    ship = {"status": "shipped", "carrier": "中国邮政EMS", "tracking_number": "EMS1234567890"}
    stale = officer.post(url, {**ship, "version": mailing.version + 3})
    assert "请刷新后重试" in stale.content.decode()
    assert officer.post(url, {**ship, "version": mailing.version}).status_code == 302
    mailing.refresh_from_db()
    assert mailing.status == "shipped" and mailing.tracking_number == "EMS1234567890"
    assert officer.post(url, {"status": "cancelled", "version": mailing.version}).status_code == 200
    assert officer.post(url, {"status": "delivered", "version": mailing.version}).status_code == 302
    mailing.refresh_from_db()
    assert mailing.status == "delivered"
    assert (
        "EMS1234567890" in officer.get("/exam-office/mailings/?status=delivered").content.decode()
    )


def test_lists_paginate(intake_world: None) -> None:
    registration = _registration()
    officer = as_user("officer-jn-exam")
    base = {f.name: getattr(registration, f.name) for f in ExamRegistration._meta.concrete_fields}
    for i in range(25):
        ExamRegistration.objects.create(
            **{**base, "id": None, "number": f"KS{i:010d}", "id_number": f"110101199001{i:06d}"}
        )
    first = officer.get("/exam-office/registrations/").content.decode()
    assert "第 1 页 / 共 2 页" in first
    assert "第 2 页" in officer.get("/exam-office/registrations/?page=2").content.decode()


@pytest.mark.parametrize("kind", ["registration", "mailing"])
def test_the_phone_is_masked_and_shown_in_full_only_when_asked_audited(
    intake_world: None, kind: str
) -> None:
    found = _registration() if kind == "registration" else _mailing()
    url = f"/exam-office/{kind}s/{found.number}/"
    officer = as_user("officer-jn-exam")

    def asked_in_full() -> list[AuditEvent]:
        return [
            e
            for e in AuditEvent.objects.filter(
                action="shareddata.read", actor__username="officer-jn-exam"
            )
            if "完整手机号" in e.changes["purpose"]
        ]

    page = officer.get(url).content.decode()
    assert found.phone not in page and mask_phone(found.phone) in page
    assert "显示完整号码" in page and "?show=phone" not in page  # a form, not a link to follow
    assert not asked_in_full()
    shown = officer.get(url, {"show": "phone"}).content.decode()
    assert f'href="tel:{found.phone}"' in shown and "显示完整号码" not in shown
    [asked] = asked_in_full()
    assert found.number in asked.changes["purpose"] and found.phone not in str(asked.changes)
    # Another agency's officer gets nothing, in full or not.
    assert as_user("officer-jn-si").get(url, {"show": "phone"}).status_code == 404
    assert len(asked_in_full()) == 1
