"""Validating a check: `check_normalize` and the problems it reports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kuaiban.catalogue.checks.kinds import KINDS, CheckProblem, FieldLike, Kind
from kuaiban.catalogue.checks.values import _Bad

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_COMMON = ("key", "label", "kind", "field")
# Optional on every rule: `on_submit: refuse` makes a failing rule refuse the application when it
# is submitted (a cross-check of the answers), instead of only informing the officer.
ON_SUBMIT_REFUSE = "refuse"


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
    if "on_submit" in raw:
        if raw["on_submit"] == ON_SUBMIT_REFUSE:
            check["on_submit"] = ON_SUBMIT_REFUSE
        else:
            problems.append(CheckProblem("on_submit", "“on_submit”只能为 refuse"))
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
    allowed = [*_COMMON, "on_submit", *(p.name for p in kind.params)]
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
    if check.get("kind") not in ("equals", "in", "not_in") or given is None:
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
