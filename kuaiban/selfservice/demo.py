"""The demo's self-service records: month-by-month history for the demo people (drawn by the
same generator as everyone else, seeded by their ID number), a retired demo person, skill and
qualification certificates, and an exam open for registration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from kuaiban.catalogue.models import Region
from kuaiban.selfservice.models import ExamSession
from kuaiban.shareddata.history import history_rebuild
from kuaiban.shareddata.models import (
    EmploymentRecord,
    InsuranceRecord,
    Person,
    SkillCertificate,
    SkillCertificateKind,
    UnemploymentRecord,
)

RETIRED = {
    "id_number": "37010219620508122X",
    "name": "李秀英",
    "gender": "女",
    "birth_date": dt.date(1962, 5, 8),
    "phone": "13905310002",
    "address": "山东省济南市历下区山大路77号",
    "household_address": "山东省济南市历下区山大路77号",
    "education": "高中",
    "region_code": "370102",
}


@transaction.atomic
def selfservice_demo(*, today: dt.date) -> None:
    values = dict(RETIRED)
    retired, _ = Person.objects.update_or_create(id_number=values.pop("id_number"), defaults=values)
    InsuranceRecord.objects.update_or_create(
        person=retired,
        defaults={
            "unit_name": "济南齐鲁精工机械有限公司",
            "first_contribution_date": dt.date(1981, 9, 1),
            "contribution_months": 400,
            "status": "已退休",
            "region_name": "济南市",
            "card_bank": "中国建设银行济南山大路支行",
            "card_bank_account": "6217001630001234568",
            "monthly_wage": Decimal("5200.00"),
        },
    )
    EmploymentRecord.objects.update_or_create(
        person=retired,
        unit_credit_code="91370100MA3C4X5K7L",
        defaults={
            "unit_name": "济南齐鲁精工机械有限公司",
            "start_date": dt.date(1981, 9, 1),
            "end_date": dt.date(2017, 5, 8),
        },
    )
    people = list(
        Person.objects.filter(
            id_number__in=["370102196503121234", "320102198807150421", RETIRED["id_number"]]
        )
    )
    for person in people:
        _unemployed_registered(person, today=today)
    history_rebuild(people, as_of=today)
    zhang = Person.objects.get(id_number="370102196503121234")
    SkillCertificate.objects.update_or_create(
        person=zhang,
        number="S000037010200251000123",
        defaults={
            "kind": SkillCertificateKind.SKILL_LEVEL,
            "occupation": "钳工",
            "level": "二级/技师",
            "issuer": "济南市职业技能等级认定中心",
            "issued_on": dt.date(2021, 11, 20),
        },
    )
    wang = Person.objects.get(id_number="320102198807150421")
    SkillCertificate.objects.update_or_create(
        person=wang,
        number="1900320100000123",
        defaults={
            "kind": SkillCertificateKind.PROFESSIONAL,
            "occupation": "房地产估价师",
            "level": "",
            "issuer": "人力资源社会保障部",
            "issued_on": dt.date(2025, 3, 15),
        },
    )
    shandong = Region.objects.filter(code="370000").first()
    if shandong is not None:
        ExamSession.objects.update_or_create(
            name=f"{today.year + 1}年度房地产估价师职业资格考试（山东考区）",
            defaults={
                "qualification": "房地产估价师",
                "region": shandong,
                "opens_on": today - dt.timedelta(days=10),
                "closes_on": today + dt.timedelta(days=60),
                "exam_on": today + dt.timedelta(days=150),
                "min_education": "大学专科",
            },
        )


def _unemployed_registered(person: Person, *, today: dt.date) -> None:
    """王芳 lost her job last month and registered as unemployed (the 失业一件事's case)."""
    insurance = InsuranceRecord.objects.filter(person=person).first()
    if insurance is None or insurance.status != "暂停缴费":
        return
    if UnemploymentRecord.objects.filter(person=person).exists():
        return
    job = EmploymentRecord.objects.filter(person=person).order_by("-start_date").first()
    ended = job.end_date if job is not None and job.end_date else today
    UnemploymentRecord.objects.create(
        person=person,
        registered_on=min(today, ended + dt.timedelta(days=5)),
        reason="劳动合同期满",
        status="登记失业",
    )
