"""A rule's amount formula (money paid), read in Python for one subject and in SQL for all.

Three shapes, all bureau-set numbers as data:
- `{fixed: 3600}` — the same amount for everyone;
- `{base: insurance.monthly_wage, rate: 0.6}` — a share (or a multiple) of a money field;
- `{base: path, rate_by: path, rates: {大型: 0.3, 中型: 0.6}}` — the rate by another field's
  value (enterprise size, disability grade); a value without a rate pays nothing.
Amounts are rounded to the fen (0.01 yuan), half up, in both readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, DecimalField, Expression, F, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from kuaiban.proactive.language.fields import DataField

_FEN = Decimal("0.01")
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def amount_normalize(
    raw: Any, *, fields: Mapping[str, DataField]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The formula as JSON-ready data (numbers as text), and what is wrong with it."""
    if raw is None:
        return None, []
    if not isinstance(raw, Mapping):
        return None, ["金额公式应为键值映射：fixed，或 base 与 rate / rate_by + rates"]
    shape = set(raw)
    if shape == {"fixed"}:
        fixed = _number(raw["fixed"])
        return ({"fixed": str(fixed)}, []) if fixed is not None else (None, ["fixed 应为非负数"])
    if shape not in ({"base", "rate"}, {"base", "rate_by", "rates"}):
        return None, ["金额公式应为 {fixed} 或 {base, rate} 或 {base, rate_by, rates}"]
    problems = []
    base = fields.get(str(raw["base"]))
    if base is None or base.field_type not in ("money", "integer"):
        problems.append(f"base“{raw['base']}”应为金额或整数类的共享数据字段")
    out: dict[str, Any] = {"base": str(raw["base"])}
    if "rate" in raw:
        rate = _number(raw["rate"])
        if rate is None:
            problems.append("rate 应为非负数")
        out["rate"] = str(rate)
        return (out if not problems else None), problems
    if str(raw["rate_by"]) not in fields:
        problems.append(f"rate_by“{raw['rate_by']}”不是共享数据字段")
    rates = raw["rates"]
    if not isinstance(rates, Mapping) or not rates:
        problems.append("rates 应为非空的 {取值: 比例} 映射")
        return None, problems
    out["rate_by"] = str(raw["rate_by"])
    out["rates"] = {}
    for key, value in rates.items():
        rate = _number(value)
        if rate is None:
            problems.append(f"rates 中“{key}”的比例应为非负数")
        out["rates"][str(key)] = str(rate)
    return (out if not problems else None), problems


def _round(value: Decimal) -> Decimal:
    return value.quantize(_FEN, rounding=ROUND_HALF_UP)


def amount_compute(
    formula: Mapping[str, Any] | None, *, values: Mapping[str, Any], labels: Mapping[str, str]
) -> tuple[Decimal | None, str]:
    """The amount for one subject and how it was computed, in Chinese."""
    if formula is None:
        return None, ""
    if "fixed" in formula:
        amount = _round(Decimal(formula["fixed"]))
        return amount, f"定额 {amount:,.2f} 元"
    base_path = formula["base"]
    base = _number(values.get(base_path)) or Decimal(0)
    base_text = f"{labels.get(base_path, base_path)} {base:,.2f} 元"
    if "rate" in formula:
        rate = Decimal(formula["rate"])
        amount = _round(base * rate)
        return amount, f"{base_text} × {_plain(rate)} = {amount:,.2f} 元"
    by_path = formula["rate_by"]
    by_value = "" if values.get(by_path) is None else str(values[by_path])
    by_label = labels.get(by_path, by_path)
    if by_value not in formula["rates"]:
        return Decimal("0.00"), f"{by_label}“{by_value}”没有对应的比例，金额为 0"
    rate = Decimal(formula["rates"][by_value])
    amount = _round(base * rate)
    return amount, f"{base_text} × {_plain(rate)}（{by_label}为“{by_value}”）= {amount:,.2f} 元"


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def amount_expression(
    formula: Mapping[str, Any] | None, *, fields: Mapping[str, DataField]
) -> Expression:
    """The same amount as a database expression (NULL when the rule pays nothing)."""
    if formula is None:
        return Cast(Value(None), output_field=_MONEY)
    if "fixed" in formula:
        return Cast(Value(Decimal(formula["fixed"])), output_field=_MONEY)
    base = Coalesce(F(fields[formula["base"]].lookup), Value(Decimal(0)), output_field=_MONEY)
    if "rate" in formula:
        product: Expression = base * Value(Decimal(formula["rate"]), output_field=_MONEY)
    else:
        by = fields[formula["rate_by"]].lookup
        product = Case(
            *(
                When(**{by: key}, then=base * Value(Decimal(rate), output_field=_MONEY))
                for key, rate in formula["rates"].items()
            ),
            default=Value(Decimal(0), output_field=_MONEY),
            output_field=_MONEY,
        )
    return Round(product, 2, output_field=_MONEY)
