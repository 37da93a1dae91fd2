"""Reading check parameters and form values: the readers, `_Form`, the person and the date."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kuaiban.core.identifiers import birth_date, id_number_error

GENDERS = ("男", "女")


class _Bad(ValueError):
    """A value that cannot be used; the message says why, in Chinese."""


# ---------------------------------------------------------------------------------------------
# Reading parameters: each reader returns the JSON-ready value or raises _Bad
# ---------------------------------------------------------------------------------------------


def _read_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Bad("应为数字")
    return value


def _read_scalar(value: Any) -> str:
    """A value to compare with a form value, which is always text ("true"/"false" for yes/no)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str) and str(value).strip():
        return str(value).strip()
    raise _Bad("应为文字、数字或 true / false")


def _read_scalars(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _Bad("应为非空列表")
    return [_read_scalar(v) for v in value]


def _read_age(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 150:
        raise _Bad("应为 1 至 150 之间的整数（周岁）")
    return value


def _read_by_gender(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping) or set(value) != set(GENDERS):
        raise _Bad("应为 {男: 周岁, 女: 周岁}，两个性别都要给出")
    return {gender: _read_age(value[gender]) for gender in GENDERS}


def _read_date(value: Any) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise _Bad("应为日期 YYYY-MM-DD") from None


def _read_field_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("应为字段键，如 retirement_date")
    return value.strip()


def _whole(low: int, high: int, unit: str) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Bad(f"应为 {low} 至 {high} 之间的整数（{unit}）")
        return value

    return read


_MONTHS = _whole(1, 600, "月")


# ---------------------------------------------------------------------------------------------
# The form as the evaluators read it
# ---------------------------------------------------------------------------------------------


class _Form:
    def __init__(self, form: Mapping[str, Any], labels: Mapping[str, str], on: dt.date) -> None:
        self.form, self.labels, self.on = form, labels, on

    def value(self, key: str) -> str:
        value = self.form.get(key)
        return "" if value is None else str(value).strip()

    def label(self, key: str) -> str:
        return self.labels.get(key) or key

    def number(self, key: str) -> Decimal:
        try:
            number = Decimal(self.value(key))
        except InvalidOperation:
            raise _Bad(f"{self.label(key)}“{self.value(key)}”不是数字") from None
        if not number.is_finite():
            raise _Bad(f"{self.label(key)}“{self.value(key)}”不是数字")
        return number

    def date(self, key: str) -> dt.date:
        if not self.value(key):
            raise _Bad(f"未提供{self.label(key)}")
        try:
            return dt.date.fromisoformat(self.value(key))
        except ValueError:
            raise _Bad(f"{self.label(key)}“{self.value(key)}”不是日期") from None


def _shown(value: str) -> str:
    return {"true": "是", "false": "否"}.get(value, value)


def _plain(number: Decimal | int | float) -> str:
    return format(Decimal(str(number)).normalize(), "f")


def _person(check: Mapping[str, Any], form: _Form, *, purpose: str) -> tuple[str, dt.date]:
    """Gender and birth date from the ID number in the check's field."""
    label, id_number = form.label(check["field"]), form.value(check["field"]).upper()
    if id_number_error(id_number):
        raise _Bad(f"{label}不是有效的居民身份证号，无法计算{purpose}")
    # GB 11643: the 17th character is the sequence code, odd for men and even for women.
    gender = GENDERS[0] if int(id_number[16]) % 2 else GENDERS[1]
    return gender, birth_date(id_number)


def _when(check: Mapping[str, Any], form: _Form) -> tuple[dt.date, str]:
    """The date a check counts at, and its name: the `at` date field or the application date."""
    if check.get("at"):
        return form.date(check["at"]), form.label(check["at"])
    return form.on, "申请日"
