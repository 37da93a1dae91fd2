"""Whether a value fits a form field's type: one rule for intake, prefill and pack files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from kuaiban.catalogue.models import FieldType
from kuaiban.core.identifiers import credit_code_error, id_number_error

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_BANK_ACCOUNT = re.compile(r"^\d{12,25}$")
_MAX_LENGTH = {FieldType.TEXTAREA: 2000}


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
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "请按 年-月-日 填写日期，如 2026-11-23"
    if kind == FieldType.INTEGER and not (value.isdigit() and len(value) <= 9):
        return "请填写整数"
    if kind == FieldType.MONEY:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return "请填写金额，如 3500 或 3500.50"
        if amount < 0 or amount.as_tuple().exponent < -2 or amount > Decimal("100000000"):  # type: ignore[operator]
            return "金额应为不超过两位小数的非负数"
    if kind == FieldType.CHOICE and value not in choices:
        return f"请从以下选项中选择：{'、'.join(choices)}"
    if kind == FieldType.BOOL and value not in ("true", "false"):
        return "请选择“是”或“否”"
    return None
