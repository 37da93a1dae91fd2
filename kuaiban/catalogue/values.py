"""Whether a value fits a form field's type: one rule for intake, prefill and pack files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from kuaiban.catalogue.models import FieldType
from kuaiban.core.identifiers import credit_code_error, id_number_error
from kuaiban.core.text import is_ascii_digits

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)
_BANK_ACCOUNT = re.compile(r"^\d{12,25}$", re.ASCII)
_MAX_LENGTH = {FieldType.TEXTAREA: 2000}
_MONEY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")
_MONEY_MAX = Decimal("100000000")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates in these forms are events of a working life: a contribution since the 1950s, a contract
# that ends in some years. Outside this window a date is a typo (or 9999-12-31, 0001-01-01).
_EARLIEST_DATE = dt.date(1900, 1, 1)
_LATEST_YEARS_AHEAD = 20


def _date_error(value: str) -> str | None:
    # fromisoformat alone would take "20261202" and "2026-W49-3".
    try:
        day = dt.date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        return "请按 年-月-日 填写日期，如 2026-11-23"
    latest = timezone.localdate().replace(month=1, day=1)
    latest = latest.replace(year=latest.year + _LATEST_YEARS_AHEAD)
    if not _EARLIEST_DATE <= day <= latest:
        return f"日期应在 {_EARLIEST_DATE.year} 年至 {latest.year} 年之间"
    return None


def field_value_error(
    *, field_type: str, label: str, choices: Sequence[str], value: str
) -> str | None:
    """Why ``value`` is not acceptable for a field of this type, or None."""
    kind = FieldType(field_type)
    if len(value) > _MAX_LENGTH.get(kind, 200):
        return f"“{label}”内容过长"
    if kind == FieldType.ID_NUMBER:
        return id_number_error(value)
    if kind == FieldType.CREDIT_CODE:
        return credit_code_error(value)
    if kind == FieldType.PHONE and not (_MOBILE.match(value) or _LANDLINE.match(value)):
        return "请填写11位手机号或带区号的固定电话"
    if kind == FieldType.BANK_ACCOUNT and not _BANK_ACCOUNT.match(value.replace(" ", "")):
        return "银行账号应为12至25位数字"
    if kind == FieldType.DATE:
        return _date_error(value)
    if kind == FieldType.INTEGER and not (is_ascii_digits(value) and len(value) <= 9):
        return "请填写整数"
    # Money: ASCII digits with at most two decimals; Decimal() alone would also take "NaN",
    # "Infinity", "1e9" and full-width digits, which no form field should hold.
    if kind == FieldType.MONEY and (not _MONEY.fullmatch(value) or Decimal(value) > _MONEY_MAX):
        return "金额应为不超过两位小数的非负数，如 3500 或 3500.50，最多一亿元"
    if kind in (FieldType.CHOICE, FieldType.CARD_POINT) and value not in choices:
        return f"请从以下选项中选择：{'、'.join(choices)}"
    if kind == FieldType.BOOL and value not in ("true", "false"):
        return "请选择“是”或“否”"
    return None
