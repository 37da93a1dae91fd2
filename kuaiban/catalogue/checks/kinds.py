"""The check kinds: the `KINDS` table, its parameters and the evaluators of the simple kinds."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from kuaiban.catalogue.checks.retirement import (
    _eval_contribution_min,
    _eval_retirement_age,
    _read_schedule,
    _read_women,
)
from kuaiban.catalogue.checks.values import (
    _MONTHS,
    _Form,
    _person,
    _plain,
    _read_age,
    _read_by_gender,
    _read_date,
    _read_field_key,
    _read_number,
    _read_scalar,
    _read_scalars,
    _shown,
    _when,
    _whole,
)


class FieldLike(Protocol):
    """What the validator needs to know of a form field (a `FieldSpec` or a `FormField`)."""

    @property
    def field_type(self) -> str: ...

    @property
    def choices(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class CheckProblem:
    """What is wrong with one check; ``param`` is the key it is about ("" = the whole check)."""

    param: str
    message: str


# ---------------------------------------------------------------------------------------------
# Evaluating: each evaluator gets a normalised check and a form whose field value is present
# ---------------------------------------------------------------------------------------------


def _eval_present(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    return True, f"已提供{form.label(check['field'])}"


def _eval_bound(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    """`min` and `max`: the field's number against the limit."""
    label, number = form.label(check["field"]), form.number(check["field"])
    limit = Decimal(str(check["value"]))
    low = check["kind"] == "min"
    passed = number >= limit if low else number <= limit
    relation = ("不低于" if passed else "低于") if low else ("不高于" if passed else "高于")
    return passed, f"{label}为{_plain(number)}，{relation}{_plain(limit)}"


def _eval_equals(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, value = form.label(check["field"]), form.value(check["field"])
    if value == check["value"]:
        return True, f"{label}为“{_shown(value)}”"
    return False, f"{label}为“{_shown(value)}”，应为“{_shown(check['value'])}”"


def _eval_in(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, value = form.label(check["field"]), form.value(check["field"])
    if value in check["values"]:
        return True, f"{label}为“{_shown(value)}”"
    allowed = "、".join(_shown(v) for v in check["values"])
    return False, f"{label}为“{_shown(value)}”，不在允许的范围（{allowed}）内"


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _eval_age_min(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    gender, born = _person(check, form, purpose="年龄")
    on, when = _when(check, form)
    need = check["by_gender"][gender] if "by_gender" in check else check["value"]
    age = _age(born, on)
    facts = f"{gender}，{born.isoformat()}出生，至{when}{on.isoformat()}"
    if age >= need:
        return True, f"{facts}已满{age}周岁（要求{need}周岁）"
    return False, f"{facts}为{age}周岁，未满{need}周岁"


def _eval_date_not_after_today(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, date = form.label(check["field"]), form.date(check["field"])
    if date <= form.on:
        return True, f"{label}为{date.isoformat()}，不晚于申请日{form.on.isoformat()}"
    return False, f"{label}为{date.isoformat()}，晚于申请日{form.on.isoformat()}"


def _eval_date_not_before(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, date = form.label(check["field"]), form.date(check["field"])
    if check.get("other"):
        bound = form.date(check["other"])
        bound_text = f"{form.label(check['other'])}{bound.isoformat()}"
    else:
        bound = dt.date.fromisoformat(check["value"])
        bound_text = bound.isoformat()
    if date >= bound:
        return True, f"{label}为{date.isoformat()}，不早于{bound_text}"
    return False, f"{label}为{date.isoformat()}，早于{bound_text}"


def _months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later, or that month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _eval_date_within_months(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, date = form.label(check["field"]), form.date(check["field"])
    limit = _months_later(form.on, check["months"])
    if date <= limit:
        return True, f"{label}为{date.isoformat()}，在申请日后{check['months']}个月内"
    return False, (
        f"{label}为{date.isoformat()}，晚于申请日后{check['months']}个月（{limit.isoformat()}）；"
        f"请在{label}前{check['months']}个月内申请"
    )


def _eval_not_in(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, value = form.label(check["field"]), form.value(check["field"])
    if value not in check["values"]:
        return True, f"{label}为“{_shown(value)}”"
    return False, f"{label}为“{_shown(value)}”"


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, or that month's last day if it is shorter."""
    return _months_later(day, -months)


def _eval_date_months_before(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    """The date lies at least `months` months before the application date (参保满12个月)."""
    label, date = form.label(check["field"]), form.date(check["field"])
    bound = months_back(form.on, check["months"])
    if date <= bound:
        return (
            True,
            f"{label}为{date.isoformat()}，至{form.on.isoformat()}已满{check['months']}个月",
        )
    return False, f"{label}为{date.isoformat()}，至{form.on.isoformat()}不满{check['months']}个月"


def _eval_date_within_past_months(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    """The date lies in the `months` months up to the application date (近6个月内有记录)."""
    label, date = form.label(check["field"]), form.date(check["field"])
    bound = months_back(form.on, check["months"])
    if bound <= date <= form.on:
        return (
            True,
            f"{label}为{date.isoformat()}，在{form.on.isoformat()}前{check['months']}个月内",
        )
    return False, f"{label}为{date.isoformat()}，不在{form.on.isoformat()}前{check['months']}个月内"


def _eval_ratio_max(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    """`field` / `over` × 100 ≤ `value` (a percentage), compared as field × 100 ≤ value × over
    so that no division is needed and a zero `over` is no error."""
    label, number = form.label(check["field"]), form.number(check["field"])
    over_label, over = form.label(check["over"]), form.number(check["over"])
    limit = Decimal(str(check["value"]))
    passed = number * 100 <= limit * over
    rate = f"{_plain((number * 100 / over).quantize(Decimal('0.01')))}%" if over else "—"
    relation = "不高于" if passed else "高于"
    return passed, (
        f"{label}{_plain(number)}，{over_label}{_plain(over)}，比例{rate}，{relation}{_plain(limit)}%"
    )


# ---------------------------------------------------------------------------------------------
# The kinds
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Param:
    name: str
    read: Callable[[Any], Any]
    required: bool = True
    field_types: frozenset[str] | None = None  # set: the value names a field of these types


@dataclass(frozen=True)
class Kind:
    name: str
    field_types: frozenset[str]  # the types `field` may have; empty = any type
    params: tuple[_Param, ...]
    evaluate: Callable[[Mapping[str, Any], _Form], tuple[bool, str]]
    one_of: tuple[str, ...] = ()  # exactly one of these parameters must be given
    # Problems between parameters (read ones only), and between parameters and the item's fields.
    consistent: Callable[[Mapping[str, Any]], list[CheckProblem]] | None = None
    fits: Callable[[Mapping[str, Any], Mapping[str, FieldLike]], list[CheckProblem]] | None = None


_NUMERIC = frozenset({"integer", "money"})
_DATE = frozenset({"date"})
_CHOICE = frozenset({"choice"})


def _retirement_consistent(check: Mapping[str, Any]) -> list[CheckProblem]:
    tied = any("choice" in schedule for schedule in check.get("women", []))
    if tied and "women_field" not in check:
        return [CheckProblem("women", "women 中的 choice 须与参数“women_field”一起使用")]
    if "women_field" in check and "women" in check and not tied:
        return [CheckProblem("women_field", "women 中没有一项用 choice 注明对应的字段值")]
    return []


def _retirement_fits(
    check: Mapping[str, Any], fields: Mapping[str, FieldLike]
) -> list[CheckProblem]:
    """Each `choice` of the women's schedules must be a value of `women_field`."""
    field = fields.get(check.get("women_field", ""))
    if field is None or field.field_type not in _CHOICE:
        return []
    choices = [s["choice"] for s in check.get("women", []) if "choice" in s]
    wrong = [c for c in choices if c not in field.choices]
    if not wrong:
        return []
    allowed = "、".join(field.choices)
    key = check["women_field"]
    return [CheckProblem("women", f"“{'、'.join(wrong)}”不是字段“{key}”的可选值（{allowed}）")]


def _contribution_consistent(check: Mapping[str, Any]) -> list[CheckProblem]:
    if "max" in check and "value" in check and check["max"] < check["value"]:
        return [
            CheckProblem("max", f"参数“max”（{check['max']}）不应小于“value”（{check['value']}）")
        ]
    return []


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("present", frozenset(), (), _eval_present),
        Kind("min", _NUMERIC, (_Param("value", _read_number),), _eval_bound),
        Kind("max", _NUMERIC, (_Param("value", _read_number),), _eval_bound),
        Kind("equals", frozenset(), (_Param("value", _read_scalar),), _eval_equals),
        Kind("in", frozenset(), (_Param("values", _read_scalars),), _eval_in),
        Kind(
            "age_min",
            frozenset({"id_number"}),
            (
                _Param("value", _read_age, required=False),
                _Param("by_gender", _read_by_gender, required=False),
                _Param("at", _read_field_key, required=False, field_types=_DATE),
            ),
            _eval_age_min,
            one_of=("value", "by_gender"),
        ),
        Kind(
            "retirement_age",
            frozenset({"id_number"}),
            (
                _Param("men", _read_schedule),
                _Param("women", _read_women),
                _Param("women_field", _read_field_key, required=False, field_types=_CHOICE),
                _Param("at", _read_field_key, required=False, field_types=_DATE),
            ),
            _eval_retirement_age,
            consistent=_retirement_consistent,
            fits=_retirement_fits,
        ),
        Kind(
            "contribution_min",
            frozenset({"integer"}),
            (
                _Param("value", _MONTHS),
                _Param("from", _whole(1900, 2200, "年份")),
                _Param("per_year", _MONTHS),
                _Param("max", _MONTHS),
                _Param("at", _read_field_key, required=False, field_types=_DATE),
            ),
            _eval_contribution_min,
            consistent=_contribution_consistent,
        ),
        Kind("date_not_after_today", _DATE, (), _eval_date_not_after_today),
        Kind(
            "date_within_months",
            _DATE,
            (_Param("months", _whole(1, 120, "月")),),
            _eval_date_within_months,
        ),
        Kind(
            "date_not_before",
            _DATE,
            (
                _Param("value", _read_date, required=False),
                _Param("other", _read_field_key, required=False, field_types=_DATE),
            ),
            _eval_date_not_before,
            one_of=("value", "other"),
        ),
        Kind("not_in", frozenset(), (_Param("values", _read_scalars),), _eval_not_in),
        Kind(
            "date_months_before",
            _DATE,
            (_Param("months", _whole(1, 600, "月")),),
            _eval_date_months_before,
        ),
        Kind(
            "date_within_past_months",
            _DATE,
            (_Param("months", _whole(1, 600, "月")),),
            _eval_date_within_past_months,
        ),
        Kind(
            "ratio_max",
            _NUMERIC,
            (
                _Param("over", _read_field_key, field_types=_NUMERIC),
                _Param("value", _read_number),
            ),
            _eval_ratio_max,
        ),
    )
}
