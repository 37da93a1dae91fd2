"""智能审核: rule checks over an application's form, and 秒办 when an instant item passes them all.

A check is data, never code: a mapping written on a catalogue item (`checks:` in
`packs/catalogue.yaml`, stored in `ServiceItem.checks`) with a `key`, a Chinese `label`, a
`kind`, the `field` it looks at, and the parameters of its kind (see `KINDS` and
`docs/PACK_FORMAT.md`). `check_normalize` is the one validator: the pack reader calls it with the
item's fields and turns its problems into file:line messages; the evaluator calls it again
without fields, so a rule broken later (an edit in the admin) fails its check with a clear detail
instead of crashing or passing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypedDict

from django.utils import timezone

from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.core.errors import Conflict
from kuaiban.core.identifiers import birth_date, id_number_error

AUTO_APPROVAL_NOTE = "系统自动审核通过（秒办）"
AUTO_APPROVAL_SYSTEM = "秒办"
GENDERS = ("男", "女")

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_COMMON = ("key", "label", "kind", "field")
_DECIDED = {
    SubCaseStatus.APPROVED,
    SubCaseStatus.REJECTED,
    SubCaseStatus.STOPPED,
    SubCaseStatus.WITHDRAWN,
}


class CheckResult(TypedDict):
    key: str
    label: str
    passed: bool
    detail: str


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


def _read_month(value: Any) -> str:
    """A birth month "YYYY-MM" (YAML reads 1965-01 as text)."""
    match = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise _Bad("应为年月 YYYY-MM，如 1965-01")
    return match[0]


# A retirement-age schedule (渐进式延迟法定退休年龄): born in `from` or later, the original age
# rises by one month for every `step` months of birth, by `cap` months at most.
_SCHEDULE: dict[str, Callable[[Any], Any]] = {
    "original": _whole(1, 150, "周岁"),
    "from": _read_month,
    "step": _whole(1, 120, "出生月数"),
    "cap": _whole(1, 120, "月"),
}
_SCHEDULE_SHAPE = "{original: 原法定退休年龄, from: YYYY-MM, step: 月数, cap: 月数}"


def _read_schedule(value: Any, *, with_choice: bool = False) -> dict[str, Any]:
    """One schedule; every mistake in it is named, so a bad table is fixed in one pass."""
    if not isinstance(value, Mapping):
        raise _Bad(f"应为 {_SCHEDULE_SHAPE}")
    usable = (*_SCHEDULE, "choice") if with_choice else tuple(_SCHEDULE)
    reasons = [f"没有“{k}”（可用：{' / '.join(usable)}）" for k in value if k not in usable]
    schedule: dict[str, Any] = {}
    for name, read in _SCHEDULE.items():
        if name not in value:
            reasons.append(f"缺少“{name}”")
            continue
        try:
            schedule[name] = read(value[name])
        except _Bad as exc:
            reasons.append(f"“{name}”{exc}")
    if with_choice and "choice" in value:
        try:
            schedule["choice"] = _read_scalar(value["choice"])
        except _Bad as exc:
            reasons.append(f"“choice”{exc}")
    if reasons:
        raise _Bad("有误：" + "；".join(reasons))
    return schedule


def _read_women(value: Any) -> list[dict[str, Any]]:
    """One schedule or a list of them, each optionally tied to a `choice` of `women_field`."""
    if isinstance(value, Mapping):
        return [_read_schedule(value, with_choice=True)]
    if not isinstance(value, list) or not value:
        raise _Bad(f"应为 {_SCHEDULE_SHAPE} 或其非空列表（第一项为默认）")
    schedules, reasons = [], []
    for n, item in enumerate(value, start=1):
        try:
            schedules.append(_read_schedule(item, with_choice=True))
        except _Bad as exc:
            reasons.append(f"第{n}项{exc}")
    choices = [s["choice"] for s in schedules if "choice" in s]
    reasons += [f"choice“{c}”重复" for c in sorted(set(choices)) if choices.count(c) > 1]
    if reasons:
        raise _Bad("；".join(reasons))
    return schedules


# ---------------------------------------------------------------------------------------------
# Evaluating: each evaluator gets a normalised check and a form whose field value is present
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


def _eval_age_min(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    gender, born = _person(check, form, purpose="年龄")
    on, when = _when(check, form)
    need = check["by_gender"][gender] if "by_gender" in check else check["value"]
    age = _age(born, on)
    facts = f"{gender}，{born.isoformat()}出生，至{when}{on.isoformat()}"
    if age >= need:
        return True, f"{facts}已满{age}周岁（要求{need}周岁）"
    return False, f"{facts}为{age}周岁，未满{need}周岁"


def _month_index(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


def _years_months(months: int, unit: str) -> str:
    years, rest = divmod(months, 12)
    return f"{years}{unit}{rest}个月" if rest else f"{years}{unit}"


def _new_age_months(schedule: Mapping[str, Any], born: dt.date) -> int:
    """The statutory retirement age in months for someone born in ``born``'s month."""
    year, month = map(int, schedule["from"].split("-"))
    later = _month_index(born) - (year * 12 + month - 1)
    delay = 0 if later < 0 else min(schedule["cap"], later // schedule["step"] + 1)
    return int(schedule["original"]) * 12 + delay


def _woman_schedule(check: Mapping[str, Any], form: _Form) -> tuple[Mapping[str, Any], str]:
    """The schedule for a woman and how it was chosen (said in the detail)."""
    default = check["women"][0]
    fallback = f"按原法定退休年龄{default['original']}周岁计算，"
    if not check.get("women_field"):
        return default, fallback
    label, value = form.label(check["women_field"]), form.value(check["women_field"])
    if not value:
        return default, f"未提供{label}，{fallback}"
    for schedule in check["women"]:
        if schedule.get("choice") == value:
            return schedule, f"{label}为“{value}”，"
    return default, f"{label}为“{value}”，{fallback}"


def _eval_retirement_age(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    gender, born = _person(check, form, purpose="法定退休年龄")
    on, when = _when(check, form)
    schedule, how = (check["men"], "") if gender == GENDERS[0] else _woman_schedule(check, form)
    age = _new_age_months(schedule, born)
    due = _month_index(born) + age
    facts = (
        f"{gender}，{born.year}年{born.month:02d}月出生，{how}法定退休年龄"
        f"{_years_months(age, '岁')}，应于{due // 12}年{due % 12 + 1:02d}月退休；"
        f"至{when}{on.isoformat()}"
    )
    if _month_index(on) >= due:
        return True, f"{facts}已达到"
    detail = f"{facts}未达到（差{due - _month_index(on)}个月）"
    if _month_index(on) >= _month_index(born) + schedule["original"] * 12:
        # 弹性提前退休 is by application and is never approved by a rule: say why it fails.
        detail += (
            f"；已达到原法定退休年龄{schedule['original']}周岁，如属弹性提前退休，由经办人员审核"
        )
    return False, detail


def contribution_months_required(check: Mapping[str, Any], *, year: int) -> int:
    """最低缴费年限 in months for retiring in ``year``: `value`, rising `per_year` from `from`."""
    if year < check["from"]:
        return int(check["value"])
    return int(min(check["max"], check["value"] + check["per_year"] * (year - check["from"] + 1)))


def _eval_contribution_min(check: Mapping[str, Any], form: _Form) -> tuple[bool, str]:
    label, months = form.label(check["field"]), form.number(check["field"])
    on, when = _when(check, form)
    need = contribution_months_required(check, year=on.year)
    facts = (
        f"{when}{on.isoformat()}，{on.year}年最低缴费年限为{need}个月"
        f"（{_years_months(need, '年')}）；{label}为{_plain(months)}"
    )
    if months >= need:
        return True, f"{facts}，已达到"
    return False, f"{facts}，差{_plain(need - months)}个月"


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
            "date_not_before",
            _DATE,
            (
                _Param("value", _read_date, required=False),
                _Param("other", _read_field_key, required=False, field_types=_DATE),
            ),
            _eval_date_not_before,
            one_of=("value", "other"),
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def check_normalize(
    raw: Mapping[str, Any], *, fields: Mapping[str, FieldLike] | None = None
) -> tuple[dict[str, Any], list[CheckProblem]]:
    """The check as JSON-ready data, and every problem with it.

    ``fields`` are the item's own form fields by key; given, every field a check names must be
    one of them and of a type the kind can use. Without them only the rule itself is checked.
    """
    problems: list[CheckProblem] = []
    check: dict[str, Any] = {}
    for name in _COMMON:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(CheckProblem(name if name in raw else "", f"缺少“{name}”或其不是文字"))
        else:
            check[name] = value.strip()
    if "key" in check and not _KEY.match(check["key"]):
        problems.append(CheckProblem("key", "“key”应由小写字母、数字和下划线组成"))
    kind = KINDS.get(check.get("kind", ""))
    if kind is None:
        if "kind" in check:
            known = " / ".join(KINDS)
            problems.append(CheckProblem("kind", f"类型“{check['kind']}”未知，应为 {known} 之一"))
        return check, problems
    problems += _params_read(raw, kind, check)
    if kind.consistent is not None:
        problems += kind.consistent(check)
    if fields is not None:
        problems += _fields_check(check, kind, fields)
    return check, problems


def _params_read(raw: Mapping[str, Any], kind: Kind, check: dict[str, Any]) -> list[CheckProblem]:
    problems = []
    allowed = [*_COMMON, *(p.name for p in kind.params)]
    for name in raw:
        if name not in allowed:
            usable = " / ".join(p.name for p in kind.params) or "无"
            problems.append(
                CheckProblem(name, f"{kind.name} 类规则没有参数“{name}”（可用参数：{usable}）")
            )
    for param in kind.params:
        if param.name not in raw:
            if param.required:
                problems.append(CheckProblem("", f"缺少参数“{param.name}”"))
            continue
        try:
            check[param.name] = param.read(raw[param.name])
        except _Bad as exc:
            problems.append(CheckProblem(param.name, f"参数“{param.name}”{exc}"))
    if kind.one_of and sum(name in raw for name in kind.one_of) != 1:
        either = " 或 ".join(kind.one_of)
        problems.append(CheckProblem("", f"须给出 {either} 中的一个（且只能一个）"))
    return problems


def _fields_check(
    check: Mapping[str, Any], kind: Kind, fields: Mapping[str, FieldLike]
) -> list[CheckProblem]:
    problems = []
    refs = [("field", kind.field_types)]
    refs += [(p.name, p.field_types) for p in kind.params if p.field_types is not None]
    for param, types in refs:
        key = check.get(param)
        if not key:
            continue
        field = fields.get(key)
        if field is None:
            problems.append(CheckProblem(param, f"字段“{key}”不在本事项的 fields 列表中"))
        elif types and field.field_type not in types:
            need = " / ".join(sorted(types))
            problems.append(
                CheckProblem(
                    param, f"字段“{key}”的类型为 {field.field_type}，{kind.name} 类规则需要 {need}"
                )
            )
    target = fields.get(check.get("field", ""))
    if target is not None:
        problems += _values_check(check, target)
    if kind.fits is not None:
        problems += kind.fits(check, fields)
    return problems


def _values_check(check: Mapping[str, Any], field: FieldLike) -> list[CheckProblem]:
    """`equals` / `in` values must be values the field can hold."""
    param = "value" if check.get("kind") == "equals" else "values"
    given = check.get(param)
    if check.get("kind") not in ("equals", "in") or given is None:
        return []
    values = [given] if isinstance(given, str) else list(given)
    if field.field_type == "choice":
        allowed = list(field.choices)
    elif field.field_type == "bool":
        allowed = ["true", "false"]
    else:
        return []
    wrong = [v for v in values if v not in allowed]
    if not wrong:
        return []
    return [
        CheckProblem(
            param, f"“{'、'.join(wrong)}”不是字段“{check['field']}”的可选值（{'、'.join(allowed)}）"
        )
    ]


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def evaluate_checks(
    *,
    checks: Sequence[Mapping[str, Any]],
    form: Mapping[str, Any],
    on: dt.date,
    labels: Mapping[str, str] | None = None,
) -> list[CheckResult]:
    """Each check's outcome on ``form`` (the application's clean values) as of the date ``on``.

    Pure and total: a missing value, an unreadable value or a broken rule fails its check with a
    Chinese detail; nothing raises. ``labels`` (field key → label) make the details readable.
    """
    state = _Form(form, labels or {}, on)
    return [_evaluate_one(raw, state) for raw in checks]


def _evaluate_one(raw: Any, form: _Form) -> CheckResult:
    if not isinstance(raw, Mapping):
        return CheckResult(key="?", label="?", passed=False, detail="审核规则格式有误，请人工审核")
    check, problems = check_normalize(raw)
    key = str(check.get("key") or raw.get("key") or "?")
    label = str(check.get("label") or key)
    if problems:
        reasons = "；".join(p.message for p in problems)
        return CheckResult(
            key=key, label=label, passed=False, detail=f"审核规则有误（{reasons}），请人工审核"
        )
    if not form.value(check["field"]):
        return CheckResult(
            key=key, label=label, passed=False, detail=f"未提供{form.label(check['field'])}"
        )
    try:
        passed, detail = KINDS[check["kind"]].evaluate(check, form)
    except _Bad as exc:
        passed, detail = False, str(exc)
    return CheckResult(key=key, label=label, passed=passed, detail=detail)


# ---------------------------------------------------------------------------------------------
# The hook: 智能审核 on a sub-case, 秒办 when allowed
# ---------------------------------------------------------------------------------------------


def auto_review(*, subcase: SubCase) -> bool:
    """Evaluate the item's checks on the application's form and record them on the sub-case.

    Approve at once (秒办) — and return True — only if the item is instant in the application's
    frozen snapshot, has at least one check, every check passes and the sub-case is open.
    Otherwise the results wait for the officer and the answer is False.
    """
    if subcase.status in _DECIDED:
        return False
    application = subcase.application
    results = evaluate_checks(
        checks=list(subcase.item.checks or []),
        form=application.form or {},
        on=timezone.localdate(application.submitted_at),
        labels={f["key"]: f["label"] for f in application.snapshot.get("fields", [])},
    )
    if results != subcase.check_results:
        SubCase.objects.filter(pk=subcase.pk).update(check_results=results)
        subcase.check_results = results
    if not (results and all(r["passed"] for r in results)):
        return False
    if subcase.status != SubCaseStatus.OPEN or not _instant(application.snapshot, subcase):
        return False
    # Imported here: the sub-case services call this hook, so a top-level import would be circular.
    from kuaiban.cases.services import Outcome, subcase_decide

    try:
        subcase_decide(
            actor=None,
            subcase=subcase,
            outcome=Outcome.APPROVED,
            note=AUTO_APPROVAL_NOTE,
            system=AUTO_APPROVAL_SYSTEM,
        )
    except Conflict:
        return False  # someone acted on it meanwhile: their action stands, the results are kept
    return True


def _instant(snapshot: Mapping[str, Any], subcase: SubCase) -> bool:
    """即办 as promised when the application was accepted (a pack's speed-up list may differ)."""
    for item in snapshot.get("items", []):
        if item.get("code") == subcase.item.code:
            return bool((item.get("promised") or {}).get("unit") == "instant")
    return False
