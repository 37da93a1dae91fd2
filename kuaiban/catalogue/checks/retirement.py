"""The retirement-age and contribution schedules: `retirement_age` and `contribution_min`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from kuaiban.catalogue.checks.values import (
    GENDERS,
    _Bad,
    _Form,
    _person,
    _plain,
    _read_scalar,
    _when,
    _whole,
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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


def retirement_due_month(schedule: Mapping[str, Any], born: dt.date) -> int:
    """The month (as year × 12 + month − 1) in which someone born on ``born`` reaches the
    statutory retirement age of ``schedule``: the month `_eval_retirement_age` compares with."""
    return _month_index(born) + _new_age_months(schedule, born)


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
    due = retirement_due_month(schedule, born)
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
