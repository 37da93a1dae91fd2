"""`/api/v1/me/…` self-service queries for apps and mini-programs, and the two small services
(`/api/v1/exam-registrations`, `/api/v1/certificate-mailings`). Every query read is audited."""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kuaiban.accounts.api_auth import api_auth
from kuaiban.core.errors import ErrorOut
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.core.text import Code
from kuaiban.selfservice.models import CertificateMailing, ExamRegistration
from kuaiban.selfservice.selectors import (
    access_mailing_by_number,
    access_registration,
    exam_sessions_open,
    mailings_of,
    registrations_of,
)
from kuaiban.selfservice.services import exam_register, exam_review, mailing_move, mailing_request
from kuaiban.shareddata.access import access_own_person
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.connectors.records import BenefitLine
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.rights import (
    annuity_for,
    insurance_overview_for,
    pension_for,
    rights_record_for,
    skill_certificates_for,
)

router = Router(tags=["自助查询（热门事项）"], auth=api_auth)

_NOT_FOUND = {404: ErrorOut, 503: ErrorOut}  # 503: the records' source cannot answer now


class RegistrationOut(Schema):
    name: str = Field(description="险种")
    status: str
    since: str | None = Field(description="参保时间 YYYY-MM")
    months: int = Field(description="缴费月数")


class MonthOut(Schema):
    month: str = Field(description="费款所属期 YYYY-MM")
    payer: str = Field(description="缴费单位，灵活就业为个人缴费")
    base: str
    pension_unit: str
    pension_personal: str
    unemployment_unit: str
    unemployment_personal: str
    injury_unit: str


class YearOut(Schema):
    year: int
    months: int
    base_average: str
    pension_unit: str
    pension_personal: str
    unemployment: str
    injury: str


class AccountOut(Schema):
    year: int
    opening: str
    credited: str
    interest: str
    closing: str


class BenefitOut(Schema):
    kind: str = Field(description="pension 基本养老金 / unemployment 失业保险金")
    kind_label: str
    status: str = Field(description="发放状态（中文）")
    started_on: str
    ends_on: str | None
    monthly_amount: str
    basic_part: str
    account_part: str
    transitional_part: str
    months_total: int | None
    months_paid: int
    paid_total: str
    bank: str
    region_name: str


class RightsRecordOut(Schema):
    name: str
    id_number: str = Field(description="公民身份号码（脱敏）")
    as_of: str
    region_name: str
    unit_name: str
    first_contribution: str | None
    contribution_months: int
    account_balance: str = Field(description="养老保险个人账户累计储存额（元）")
    registrations: list[RegistrationOut]
    years: list[YearOut] = Field(description="逐年缴费")
    recent: list[MonthOut] = Field(description="最近13个月缴费明细，新的在前")
    account: list[AccountOut] = Field(description="个人账户逐年记账")
    benefits: list[BenefitOut]


class InsuranceOut(Schema):
    name: str
    id_number: str = Field(description="公民身份号码（脱敏）")
    status: str | None = Field(description="参保状态；无参保信息时为空")
    region_name: str
    unit_name: str
    first_contribution: str | None
    contribution_months: int
    account_balance: str
    registrations: list[RegistrationOut]
    recent: list[MonthOut]


class PensionOut(Schema):
    pension: BenefitOut | None = Field(description="基本养老金；未领取时为空")


class AnnuityOut(Schema):
    unit_name: str
    joined_on: str
    status: str
    last_month: str | None
    unit_total: str
    personal_total: str
    earnings: str
    balance: str


class AnnuityAnswer(Schema):
    annuity: AnnuityOut | None = Field(description="职业年金；无记录时为空")


class SkillCertificateOut(Schema):
    id: int | None = Field(description="证书 id（申请邮寄时使用）；来自省级平台时为空")
    kind: str = Field(description="skill_level / vocational / professional")
    kind_label: str
    number: str
    occupation: str
    level: str
    issuer: str
    issued_on: str


def _person(request: HttpRequest, purpose: str) -> Person:
    person = access_own_person(user=request.user)
    records_read_audit(
        actor=request.user, id_number=person.id_number, purpose=purpose, channel="api"
    )
    return person


def _benefit(b: BenefitLine) -> BenefitOut:
    return BenefitOut(
        kind=b.kind,
        kind_label=b.kind_label,
        status=b.status_label,
        started_on=b.started_on.isoformat(),
        ends_on=b.ends_on.isoformat() if b.ends_on else None,
        monthly_amount=str(b.monthly_amount),
        basic_part=str(b.basic_part),
        account_part=str(b.account_part),
        transitional_part=str(b.transitional_part),
        months_total=b.months_total,
        months_paid=b.months_paid,
        paid_total=str(b.paid_total),
        bank=b.bank,
        region_name=b.region_name,
    )


def _months(rows: list) -> list[MonthOut]:  # type: ignore[type-arg]
    return [
        MonthOut(
            month=f"{m.month:%Y-%m}",
            payer=m.payer,
            base=str(m.base),
            pension_unit=str(m.pension_unit),
            pension_personal=str(m.pension_personal),
            unemployment_unit=str(m.unemployment_unit),
            unemployment_personal=str(m.unemployment_personal),
            injury_unit=str(m.injury_unit),
        )
        for m in rows
    ]


def _registrations(rows: list) -> list[RegistrationOut]:  # type: ignore[type-arg]
    return [
        RegistrationOut(
            name=r.name,
            status=r.status,
            since=f"{r.since:%Y-%m}" if r.since else None,
            months=r.months,
        )
        for r in rows
    ]


@router.get(
    "/me/rights-record",
    response={200: RightsRecordOut, **_NOT_FOUND},
    summary="个人权益记录单（JSON）",
    description="本人的参保登记、缴费年限、逐年与最近13个月缴费、个人账户和待遇。无参保信息时 404。",
)
def rights_record(request: HttpRequest) -> RightsRecordOut:
    r = rights_record_for(_person(request, "个人权益记录单"), today=timezone.localdate())
    return RightsRecordOut(
        name=r.name,
        id_number=r.id_number_masked,
        as_of=r.as_of.isoformat(),
        region_name=r.region_name,
        unit_name=r.unit_name,
        first_contribution=r.first_contribution.isoformat() if r.first_contribution else None,
        contribution_months=r.contribution_months,
        account_balance=str(r.account_balance),
        registrations=_registrations(r.registrations),
        years=[
            YearOut(
                year=y.year,
                months=y.months,
                base_average=str(y.base_average),
                pension_unit=str(y.pension_unit),
                pension_personal=str(y.pension_personal),
                unemployment=str(y.unemployment),
                injury=str(y.injury),
            )
            for y in r.years
        ],
        recent=_months(r.recent),
        account=[
            AccountOut(
                year=a.year,
                opening=str(a.opening),
                credited=str(a.credited),
                interest=str(a.interest),
                closing=str(a.closing),
            )
            for a in r.account
        ],
        benefits=[_benefit(b) for b in r.benefits],
    )


@router.get("/me/insurance", response={200: InsuranceOut, **_NOT_FOUND}, summary="社保查询")
def insurance(request: HttpRequest) -> InsuranceOut:
    o = insurance_overview_for(_person(request, "社保查询"))
    ins = o.insurance
    return InsuranceOut(
        name=o.name,
        id_number=o.id_number_masked,
        status=ins.status if ins else None,
        region_name=ins.region_name if ins else "",
        unit_name=ins.unit_name if ins else "",
        first_contribution=ins.first_contribution_date.isoformat() if ins else None,
        contribution_months=ins.contribution_months if ins else 0,
        account_balance=str(ins.pension_account_balance) if ins else "0.00",
        registrations=_registrations(o.registrations),
        recent=_months(o.recent),
    )


@router.get("/me/pension", response={200: PensionOut, **_NOT_FOUND}, summary="退休待遇查询")
def pension(request: HttpRequest) -> PensionOut:
    found = pension_for(_person(request, "退休待遇查询"))
    return PensionOut(pension=_benefit(found) if found else None)


@router.get("/me/annuity", response={200: AnnuityAnswer, **_NOT_FOUND}, summary="职业年金查询")
def annuity(request: HttpRequest) -> AnnuityAnswer:
    a = annuity_for(_person(request, "职业年金查询"))
    if a is None:
        return AnnuityAnswer(annuity=None)
    return AnnuityAnswer(
        annuity=AnnuityOut(
            unit_name=a.unit_name,
            joined_on=a.joined_on.isoformat(),
            status=a.status,
            last_month=a.last_month.isoformat() if a.last_month else None,
            unit_total=str(a.unit_total),
            personal_total=str(a.personal_total),
            earnings=str(a.earnings),
            balance=str(a.balance),
        )
    )


@router.get(
    "/me/skill-certificates",
    response={200: list[SkillCertificateOut], **_NOT_FOUND},
    summary="职业技能证书查询",
)
def skill_certificates(request: HttpRequest) -> list[SkillCertificateOut]:
    return [
        SkillCertificateOut(
            kind=c.kind,
            id=c.pk,
            kind_label=c.kind_label,
            number=c.number,
            occupation=c.occupation,
            level=c.level,
            issuer=c.issuer,
            issued_on=c.issued_on.isoformat(),
        )
        for c in skill_certificates_for(_person(request, "职业技能证书查询"))
    ]


class ExamSessionOut(Schema):
    id: int
    name: str
    qualification: str
    opens_on: str
    closes_on: str
    exam_on: str
    min_education: str


class ExamRegistrationIn(Schema):
    session: int = Field(ge=1, le=2**63 - 1, description="考试 id（/exam-sessions）")


class ExamRegistrationOut(Schema):
    number: str
    version: int
    session: str
    status: str
    status_label: str
    note: str


def _registration(r: ExamRegistration) -> ExamRegistrationOut:
    return ExamRegistrationOut(
        number=r.number,
        version=r.version,
        session=r.session.name,
        status=r.status,
        status_label=str(r.get_status_display()),
        note=r.note,
    )


@router.get("/exam-sessions", response=list[ExamSessionOut], summary="正在报名的资格考试")
def exam_sessions(request: HttpRequest) -> list[ExamSessionOut]:
    return [
        ExamSessionOut(
            id=s.pk,
            name=s.name,
            qualification=s.qualification,
            opens_on=s.opens_on.isoformat(),
            closes_on=s.closes_on.isoformat(),
            exam_on=s.exam_on.isoformat(),
            min_education=s.min_education,
        )
        for s in exam_sessions_open()[:50]
    ]


@router.get("/exam-registrations", response=list[ExamRegistrationOut], summary="本人的资格考试报名")
@paginate(BoundedPageNumberPagination, page_size=20)
def exam_registrations(request: HttpRequest) -> object:
    return [_registration(r) for r in registrations_of(request.user)[:1000]]


@router.post(
    "/exam-registrations",
    response={201: ExamRegistrationOut, 404: ErrorOut, 409: ErrorOut},
    summary="资格考试报名",
    description="姓名、证件、学历、手机号取自共享数据；不在报名时间或学历不符 422，重复报名 409。",
)
def exam_registration_create(
    request: HttpRequest, body: ExamRegistrationIn
) -> Status[ExamRegistrationOut]:
    person = access_own_person(user=request.user)
    done = exam_register(actor=request.user, person=person, session_id=body.session)  # type: ignore[arg-type]
    return Status(201, _registration(done))


class MailingIn(Schema):
    certificate: int = Field(
        ge=1,
        le=2**63 - 1,
        description="证书 id（/me/skill-certificates 中专业技术人员职业资格证书）",
    )
    recipient: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    address: str = Field(max_length=200)


class MailingOut(Schema):
    number: str
    version: int
    certificate: str
    status: str
    status_label: str
    carrier: str
    tracking_number: str


def _mailing(m: CertificateMailing) -> MailingOut:
    return MailingOut(
        number=m.number,
        version=m.version,
        certificate=m.certificate.occupation,
        status=m.status,
        status_label=str(m.get_status_display()),
        carrier=m.carrier,
        tracking_number=m.tracking_number,
    )


@router.get("/certificate-mailings", response=list[MailingOut], summary="本人的证书邮寄申请")
@paginate(BoundedPageNumberPagination, page_size=20)
def certificate_mailings(request: HttpRequest) -> object:
    return [_mailing(m) for m in mailings_of(request.user)[:1000]]


@router.post(
    "/certificate-mailings",
    response={201: MailingOut, 404: ErrorOut, 409: ErrorOut},
    summary="申请职业资格证书邮寄",
    description="证书不是本人的专业技术人员职业资格证书 404；该证书已申请 409。",
)
def certificate_mailing_create(request: HttpRequest, body: MailingIn) -> Status[MailingOut]:
    person = access_own_person(user=request.user)
    done = mailing_request(
        actor=request.user,  # type: ignore[arg-type]
        person=person,
        certificate_id=body.certificate,
        recipient=body.recipient,
        phone=body.phone,
        address=body.address,
    )
    return Status(201, _mailing(done))


class ReviewIn(Schema):
    approve: bool = Field(description="true 审核通过；false 审核未通过（须写 note）")
    note: str = Field("", max_length=200, description="审核意见")
    version: int = Field(ge=1, le=2**31 - 1, description="报名的版本（并发保护，不符 409）")


@router.post(
    "/exam-registrations/{number}/review",
    response={200: ExamRegistrationOut, 404: ErrorOut, 409: ErrorOut},
    summary="资格审核（人事考试机构经办人员）",
    description="只有本省人事考试机构的经办人员可审核；他人 404；已审核或版本不符 409。",
)
def exam_registration_review(
    request: HttpRequest, number: Code, body: ReviewIn
) -> ExamRegistrationOut:
    found = access_registration(user=request.user, number=number)
    done = exam_review(
        actor=request.user,  # type: ignore[arg-type]
        registration=found,
        approve=body.approve,
        note=body.note,
        version=body.version,
    )
    return _registration(done)


class MailingMoveIn(Schema):
    status: Literal["shipped", "delivered", "cancelled"] = Field(
        description="shipped 已寄出（经办人员，须 carrier 与 tracking_number）/ delivered 已签收（经办人员）/ cancelled 取消（申请人，寄出前）"
    )
    version: int = Field(ge=1, le=2**31 - 1, description="申请的版本（并发保护，不符 409）")
    carrier: str = Field("", max_length=40)
    tracking_number: str = Field("", max_length=40)


@router.post(
    "/certificate-mailings/{number}/status",
    response={200: MailingOut, 404: ErrorOut, 409: ErrorOut},
    summary="更新证书邮寄状态",
    description="人事考试机构经办人员：寄出、签收；申请人：寄出前取消。不能进行的变更 409，他人 404。",
)
def certificate_mailing_move(request: HttpRequest, number: Code, body: MailingMoveIn) -> MailingOut:
    found = access_mailing_by_number(user=request.user, number=number)
    done = mailing_move(
        actor=request.user,  # type: ignore[arg-type]
        mailing=found,
        to=body.status,
        version=body.version,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )
    return _mailing(done)
