"""Checking the merged form: each field by its type, with a message an applicant understands."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kuaiban.bundles.planning import PlanField
from kuaiban.catalogue.models import FieldType
from kuaiban.core.identifiers import credit_code_error, id_number_error

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_BANK_ACCOUNT = re.compile(r"^\d{12,25}$")
_MAX_LENGTH = {FieldType.TEXTAREA: 2000}


def _check(field: PlanField, value: str) -> str | None:
    """Why ``value`` is not acceptable for ``field``, or None."""
    kind = FieldType(field.field_type)
    if len(value) > _MAX_LENGTH.get(kind, 200):
        return f"“{field.label}”内容过长"
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
    if kind == FieldType.CHOICE and value not in field.choices:
        return f"请从以下选项中选择：{'、'.join(field.choices)}"
    if kind == FieldType.BOOL and value not in ("true", "false"):
        return "请选择“是”或“否”"
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(value).strip() if isinstance(value, str) else "\x00"


def form_clean(
    *, fields: list[PlanField], data: dict[str, Any]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(clean values, errors by field key). Prefilled values stand in for what is left empty."""
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    known = {f.key for f in fields}
    for key in data:
        if key not in known:
            errors.setdefault(f"form.{key}", []).append("该一件事的表单中没有这一项")
    for field in fields:
        value = _text(data.get(field.key))
        if value == "\x00":
            errors[f"form.{field.key}"] = [f"“{field.label}”应为文字"]
            continue
        if not value and field.prefill:
            value = field.prefill
        if not value:
            if field.required:
                errors[f"form.{field.key}"] = [f"请填写“{field.label}”"]
            continue
        problem = _check(field, value)
        if problem:
            errors[f"form.{field.key}"] = [problem]
        else:
            clean[field.key] = (
                value.upper() if field.field_type in ("id_number", "credit_code") else value
            )
    return clean, errors
