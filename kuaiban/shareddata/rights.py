"""Reads of one person's records for the self-service queries (社保查询, 权益记录单, 退休待遇,
职业年金, 职业技能证书): plain values, one bounded number of queries however long the history.

Each ``*_for`` takes the ``Person`` an access helper (``access_own_person``) returned; the caller
audits the read (``shareddata/audit.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from kuaiban.core.errors import ApiError
from kuaiban.core.masking import mask_id_number
from kuaiban.shareddata.connectors import SharedDataUnavailable, default_connector
from kuaiban.shareddata.connectors.records import (
    AnnuityLine,
    BenefitLine,
    MonthLine,
    PersonRecords,
    SkillLine,
)
from kuaiban.shareddata.models import InsuranceRecord, Person
from kuaiban.shareddata.rates import account_year

logger = logging.getLogger("kuaiban.shareddata")
ZERO = Decimal(0)
RECENT_MONTHS = 13


@dataclass(frozen=True)
class Registration:
    """One insurance (险种) the person is registered for."""

    name: str
    status: str
    since: dt.date | None
    months: int


@dataclass
class YearLine:
    year: int
    months: int = 0
    base_total: Decimal = ZERO
    pension_unit: Decimal = ZERO
    pension_personal: Decimal = ZERO
    unemployment: Decimal = ZERO
    injury: Decimal = ZERO

    @property
    def base_average(self) -> Decimal:
        return (self.base_total / self.months).quantize(Decimal("0.01")) if self.months else ZERO


@dataclass(frozen=True)
class AccountLine:
    year: int
    opening: Decimal
    credited: Decimal
    interest: Decimal
    closing: Decimal


@dataclass
class RightsRecord:
    """个人权益记录单: who, what is registered, every year, the last 13 months, the account."""

    name: str
    id_number_masked: str
    as_of: dt.date
    region_name: str
    unit_name: str
    first_contribution: dt.date | None
    contribution_months: int
    registrations: list[Registration] = field(default_factory=list)
    years: list[YearLine] = field(default_factory=list)
    recent: list[MonthLine] = field(default_factory=list)
    account: list[AccountLine] = field(default_factory=list)
    account_balance: Decimal = ZERO
    benefits: list[BenefitLine] = field(default_factory=list)
    months: list[MonthLine] = field(default_factory=list)  # every month paid, oldest first

    @property
    def contribution_years_label(self) -> str:
        years, months = divmod(self.contribution_months, 12)
        return f"{years}年{months}个月" if months else f"{years}年"


class RecordsUnavailable(ApiError):
    """The source could not answer: 503, and the person is told to try later or call 12333."""

    status = 503
    code = "shared_data_unavailable"


def records_for(person: Person) -> PersonRecords:
    """The person's records from the configured source (``connectors``): the local tables in
    four indexed queries, or one request to the platform."""
    try:
        return default_connector().records(person.id_number) or PersonRecords()
    except SharedDataUnavailable as error:
        logger.warning("自助查询读取记录失败（%s）：%s", mask_id_number(person.id_number), error)
        raise RecordsUnavailable(
            "社会保险信息系统暂时无法访问，请稍后再试；也可拨打12333咨询"
        ) from error


def insurance_of(person: Person) -> InsuranceRecord | None:
    try:
        return person.insurance
    except InsuranceRecord.DoesNotExist:
        return None


def rights_record_for(person: Person, *, today: dt.date) -> RightsRecord:
    """The 权益记录单 as of ``today``, from one read of the person's records."""
    insurance = insurance_of(person)
    records = records_for(person)
    months = records.months
    record = RightsRecord(
        name=person.name,
        id_number_masked=mask_id_number(person.id_number),
        as_of=today,
        region_name=insurance.region_name if insurance else "",
        unit_name=insurance.unit_name if insurance else "",
        first_contribution=insurance.first_contribution_date if insurance else None,
        contribution_months=insurance.contribution_months if insurance else 0,
    )
    record.registrations = _registrations(insurance, months)
    record.years = _years(months)
    record.recent = months[-RECENT_MONTHS:][::-1]
    record.account = _account(months, today=today)
    record.account_balance = (
        record.account[-1].closing
        if record.account
        else (insurance.pension_account_balance if insurance else ZERO)
    )
    record.benefits = records.benefits
    record.months = months
    return record


def _registrations(
    insurance: InsuranceRecord | None, months: list[MonthLine]
) -> list[Registration]:
    if insurance is None:
        return []
    unemployment = [m for m in months if m.unemployment_unit or m.unemployment_personal]
    injury = [m for m in months if m.injury_unit]
    status = insurance.status
    lines = [
        Registration(
            name="企业职工基本养老保险",
            status=status,
            since=insurance.first_contribution_date,
            months=insurance.contribution_months,
        )
    ]
    if unemployment:
        lines.append(
            Registration(
                name="失业保险",
                status="参保缴费" if status == "正常参保" else "停止缴费",
                since=unemployment[0].month,
                months=len(unemployment),
            )
        )
    if injury:
        lines.append(
            Registration(
                name="工伤保险",
                status="参保缴费" if status == "正常参保" else "停止缴费",
                since=injury[0].month,
                months=len(injury),
            )
        )
    return lines


def _years(months: list[MonthLine]) -> list[YearLine]:
    years: dict[int, YearLine] = {}
    for m in months:
        line = years.get(m.month.year)
        if line is None:
            line = years[m.month.year] = YearLine(year=m.month.year)
        line.months += 1
        line.base_total += m.base
        line.pension_unit += m.pension_unit
        line.pension_personal += m.pension_personal
        line.unemployment += m.unemployment_unit + m.unemployment_personal
        line.injury += m.injury_unit
    return [years[y] for y in sorted(years)]


def _account(months: list[MonthLine], *, today: dt.date) -> list[AccountLine]:
    """The personal account year by year up to the last full year (interest is credited at
    the end of a year): the same arithmetic as the balance on file (``rates.account_year``)."""
    credited: dict[int, Decimal] = {}
    for m in months:
        if m.month.year < today.year:
            credited[m.month.year] = credited.get(m.month.year, ZERO) + m.pension_personal
    lines, balance = [], ZERO
    for year in range(min(credited, default=today.year), today.year):
        interest, closing = account_year(
            year=year, opening=balance, credited=credited.get(year, ZERO)
        )
        lines.append(AccountLine(year, balance, credited.get(year, ZERO), interest, closing))
        balance = closing
    return lines


@dataclass(frozen=True)
class InsuranceOverview:
    """社保查询: registration, status, months, balance, the last payments and the payer."""

    name: str
    id_number_masked: str
    insurance: InsuranceRecord | None
    registrations: list[Registration]
    recent: list[MonthLine]


def insurance_overview_for(person: Person) -> InsuranceOverview:
    insurance = insurance_of(person)
    months = records_for(person).months
    return InsuranceOverview(
        name=person.name,
        id_number_masked=mask_id_number(person.id_number),
        insurance=insurance,
        registrations=_registrations(insurance, months),
        recent=months[-RECENT_MONTHS:][::-1],
    )


def pension_for(person: Person) -> BenefitLine | None:
    return next((b for b in records_for(person).benefits if b.kind == "pension"), None)


def annuity_for(person: Person) -> AnnuityLine | None:
    return records_for(person).annuity


def skill_certificates_for(person: Person) -> list[SkillLine]:
    return records_for(person).skills


def unemployment_months_paid(months: list[MonthLine]) -> int:
    return sum(1 for m in months if m.unemployment_unit or m.unemployment_personal)
