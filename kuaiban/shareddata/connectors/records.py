"""A person's records behind the self-service queries, as every connector gives them:
month-by-month contributions, benefits, 职业年金 and skill certificates (``PersonRecords``),
and the strict reading of the platform's answer (``records_parse``; contract in README.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from kuaiban.shareddata.connectors.base import SharedDataUnavailable


@dataclass(frozen=True)
class MonthLine:
    month: dt.date
    payer: str
    base: Decimal
    pension_unit: Decimal
    pension_personal: Decimal
    unemployment_unit: Decimal
    unemployment_personal: Decimal
    injury_unit: Decimal
    payer_credit_code: str = ""


@dataclass(frozen=True)
class BenefitLine:
    kind: str  # pension | unemployment
    kind_label: str
    status: str  # paying | suspended | ended
    status_label: str
    started_on: dt.date
    ends_on: dt.date | None
    monthly_amount: Decimal
    basic_part: Decimal
    account_part: Decimal
    transitional_part: Decimal
    months_total: int | None
    months_paid: int
    paid_total: Decimal
    bank: str
    region_name: str


@dataclass(frozen=True)
class AnnuityLine:
    unit_name: str
    joined_on: dt.date
    status: str
    last_month: dt.date | None
    unit_total: Decimal
    personal_total: Decimal
    earnings: Decimal
    balance: Decimal


@dataclass(frozen=True)
class SkillLine:
    kind: str  # skill_level | vocational | professional
    kind_label: str
    number: str
    occupation: str
    level: str
    issuer: str
    issued_on: dt.date
    pk: int | None = None  # the local row, when the local source answered


@dataclass
class PersonRecords:
    months: list[MonthLine] = field(default_factory=list)  # oldest first
    benefits: list[BenefitLine] = field(default_factory=list)
    annuity: AnnuityLine | None = None
    skills: list[SkillLine] = field(default_factory=list)  # newest first


BENEFIT_KINDS = {"pension": "基本养老金", "unemployment": "失业保险金"}
BENEFIT_STATUSES = {"paying": "正常发放", "suspended": "暂停发放", "ended": "已终止"}
SKILL_KINDS = {
    "skill_level": "职业技能等级证书",
    "vocational": "职业资格证书（技能人员）",
    "professional": "专业技术人员职业资格证书",
}
_MONEY = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
T = TypeVar("T")


def records_parse(document: dict[str, Any]) -> PersonRecords:
    """The answer of ``GET {url}/persons/{id_number}/records``, read strictly: anything off
    contract (a missing or extra field, a wrong type, a bad date or amount) refuses it all."""
    _keys(document, {"contributions", "benefits", "annuity", "skill_certificates"}, "记录")
    annuity = document["annuity"]
    return PersonRecords(
        months=sorted(_list(document["contributions"], _month), key=lambda m: m.month),
        benefits=_list(document["benefits"], _benefit),
        annuity=None if annuity is None else _annuity(annuity),
        skills=sorted(
            _list(document["skill_certificates"], _skill), key=lambda s: s.issued_on, reverse=True
        ),
    )


def _malformed(detail: str) -> SharedDataUnavailable:
    return SharedDataUnavailable(f"共享数据平台返回的数据格式不正确：{detail}")


def _keys(item: object, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(item, dict) or set(item) != keys:
        raise _malformed(f"{what}应为含 {'、'.join(sorted(keys))} 的对象")
    return item


def _list(raw: object, read: Callable[[Any], T]) -> list[T]:
    if not isinstance(raw, list) or len(raw) > 2000:
        raise _malformed("应为不超过2000项的列表")
    return [read(item) for item in raw]


def _text(raw: object, *, limit: int = 120, blank: bool = True) -> str:
    if not isinstance(raw, str) or len(raw) > limit or (not blank and not raw):
        raise _malformed("文字项应为字符串")
    return raw


def _money(raw: object) -> Decimal:
    if not isinstance(raw, str) or not _MONEY.match(raw):
        raise _malformed(f"金额应为如 1234.56 的字符串：{str(raw)[:20]}")
    try:
        return Decimal(raw)
    except InvalidOperation as error:  # pragma: no cover - the pattern already checked it
        raise _malformed("金额格式不正确") from error


def _date(raw: object, *, optional: bool = False) -> dt.date | None:
    if raw is None and optional:
        return None
    try:
        return (
            dt.date.fromisoformat(raw)
            if isinstance(raw, str) and len(raw) == 10
            else _bad_date(raw)
        )
    except ValueError:
        return _bad_date(raw)


def _bad_date(raw: object) -> dt.date:
    raise _malformed(f"日期应为 YYYY-MM-DD：{str(raw)[:20]}")


def _required_date(raw: object) -> dt.date:
    found = _date(raw)
    assert found is not None
    return found


def _count(raw: object, *, optional: bool = False) -> int | None:
    if raw is None and optional:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 10_000:
        raise _malformed("月数应为非负整数")
    return raw


def _month(item: object) -> MonthLine:
    fields = {
        "month", "payer_name", "payer_credit_code", "base", "pension_unit", "pension_personal",
        "unemployment_unit", "unemployment_personal", "injury_unit",
    }  # fmt: skip
    row = _keys(item, fields, "缴费记录")
    if not isinstance(row["month"], str) or not _MONTH.match(row["month"]):
        raise _malformed("费款所属期应为 YYYY-MM")
    return MonthLine(
        month=dt.date.fromisoformat(f"{row['month']}-01"),
        payer=_text(row["payer_name"], blank=False),
        payer_credit_code=_text(row["payer_credit_code"], limit=18),
        base=_money(row["base"]),
        pension_unit=_money(row["pension_unit"]),
        pension_personal=_money(row["pension_personal"]),
        unemployment_unit=_money(row["unemployment_unit"]),
        unemployment_personal=_money(row["unemployment_personal"]),
        injury_unit=_money(row["injury_unit"]),
    )


def _benefit(item: object) -> BenefitLine:
    fields = {
        "kind", "status", "started_on", "ends_on", "monthly_amount", "basic_part", "account_part",
        "transitional_part", "months_total", "months_paid", "paid_total", "bank", "region_name",
    }  # fmt: skip
    row = _keys(item, fields, "待遇记录")
    if row["kind"] not in BENEFIT_KINDS or row["status"] not in BENEFIT_STATUSES:
        raise _malformed("未约定的待遇类型或发放状态")
    return BenefitLine(
        kind=row["kind"],
        kind_label=BENEFIT_KINDS[row["kind"]],
        status=row["status"],
        status_label=BENEFIT_STATUSES[row["status"]],
        started_on=_required_date(row["started_on"]),
        ends_on=_date(row["ends_on"], optional=True),
        monthly_amount=_money(row["monthly_amount"]),
        basic_part=_money(row["basic_part"]),
        account_part=_money(row["account_part"]),
        transitional_part=_money(row["transitional_part"]),
        months_total=_count(row["months_total"], optional=True),
        months_paid=_count(row["months_paid"]) or 0,
        paid_total=_money(row["paid_total"]),
        bank=_text(row["bank"], limit=60),
        region_name=_text(row["region_name"], limit=60),
    )


def _annuity(item: object) -> AnnuityLine:
    fields = {
        "unit_name", "joined_on", "status", "last_month", "unit_total", "personal_total",
        "earnings", "balance",
    }  # fmt: skip
    row = _keys(item, fields, "职业年金")
    return AnnuityLine(
        unit_name=_text(row["unit_name"], blank=False),
        joined_on=_required_date(row["joined_on"]),
        status=_text(row["status"], limit=20, blank=False),
        last_month=_date(row["last_month"], optional=True),
        unit_total=_money(row["unit_total"]),
        personal_total=_money(row["personal_total"]),
        earnings=_money(row["earnings"]),
        balance=_money(row["balance"]),
    )


def _skill(item: object) -> SkillLine:
    fields = {"kind", "number", "occupation", "level", "issuer", "issued_on"}
    row = _keys(item, fields, "证书")
    if row["kind"] not in SKILL_KINDS:
        raise _malformed("未约定的证书类别")
    return SkillLine(
        kind=row["kind"],
        kind_label=SKILL_KINDS[row["kind"]],
        number=_text(row["number"], limit=40, blank=False),
        occupation=_text(row["occupation"], limit=60, blank=False),
        level=_text(row["level"], limit=20),
        issuer=_text(row["issuer"], limit=80, blank=False),
        issued_on=_required_date(row["issued_on"]),
    )
