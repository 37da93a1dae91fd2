"""Demo set-up: regions, one agency of every kind per city, demo accounts and shared data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.authorisations import Act, authorisation_grant, authorisations_active
from kuaiban.accounts.models import Authorisation, Role, User
from kuaiban.calendar.models import CalendarDayKind, CalendarYear
from kuaiban.calendar.services import DayEntry, calendar_year_enter
from kuaiban.cards.demo import cards_demo
from kuaiban.catalogue.models import (
    Agency,
    AgencyKind,
    Region,
    RegionLevel,
    Route,
    ServiceItem,
    service_hall_name,
)
from kuaiban.riskcontrol.controlfile import controls_load
from kuaiban.riskcontrol.models import Post
from kuaiban.selfservice.demo import selfservice_demo
from kuaiban.shareddata.models import (
    ECertificate,
    EmploymentRecord,
    Enterprise,
    InsuranceRecord,
    Person,
)

# (code, name, level, parent code): the provinces of the three packs, a city and a district each.
DEMO_REGIONS = [
    ("370000", "山东省", RegionLevel.PROVINCE, None),
    ("370100", "济南市", RegionLevel.CITY, "370000"),
    ("370102", "历下区", RegionLevel.COUNTY, "370100"),
    ("140000", "山西省", RegionLevel.PROVINCE, None),
    ("140100", "太原市", RegionLevel.CITY, "140000"),
    ("140106", "迎泽区", RegionLevel.COUNTY, "140100"),
    ("320000", "江苏省", RegionLevel.PROVINCE, None),
    ("320100", "南京市", RegionLevel.CITY, "320000"),
    ("320102", "玄武区", RegionLevel.COUNTY, "320100"),
]

_AGENCY_NAMES = {
    AgencyKind.SOCIAL_INSURANCE: "社会保险事业中心",
    AgencyKind.EMPLOYMENT: "公共就业和人才服务中心",
    AgencyKind.LABOUR_RELATIONS: "人力资源社会保障局劳动关系科",
    AgencyKind.PUBLIC_INSTITUTION: "人力资源社会保障局事业单位人事管理科",
    AgencyKind.WAGES: "人力资源社会保障局工资福利科",
    # 判断: in the packs' bundles this kind handles only 退休资格核准, which the seeds give to the
    # 养老保险处 (000 附件1 序号7 “养老保险处牵头”; 001 序号7 “社会保险行政部门”).
    AgencyKind.SOCIAL_INSURANCE_ADMIN: "人力资源社会保障局养老保险科",
    AgencyKind.CARD_SERVICE: "社会保障卡服务中心",
    AgencyKind.SKILLS: "职业技能鉴定指导中心",
    AgencyKind.PERSONNEL_EXAM: "人事考试中心",
}


DEMO_OFFICE_HOURS = "工作日 9:00—12:00，13:30—17:00（法定节假日除外）"


@transaction.atomic
def demo_setup(*, accounts_file: Path) -> list[dict[str, Any]]:
    """Idempotent: running it again updates the same rows and creates nothing twice."""
    _regions()
    _agencies()
    accounts: list[dict[str, Any]] = json.loads(accounts_file.read_text(encoding="utf-8"))
    for account in accounts:
        _account(account)
    _shared_data()
    selfservice_demo(today=timezone.localdate())
    _demo_calendar_year()
    if ServiceItem.objects.exists():
        # 告知承诺 check rules and risk points (内控) once the catalogue is loaded.
        controls_load()
    cards_demo()
    return accounts


# The demo runs in late 2026, when many due dates fall in 2027, whose official schedule
# (国务院办公厅 notice) is not in the calendar package yet. Production refuses such dates until an
# administrator enters the year; the demo enters a clearly labelled provisional year so that
# journeys can be tried. It lists only the statutory holidays (《全国年节及纪念日放假办法》,
# 2024 revision) on their own dates, without the 调休 swaps the official notice will add.
DEMO_YEAR = 2027
DEMO_HOLIDAYS = [
    ("2027-01-01", "元旦"),
    *((f"2027-02-0{d}", "春节") for d in (5, 6, 7, 8)),
    ("2027-04-05", "清明节"),
    ("2027-05-01", "劳动节"),
    ("2027-05-02", "劳动节"),
    ("2027-06-09", "端午节"),
    ("2027-09-15", "中秋节"),
    *((f"2027-10-0{d}", "国庆节") for d in (1, 2, 3)),
]


def _demo_calendar_year() -> None:
    if CalendarYear.objects.filter(year=DEMO_YEAR).exists():
        return  # never overwrite a year an administrator entered
    calendar_year_enter(
        year=DEMO_YEAR,
        days=[
            DayEntry(date=dt.date.fromisoformat(day), kind=CalendarDayKind.HOLIDAY, name=name)
            for day, name in DEMO_HOLIDAYS
        ],
        note="演示数据：仅列出法定节假日当天，未含调休；正式部署须按国务院办公厅公布的2027年放假安排录入。",
    )


def _regions() -> None:
    for code, name, level, parent in DEMO_REGIONS:
        Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "parent": Region.objects.get(code=parent) if parent else None,
            },
        )


def _agencies() -> None:
    """One agency of every case kind per city, and the routes that send the city's cases to it."""
    for region in Region.objects.filter(level=RegionLevel.CITY):
        for kind, suffix in _AGENCY_NAMES.items():
            agency, _ = Agency.objects.update_or_create(
                code=f"{region.code}-{kind}",
                defaults={
                    "name": f"{region.name}{suffix}",
                    "kind": kind,
                    "region": region,
                    # Shown on the guides; a real bureau enters its own in the admin.
                    "address": f"{region.name}政务服务中心人社服务大厅（演示地址）",
                    "office_hours": DEMO_OFFICE_HOURS,
                },
            )
            Route.objects.update_or_create(
                region=region, agency_kind=kind, item=None, defaults={"agency": agency}
            )
    _service_halls()


def _service_halls() -> None:
    """One 人社服务大厅 per city and district: the clerks' own window, never routed to."""
    for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]):
        Agency.objects.update_or_create(
            code=f"{region.code}-{AgencyKind.SERVICE_HALL}",
            defaults={
                "name": service_hall_name(region),
                "kind": AgencyKind.SERVICE_HALL,
                "region": region,
                "address": f"{region.name}政务服务中心人社服务大厅（演示地址）",
                "office_hours": DEMO_OFFICE_HOURS,
            },
        )


def _account(account: dict[str, Any]) -> None:
    role = Role(account["role"])
    user, _ = User.objects.update_or_create(
        username=account["username"],
        defaults={
            "role": role,
            "display_name": account.get("display_name", ""),
            "id_number": account.get("id_number", ""),
            "credit_code": account.get("credit_code", ""),
            "phone": account.get("phone", ""),
            "agency": Agency.objects.get(code=account["agency"]) if account.get("agency") else None,
            "region": Region.objects.get(code=account["region"]) if account.get("region") else None,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    user.set_password(account["password"])
    user.save(update_fields=["password"])
    if "posts" in account:
        # 岗位权限 (内控): the account's posts as the file lists them.
        Post.objects.filter(user=user).delete()
        Post.objects.bulk_create(Post(user=user, **post) for post in account["posts"])


# The people of the demo's shared data: (person, insurance record, employment record).
# 张建国 is retiring from his Jinan employer; 王芳, in Nanjing, lost her job last month after
# years of contributions and holds no social security card (Jiangsu 失业一件事 with every
# optional item applies to her).
_DEMO_PEOPLE: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        {
            "id_number": "370102196503121234",
            "name": "张建国",
            "gender": "男",
            "birth_date": dt.date(1965, 3, 12),
            "phone": "13905310001",
            "address": "山东省济南市历下区泉城路180号",
            "household_address": "山东省济南市历下区文化东路56号",
            "education": "中等职业教育",
            "region_code": "370102",
        },
        {
            "unit_name": "济南齐鲁精工机械有限公司",
            "first_contribution_date": dt.date(1986, 7, 1),
            "contribution_months": 468,
            "status": "正常参保",
            "region_name": "济南市",
            "card_bank": "中国工商银行济南泉城路支行",
            "card_bank_account": "6222021602001234567",
        },
        {
            "unit_credit_code": "91370100MA3C4X5K7L",
            "unit_name": "济南齐鲁精工机械有限公司",
            "start_date": dt.date(1998, 3, 1),
        },
    ),
    (
        {
            "id_number": "320102198807150421",
            "name": "王芳",
            "gender": "女",
            "birth_date": dt.date(1988, 7, 15),
            "phone": "13905250001",
            "address": "江苏省南京市玄武区中山路18号",
            "household_address": "江苏省南京市玄武区珠江路66号",
            "education": "大学本科",
            "region_code": "320102",
        },
        {
            "unit_name": "南京玄武数码科技有限公司",
            "first_contribution_date": dt.date(2012, 7, 1),
            "contribution_months": 172,
            "status": "暂停缴费",
            "region_name": "南京市",
            "card_bank": "",
            "card_bank_account": "",
        },
        {
            "unit_credit_code": "91320102MA1X8N2Q5N",
            "unit_name": "南京玄武数码科技有限公司",
            "start_date": dt.date(2012, 7, 1),
            "end_date": dt.date(2026, 10, 31),
        },
    ),
]


def _demo_person(
    person: dict[str, Any], insurance: dict[str, Any], employment: dict[str, Any]
) -> Person:
    """One person of the demo's shared data with their insurance and employment record."""
    values = dict(person)
    row, _ = Person.objects.update_or_create(id_number=values.pop("id_number"), defaults=values)
    InsuranceRecord.objects.update_or_create(person=row, defaults=insurance)
    job = dict(employment)
    EmploymentRecord.objects.update_or_create(
        person=row, unit_credit_code=job.pop("unit_credit_code"), defaults=job
    )
    return row


def _shared_data() -> None:
    """A retiring worker, his employer, a Nanjing jobseeker and her former employer, and a
    second unit: enough to show prefill at work."""
    people = [_demo_person(*entry) for entry in _DEMO_PEOPLE]
    ECertificate.objects.update_or_create(  # 张建国 holds a social security card
        kind="social_security_card",
        number="370100D156000005",
        defaults={"person": people[0], "issued_on": dt.date(2019, 5, 20)},
    )
    for code, name, rep, region in [
        ("91370100MA3C4X5K7L", "济南齐鲁精工机械有限公司", "陈立新", "370102"),
        ("91320102MA1X8N2Q5N", "南京玄武数码科技有限公司", "周建华", "320102"),
        ("91140100MA0K7L2Q8P", "太原晋阳软件科技有限公司", "郭晓峰", "140106"),
    ]:
        Enterprise.objects.update_or_create(
            credit_code=code,
            defaults={
                "name": name,
                "legal_representative": rep,
                "address": "",
                "phone": "",
                "region_code": region,
                "established": dt.date(2015, 6, 1),
            },
        )


# 亲情代办 in the demo: 张建国 (济南, retiring) has authorised his daughter 王芳 to apply, follow
# and receive results for him for one year. Kept out of `demo_setup` so that the tests' shared
# world starts without an authorisation; `kuaiban demo_setup` runs both.
DEMO_AUTHORISATIONS = [("zhangjianguo", "wangfang", "子女")]


@transaction.atomic
def demo_authorisations(*, today: dt.date) -> list[Authorisation]:
    """Idempotent: an authorisation in force between the pair is kept, none is added twice."""
    made = []
    for grantor_name, agent_name, relation in DEMO_AUTHORISATIONS:
        grantor = User.objects.filter(username=grantor_name).first()
        agent = User.objects.filter(username=agent_name).first()
        if grantor is None or agent is None:
            continue
        current = authorisations_active(agent=agent, act=Act.APPLY, on=today).filter(
            grantor=grantor
        )
        found = current.first()
        if found is None:
            found = authorisation_grant(
                actor=grantor,
                agent_id_number=agent.id_number,
                relation=relation,
                valid_from=today,
                valid_until=today + dt.timedelta(days=365),
                acts=set(Act),
            )
        made.append(found)
    return made
