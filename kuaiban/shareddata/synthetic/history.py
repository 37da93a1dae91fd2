"""A synthetic person's history behind the self-service queries: month-by-month
contributions (with ``months``), the personal account they add up to, the pension or
unemployment benefit being paid, 职业年金 and vocational skill certificates.

Everything follows from the career already drawn (first contribution, jobs, status,
``contribution_months``, wage): the months paid are exactly ``contribution_months`` months
between the first contribution and the career's end, paid by the unit the person worked for
that month, or as 灵活就业 where no job covers the month; the personal account's balance is
those months' personal contributions with the published interest (``rates.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Union

from kuaiban.shareddata.rates import (
    FLEXIBLE_RATE,
    INJURY_RATES,
    INJURY_START,
    account_year,
    money,
    pension_rates,
    unemployment_rates,
)
from kuaiban.shareddata.records import (
    Benefit,
    BenefitKind,
    BenefitStatus,
    ContributionMonth,
    OccupationalAnnuity,
    SkillCertificate,
    SkillCertificateKind,
)
from kuaiban.shareddata.synthetic.careers import RETIREMENT_AGE
from kuaiban.shareddata.synthetic.dates import add_years, first_of_next_month, months_between
from kuaiban.shareddata.synthetic.regions import DISTRICTS
from kuaiban.shareddata.synthetic.rows import model_row

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.source import PersonDraft as GeneratedDraft


@dataclass
class StoredDraft:
    """A stored person's records (model instances), to draft their history the way the
    generator drafts a new person's (the self-service demo's people); ``extra`` gets rows."""

    person: Any
    insurance: Any = None
    employments: list[Any] = field(default_factory=list)
    unemployments: list[Any] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)


PersonDraft = Union["GeneratedDraft", StoredDraft]
EmploymentRecord = Any  # a generated row or a stored record: the same attributes

FLEXIBLE_PAYER = "个人缴费（灵活就业）"
ANNUITY_START = dt.date(2014, 10, 1)  # 国办发〔2015〕18号: 职业年金 from 1 October 2014
# 失业保险金: 90% of the local minimum wage (山东、江苏、山西 first tier, yuan a month).
MINIMUM_WAGE = {"37": Decimal(2200), "32": Decimal(2490), "14": Decimal(1980)}
_PUBLIC_UNITS = ("第一实验小学", "人民医院", "第三中学", "疾病预防控制中心", "社区卫生服务中心")
_TRADES = (
    "电工", "焊工", "车工", "钳工", "育婴员", "养老护理员", "中式烹调师", "美发师",
    "保育师", "汽车维修工", "电子商务师", "健康管理师", "茶艺师", "眼镜验光员",
)  # fmt: skip
_LEVELS = ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师")
_SKILL_LEVELS_FROM = dt.date(2020, 1, 1)
_LEVEL_DRAWS = _LEVELS[:3] * 3 + _LEVELS[3:]  # the three lower levels three times as often
_PROFESSIONAL = ("房地产估价师", "一级建造师", "二级建造师", "注册安全工程师", "中级经济师")


# The wage index of contributions and a pension: the wage against the average, within 60 % … 300 %.
_INDEX_MIN, _INDEX_MAX = Decimal("0.6"), Decimal(3)
_ACCOUNTS_FROM = dt.date(1996, 1, 1)  # years paid before the personal account: 过渡性养老金
_TRANSITIONAL_RATE = Decimal("0.012")  # 1.2 % of the indexed average wage a year
_EARLIER_YEARS = Decimal("0.95")  # the pension paid so far against today's


@functools.cache  # a handful of years, asked for every pensioner (and month by month)
def average_wage(year: int) -> Decimal:
    """A yearly average monthly wage (元) for the synthetic bases: about 6,800 in 2025,
    growing 9% a year before that."""
    return max(Decimal(100), money(Decimal(6800) / Decimal("1.09") ** (2025 - year)))


# The records are drawn as rows of their tables' columns (`rows.model_row`), not as model
# instances: making an instance costs more than drawing it. The demo's redraw
# (`shareddata/history.py`) turns them into instances.
_MonthRow = model_row(ContributionMonth)
_BenefitRow = model_row(Benefit)
_AnnuityRow = model_row(OccupationalAnnuity)
_SkillRow = model_row(SkillCertificate)


def history_add(rng: random.Random, *, draft: PersonDraft, as_of: dt.date, months: bool) -> None:
    person, insurance = draft.person, draft.insurance
    if add_years(person.birth_date, 18) <= as_of and rng.random() < 0.15:
        draft.extra.extend(_skill_certificates(rng, draft=draft, as_of=as_of))
    if insurance is None:
        return
    if months:
        paid = _months_paid(rng, draft=draft, as_of=as_of)
        rows = _contributions(rng, draft=draft, paid=paid, as_of=as_of)
        draft.extra.extend(rows)
        insurance = _insurance_update(
            draft, pension_account_balance=account_balance(rows, as_of=as_of)
        )
    if insurance.status == "已退休":
        draft.extra.append(_pension(draft=draft, as_of=as_of))
    spell = (
        next((s for s in draft.unemployments if s.status == "登记失业"), None)
        if draft.unemployments  # most have none: no generator to make
        else None
    )
    if spell is not None and insurance.contribution_months >= 12:
        draft.extra.append(
            _unemployment_benefit(draft=draft, registered=spell.registered_on, as_of=as_of)
        )
    if insurance.status == "正常参保" and rng.random() < 0.06:
        draft.extra.append(_annuity(rng, draft=draft, as_of=as_of))


def _insurance_update(draft: PersonDraft, **changes: Any) -> Any:
    """The draft's insurance record with ``changes``: a generated one is a tuple (replaced in
    the draft), the demo's a model instance (changed in place, saved by the demo)."""
    insurance = draft.insurance
    if isinstance(insurance, tuple):
        draft.insurance = insurance = insurance._replace(**changes)  # type: ignore[attr-defined]
    else:
        for name, value in changes.items():
            setattr(insurance, name, value)
    return insurance


def _career_end(draft: PersonDraft, as_of: dt.date) -> dt.date:
    insurance = draft.insurance
    assert insurance is not None
    person = draft.person
    if insurance.status == "已退休":
        return add_years(person.birth_date, RETIREMENT_AGE[person.gender == "男"])
    if insurance.status == "暂停缴费" and draft.employments:
        last = draft.employments[0].end_date
        return last or as_of
    return as_of


def _month(start: dt.date, offset: int) -> dt.date:
    total = start.year * 12 + start.month - 1 + offset
    return dt.date(total // 12, total % 12 + 1, 1)


def _months_paid(
    rng: random.Random, *, draft: PersonDraft, as_of: dt.date
) -> list[tuple[dt.date, EmploymentRecord | None]]:
    """Exactly ``contribution_months`` months from the first, each with the job paying it
    (None: 灵活就业); the months left out are a few stretches of interruption."""
    insurance = draft.insurance
    assert insurance is not None
    first = insurance.first_contribution_date.replace(day=1)
    span = max(1, months_between(first, _career_end(draft, as_of)))
    jobs = sorted(draft.employments, key=lambda j: j.start_date)
    months: list[tuple[dt.date, EmploymentRecord | None]] = []
    for offset in range(span):
        month = _month(first, offset)
        job = next(
            (
                j
                for j in jobs
                if j.start_date <= month and (j.end_date is None or j.end_date >= month)
            ),
            None,
        )
        months.append((month, job))
    want = min(insurance.contribution_months, span)
    if want <= 0:
        # Registered but nothing paid yet (a graduate insured this month): no months, and the
        # loop below could never drop the first month it always keeps.
        _insurance_update(draft, contribution_months=0)
        return []
    keep = [True] * span
    # Interruptions: first between jobs (months no job covers), then stretches of up to two years.
    gaps = [i for i in range(1, span) if months[i][1] is None]
    drop = span - want
    for i in gaps[:drop]:
        keep[i] = False
    drop -= min(drop, len(gaps))
    while drop > 0:
        start = rng.randrange(1, span) if span > 1 else 0
        for i in range(start, min(span, start + rng.randint(1, 24))):
            if drop and keep[i] and i:
                keep[i] = False
                drop -= 1
    _insurance_update(draft, contribution_months=sum(keep))
    return [m for m, k in zip(months, keep, strict=True) if k]


def _contributions(
    rng: random.Random,
    *,
    draft: PersonDraft,
    paid: list[tuple[dt.date, EmploymentRecord | None]],
    as_of: dt.date,
) -> list[Any]:
    insurance = draft.insurance
    assert insurance is not None
    wage = insurance.monthly_wage or Decimal(rng.randrange(3000, 12000, 10))
    ratio = min(_INDEX_MAX, max(_INDEX_MIN, wage / average_wage(as_of.year - 1)))
    injury = Decimal(rng.choice(INJURY_RATES))
    rows = []
    for month, job in paid:
        base = money(average_wage(month.year) * ratio)
        if job is None:
            rows.append(
                _MonthRow(
                    month=month,
                    base=base,
                    payer_name=FLEXIBLE_PAYER,
                    pension_unit=money(base * (FLEXIBLE_RATE - Decimal("0.08"))),
                    pension_personal=money(base * Decimal("0.08")),
                )
            )
            continue
        pension_unit, pension_personal = pension_rates(month)
        unemployment_unit, unemployment_personal = unemployment_rates(month)
        rows.append(
            _MonthRow(
                month=month,
                base=base,
                payer_name=job.unit_name,
                payer_credit_code=job.unit_credit_code,
                pension_unit=money(base * pension_unit),
                pension_personal=money(base * pension_personal),
                unemployment_unit=money(base * unemployment_unit),
                unemployment_personal=money(base * unemployment_personal),
                injury_unit=money(base * injury) if month >= INJURY_START else Decimal(0),
            )
        )
    return rows


def account_balance(rows: list[Any], *, as_of: dt.date) -> Decimal:
    """The personal account at the end of the last full year: personal contributions with interest."""
    by_year: dict[int, Decimal] = {}
    for row in rows:
        if row.month.year < as_of.year:
            by_year[row.month.year] = by_year.get(row.month.year, Decimal(0)) + row.pension_personal
    balance = Decimal(0)
    for year in range(min(by_year, default=as_of.year), as_of.year):
        _, balance = account_year(
            year=year, opening=balance, credited=by_year.get(year, Decimal(0))
        )
    return balance


def _pension(*, draft: PersonDraft, as_of: dt.date) -> Any:
    """基本养老金 by 国发〔2005〕38号: 基础 + 个人账户 + 过渡性, raised about 3% a year since."""
    person, insurance = draft.person, draft.insurance
    assert insurance is not None
    male = person.gender == "男"
    start = first_of_next_month(add_years(person.birth_date, RETIREMENT_AGE[male]))
    average = average_wage(start.year - 1)
    wage = insurance.monthly_wage or average
    index = min(_INDEX_MAX, max(_INDEX_MIN, wage / average_wage(as_of.year - 1)))
    years = Decimal(insurance.contribution_months) / 12
    basic = money(average * (1 + index) / 2 * years / 100)
    account = money(insurance.pension_account_balance / (139 if male else 170))
    before_1996 = max(0, months_between(insurance.first_contribution_date, _ACCOUNTS_FROM))
    transitional = money(average * index * Decimal(before_1996) / 12 * _TRANSITIONAL_RATE)
    raises = max(0, as_of.year - start.year)
    factor = _raised(raises)
    paid = months_between(start, as_of)
    monthly = money((basic + account + transitional) * factor)
    basic_part, account_part = money(basic * factor), money(account * factor)
    return _BenefitRow(
        kind=BenefitKind.PENSION,
        status=BenefitStatus.PAYING,
        started_on=start,
        monthly_amount=monthly,
        basic_part=basic_part,
        account_part=account_part,
        transitional_part=money(monthly - basic_part - account_part),
        months_paid=paid,
        paid_total=money(monthly * paid * _EARLIER_YEARS),  # earlier years were a little lower
        bank=insurance.card_bank,
        region_name=insurance.region_name,
    )


@functools.cache
def _raised(years: int) -> Decimal:
    """The factor of ``years`` yearly pension raises of 3%."""
    return Decimal("1.03") ** years


def unemployment_months(contribution_months: int) -> int:
    """《失业保险条例》第十七条: 1–5 years paid → 12 months, 5–10 → 18, 10 or more → 24."""
    return 24 if contribution_months >= 120 else 18 if contribution_months >= 60 else 12


def _unemployment_benefit(*, draft: PersonDraft, registered: dt.date, as_of: dt.date) -> Any:
    insurance = draft.insurance
    assert insurance is not None
    total = unemployment_months(insurance.contribution_months)
    start = first_of_next_month(registered)
    paid = min(total, months_between(start, as_of))
    monthly = money(MINIMUM_WAGE.get(draft.person.region_code[:2], Decimal(2000)) * Decimal("0.9"))
    return _BenefitRow(
        kind=BenefitKind.UNEMPLOYMENT,
        status=BenefitStatus.PAYING if paid < total else BenefitStatus.ENDED,
        started_on=start,
        ends_on=_month(start, total - 1),
        monthly_amount=monthly,
        months_total=total,
        months_paid=paid,
        paid_total=monthly * paid,
        bank=insurance.card_bank,
        region_name=insurance.region_name,
    )


def _annuity(rng: random.Random, *, draft: PersonDraft, as_of: dt.date) -> Any:
    insurance = draft.insurance
    assert insurance is not None
    district = DISTRICTS[draft.person.region_code]
    joined = max(ANNUITY_START, insurance.first_contribution_date.replace(day=1))
    count = months_between(joined, as_of)
    wage = insurance.monthly_wage or Decimal(6000)
    unit_total, personal_total = (
        money(wage * Decimal("0.08") * count),
        money(wage * Decimal("0.04") * count),
    )
    earnings = money((unit_total + personal_total) * Decimal(rng.uniform(0.03, 0.12)))
    return _AnnuityRow(
        unit_name=f"{district.city}{district.name}{rng.choice(_PUBLIC_UNITS)}",
        joined_on=joined,
        unit_total=unit_total,
        personal_total=personal_total,
        earnings=earnings,
        balance=unit_total + personal_total + earnings,
        last_month=_month(as_of.replace(day=1), -1) if count else None,
        status="正常缴费",
    )


def _number(prefix: str, id_number: str, n: int, digits: int) -> str:
    digest = hashlib.blake2b(f"{id_number}/{n}".encode(), digest_size=8).digest()
    return f"{prefix}{int.from_bytes(digest) % 10**digits:0{digits}d}"


def _skill_certificates(rng: random.Random, *, draft: PersonDraft, as_of: dt.date) -> list[Any]:
    person = draft.person
    district = DISTRICTS[person.region_code]
    earliest = add_years(person.birth_date, 18)
    certificates = []
    for n in range(rng.choice((1, 1, 1, 2))):
        issued = earliest + dt.timedelta(days=rng.randrange(max(1, (as_of - earliest).days)))
        # 2020 起技能人员职业资格退出目录，改发职业技能等级证书（人社部发〔2020〕96号前后）。
        skill_level = issued >= _SKILL_LEVELS_FROM
        certificates.append(
            _SkillRow(
                kind=SkillCertificateKind.SKILL_LEVEL
                if skill_level
                else SkillCertificateKind.VOCATIONAL,
                number=_number(
                    "S" if skill_level else "", person.id_number, n, 18 if skill_level else 14
                ),
                occupation=rng.choice(_TRADES),
                level=rng.choice(_LEVEL_DRAWS),
                issuer=(
                    f"{district.city}职业技能等级认定中心"
                    if skill_level
                    else f"{district.city}人力资源和社会保障局"
                ),
                issued_on=issued,
            )
        )
    if person.education in {"大学本科", "硕士研究生", "博士研究生"} and rng.random() < 0.15:
        issued = max(earliest, as_of - dt.timedelta(days=rng.randrange(1, 3650)))
        certificates.append(
            _SkillRow(
                kind=SkillCertificateKind.PROFESSIONAL,
                number=_number("", person.id_number, 9, 10),
                occupation=rng.choice(_PROFESSIONAL),
                issuer="人力资源社会保障部",
                issued_on=issued,
            )
        )
    return certificates
