"""A hand-made ledger for the supervision figures: a few applications, sub-cases, ratings and
tickets with known times, so that every headline figure can be counted by hand.

The period is March 2025 and "now" is Thursday 2025-03-20 12:00 Beijing time (no holidays in
March 2025). The Shandong supervisor sees A1–A5 (A5 was submitted in February); A6 is in
Shanxi (迎泽区, under the contact point 太原市).

| app | region | channel | status      | burden f/m/a/v (separate → bundled) | sub-cases |
|-----|--------|---------|-------------|--------------------------------------|-----------|
| A1  | 历下区 | web     | done        | 10→4, 6→2, 3→1, 0→0                  | S1, S2    |
| A2  | 济南市 | window  | in progress | 8→5, 5→3, 2→1, 2→1                   | S3, S4    |
| A3  | 历下区 | app     | done        | 6→6, 4→4, 2→1, 1→1                   | S5        |
| A4  | 历下区 | web     | withdrawn   | 5→2, 3→1, 2→1, 0→0                   | S7        |
| A5  | 历下区 | web     | done (Feb)  | 4→2, 2→1, 2→1, 0→0                   | S6        |
| A6  | 迎泽区 | web     | done        | 6→3, 5→2, 2→1, 0→0                   | S8        |

Items: FAST legal 20 / promised 10 working days (50% faster); INSTANT legal 5 working days,
promised 即办; NOLEGAL promised 3 working days, no legal limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kuaiban.applications.models import (
    Application,
    ApplicationMaterial,
    ApplicationStatus,
    Channel,
)
from kuaiban.bundles.models import Bundle, Pack
from kuaiban.calendar.limits import LimitUnit
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.models import Agency, AgencyKind, Region, ServiceItem
from kuaiban.ratings.models import (
    Rating,
    RectificationTicket,
    StepKind,
    TicketStatus,
    TicketStep,
    WindowVisit,
)

BJ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2025, 3, 20, 12, 0, tzinfo=BJ)
MARCH = "from=2025-03-01&to=2025-03-31"


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=BJ)


def end_of(day: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, 23, 59, 59, 999999, tzinfo=BJ)


@dataclass
class Ledger:
    apps: dict[str, Application]
    subcases: dict[str, SubCase]
    items: dict[str, ServiceItem]
    agencies: dict[str, Agency]
    bundle: Bundle
    shanxi_bundle: Bundle


def _item(code: str, **limits: object) -> ServiceItem:
    return ServiceItem.objects.create(
        code=code,
        name=f"测试事项{code}",
        category="社会保险",
        agency_kind=AgencyKind.SOCIAL_INSURANCE,
        target="person",
        **limits,
    )


def _burden(f: tuple[int, int], m: tuple[int, int], a: tuple[int, int], v: tuple[int, int]):
    return {
        key: {"separate": pair[0], "bundled": pair[1]}
        for key, pair in zip(
            ("fields", "materials", "applications", "visits"), (f, m, a, v), strict=True
        )
    }


def _application(
    number: str,
    *,
    bundle: Bundle,
    region: str,
    channel: str,
    status: str,
    burden: dict,
    submitted: dt.datetime,
    submitter,
) -> Application:
    application = Application.objects.create(
        # A hyphen keeps the number from ever matching inside a CSRF token,
        # which is letters and digits only.
        number=f"SV-{number}",
        pack=bundle.pack,
        bundle=bundle,
        scenario=bundle.scenarios.first(),
        snapshot={},
        applicant_kind="person",
        applicant_name="张三",
        applicant_id_number="370102196503121234",
        region=Region.objects.get(code=region),
        channel=channel,
        submitted_by=submitter,
        burden=burden,
        status=status,
        promised_due_at=submitted + dt.timedelta(days=30),
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=submitted)
    application.submitted_at = submitted
    return application


def _subcase(application: Application, item: ServiceItem, agency: Agency, **values) -> SubCase:
    subcase = SubCase.of_application(
        application,
        item=item,
        seed_name=item.name,
        agency_kind=agency.kind,
        agency=agency,
        **values,
    )
    subcase.save()
    return subcase


def _materials(application: Application, **counts: int) -> None:
    n = 0
    for provision, count in counts.items():
        for _ in range(count):
            n += 1
            ApplicationMaterial.objects.create(
                application=application, code=f"m{n}", name=f"材料{n}", provision=provision
            )


def ledger_build(submitter) -> Ledger:
    shandong = Pack.objects.get(code="shandong-2020")
    shanxi = Pack.objects.get(code="shanxi-2020")
    bundle = shandong.bundles.order_by("position").first()
    shanxi_bundle = shanxi.bundles.order_by("position").first()
    wd = LimitUnit.WORKING_DAYS
    items = {
        "FAST": _item(
            "T-FAST",
            legal_limit_value=20,
            legal_limit_unit=wd,
            promised_limit_value=10,
            promised_limit_unit=wd,
        ),
        "INSTANT": _item(
            "T-INSTANT",
            legal_limit_value=5,
            legal_limit_unit=wd,
            promised_limit_unit=LimitUnit.INSTANT,
        ),
        "NOLEGAL": _item("T-NOLEGAL", promised_limit_value=3, promised_limit_unit=wd),
    }
    agencies = {
        "SI": Agency.objects.get(code="370100-social_insurance"),
        "CARD": Agency.objects.get(code="370100-card_service"),
        "EMP": Agency.objects.get(code="370100-employment"),
        "TY": Agency.objects.get(code="140100-social_insurance"),
    }
    common = {"bundle": bundle, "submitter": submitter}
    apps = {
        "A1": _application(
            "A1", region="370102", channel=Channel.WEB, status=ApplicationStatus.DONE,
            burden=_burden((10, 4), (6, 2), (3, 1), (0, 0)), submitted=at(3, 9), **common,
        ),
        "A2": _application(
            "A2", region="370100", channel=Channel.WINDOW, status=ApplicationStatus.IN_PROGRESS,
            burden=_burden((8, 5), (5, 3), (2, 1), (2, 1)), submitted=at(4, 10), **common,
        ),
        "A3": _application(
            "A3", region="370102", channel=Channel.APP, status=ApplicationStatus.DONE,
            burden=_burden((6, 6), (4, 4), (2, 1), (1, 1)), submitted=at(5, 9), **common,
        ),
        "A4": _application(
            "A4", region="370102", channel=Channel.WEB, status=ApplicationStatus.WITHDRAWN,
            burden=_burden((5, 2), (3, 1), (2, 1), (0, 0)), submitted=at(6, 9), **common,
        ),
        "A5": _application(
            "A5", region="370102", channel=Channel.WEB, status=ApplicationStatus.DONE,
            burden=_burden((4, 2), (2, 1), (2, 1), (0, 0)), submitted=at(20, 9, month=2), **common,
        ),
        "A6": _application(
            "A6", region="140106", channel=Channel.WEB, status=ApplicationStatus.DONE,
            burden=_burden((6, 3), (5, 2), (2, 1), (0, 0)), submitted=at(10, 9),
            bundle=shanxi_bundle, submitter=submitter,
        ),
    }  # fmt: skip
    _materials(apps["A1"], shared=2, online_form=1, commitment=1, uploaded=1)
    _materials(apps["A2"], uploaded=2, gap=1)
    _materials(apps["A3"], commitment=1)
    _materials(apps["A4"], shared=1)
    _materials(apps["A6"], commitment=1, uploaded=1)
    fast, instant, nolegal = items["FAST"], items["INSTANT"], items["NOLEGAL"]
    si, card, emp = agencies["SI"], agencies["CARD"], agencies["EMP"]
    done = SubCaseStatus.APPROVED
    subcases = {
        # 3.0 working days: Mon 09:00 → Fri 09:00 is 4 days, less a 1-day correction pause.
        "S1": _subcase(
            apps["A1"], fast, si, status=done, opened_at=at(3, 9), decided_at=at(7, 9),
            due_at=end_of(18), pauses=[[at(4, 9).isoformat(), at(5, 9).isoformat()]],
        ),
        # 即办, 20 minutes: 0.0139 working days.
        "S2": _subcase(
            apps["A1"], instant, card, status=done, opened_at=at(3, 9),
            decided_at=at(3, 9, 20), due_at=at(3, 9, 30),
        ),
        # Running, due 03-18: overdue now.
        "S3": _subcase(
            apps["A2"], fast, si, status=SubCaseStatus.ACCEPTED, opened_at=at(4, 10),
            due_at=end_of(18),
        ),
        # Waiting for a correction: the clock is stopped, not overdue.
        "S4": _subcase(
            apps["A2"], nolegal, emp, status=SubCaseStatus.CORRECTION, opened_at=at(4, 10),
            due_at=end_of(7), paused_since=at(6, 10),
        ),
        # Late: due 03-19, decided 03-20 10:00; 11.0417 working days.
        "S5": _subcase(
            apps["A3"], fast, si, status=done, opened_at=at(5, 9), decided_at=at(20, 10),
            due_at=end_of(19),
        ),
        # February's application, decided late in March: 12.0 working days.
        "S6": _subcase(
            apps["A5"], fast, si, status=done, opened_at=at(20, 9, month=2),
            decided_at=at(10, 9), due_at=end_of(6),
        ),
        "S7": _subcase(
            apps["A4"], fast, emp, status=SubCaseStatus.WITHDRAWN, opened_at=at(6, 9),
            due_at=end_of(20),
        ),
        # Shanxi: on time, 2.0 working days.
        "S8": _subcase(
            apps["A6"], fast, agencies["TY"], status=done, opened_at=at(10, 9),
            decided_at=at(12, 9), due_at=end_of(24),
        ),
    }  # fmt: skip
    _ratings(apps, agencies, submitter)
    return Ledger(apps, subcases, items, agencies, bundle, shanxi_bundle)


def _ratings(apps: dict[str, Application], agencies: dict[str, Agency], clerk) -> None:
    jinan = Region.objects.get(code="370100")
    lixia = Region.objects.get(code="370102")
    visit_a2 = WindowVisit.objects.create(
        applicant_name="张三",
        clerk=clerk,
        region=jinan,
        application=apps["A2"],
        visited_at=at(4, 10),
    )
    visit_alone = WindowVisit.objects.create(
        applicant_name="李四", clerk=clerk, region=lixia, visited_at=at(11, 10)
    )
    si, emp = agencies["SI"], agencies["EMP"]
    Rating.objects.create(
        subject="case",
        application=apps["A1"],
        level=5,
        agency=si,
        region=lixia,
        rated_at=at(8, 10),
    )
    r2 = Rating.objects.create(
        subject="visit", visit=visit_a2, level=2, agency=emp, region=jinan, rated_at=at(4, 11)
    )
    r3 = Rating.objects.create(
        subject="case",
        application=apps["A3"],
        level=1,
        agency=si,
        region=lixia,
        rated_at=at(10, 10),
    )
    Rating.objects.create(
        subject="case",
        application=apps["A5"],
        level=4,
        real_name=False,
        agency=si,
        region=lixia,
        rated_at=at(3, 15),
    )
    Rating.objects.create(
        subject="visit",
        visit=visit_alone,
        level=2,
        real_name=False,
        excluded=True,
        exclusion_reason="核实为恶意评价",
        agency=emp,
        region=lixia,
        rated_at=at(11, 11),
    )
    Rating.objects.create(
        subject="case",
        application=apps["A6"],
        level=5,
        region=Region.objects.get(code="140106"),
        agency=agencies["TY"],
        rated_at=at(13, 10),
    )
    # R2: called back on time, rectified and closed.
    t1 = RectificationTicket.of_rating(
        r2, agency=emp, status=TicketStatus.CLOSED, opened_at=at(4, 11)
    )
    t1.save()
    TicketStep.objects.create(
        ticket=t1, kind=StepKind.CALLBACK, owner_agency=emp, due_at=end_of(5), done_at=at(5, 9)
    )
    TicketStep.objects.create(
        ticket=t1, kind=StepKind.VERIFY, owner_agency=emp, due_at=end_of(7), done_at=at(6, 9)
    )
    # R3: called back a day late; the verification is overdue now.
    t2 = RectificationTicket.of_rating(
        r3, agency=si, status=TicketStatus.VERIFY, opened_at=at(10, 10)
    )
    t2.save()
    TicketStep.objects.create(
        ticket=t2, kind=StepKind.CALLBACK, owner_agency=si, due_at=end_of(11), done_at=at(12, 10)
    )
    TicketStep.objects.create(ticket=t2, kind=StepKind.VERIFY, owner_agency=si, due_at=end_of(14))
