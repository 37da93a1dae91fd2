"""A rule's conditions: the 智能审核 rule language over shared-data paths.

A condition is a check of `kuaiban.catalogue.checks` (the same `key`, `label`, `kind`, `field` and
parameters, validated by the same `check_normalize`), whose `field` is a shared-data path
(`language/fields.py`) instead of a form field. Two forms only a rule needs are added here:
`{kind: absent, field}` (no record, e.g. no death record) and `{key, label, any: [...]}` (at
least one of the conditions holds).

Each condition has two readings that must agree, and tests prove they do on generated data:
- `condition_evaluate` — for one subject, in Python, with the cases' own evaluators, giving a
  Chinese detail per condition ("why you qualify");
- `condition_q` — for every subject at once, a Django `Q` the database evaluates (set-based).

A missing value fails every condition but `absent`, in both readings (SQL's NULL is false).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.lookups import LessThanOrEqual

from kuaiban.catalogue.checks import check_normalize, evaluate_checks, months_back
from kuaiban.catalogue.checks import retirement_due_month as _due_month
from kuaiban.proactive.language.fields import FIELDS, PERSON, DataField

ABSENT, ANY = "absent", "any"
# The kinds of the 智能审核 language a rule may use: each has a SQL reading below.
SQL_KINDS = frozenset(
    {
        "present",
        "min",
        "max",
        "equals",
        "in",
        "not_in",
        "retirement_age",
        "date_months_before",
        "date_within_past_months",
        "ratio_max",
    }
)
_TEXT = frozenset({"text", "id_number", "credit_code", "choice"})


@dataclass(frozen=True)
class ConditionProblem:
    path: str  # where in the condition ("" the whole, "any[2].field" …)
    message: str


@dataclass(frozen=True)
class ConditionResult:
    key: str
    label: str
    passed: bool
    detail: str


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def condition_normalize(
    raw: Any, *, fields: Mapping[str, DataField]
) -> tuple[dict[str, Any], list[ConditionProblem]]:
    """The condition as JSON-ready data, and every problem with it (a rule with a problem is
    never stored)."""
    if not isinstance(raw, Mapping):
        return {}, [ConditionProblem("", "条件应为键值映射")]
    if ANY in raw:
        return _any_normalize(raw, fields=fields)
    if raw.get("kind") == ABSENT:
        return _absent_normalize(raw, fields=fields)
    if raw.get("kind") not in SQL_KINDS and isinstance(raw.get("kind"), str):
        usable = " / ".join(sorted(SQL_KINDS | {ABSENT}))
        return {}, [
            ConditionProblem("kind", f"类型“{raw['kind']}”不能用于免申即办规则（可用：{usable}）")
        ]
    for param in ("at", "women_field", "on_submit"):
        if param in raw:
            return {}, [ConditionProblem(param, f"免申即办规则的条件没有参数“{param}”")]
    check, problems = check_normalize(raw, fields=fields)
    found = [
        ConditionProblem(p.param, p.message.replace("本事项的 fields 列表", "共享数据字段"))
        for p in problems
    ]
    if check.get("kind") == "retirement_age" and check.get("field") not in (
        None,
        "person.id_number",
    ):
        found.append(ConditionProblem("field", "retirement_age 只能用于 person.id_number"))
    return check, found


def _common(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[ConditionProblem]]:
    out, problems = {}, []
    for name in ("key", "label"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(ConditionProblem(name, f"缺少“{name}”或其不是文字"))
        else:
            out[name] = value.strip()
    return out, problems


def _absent_normalize(
    raw: Mapping[str, Any], *, fields: Mapping[str, DataField]
) -> tuple[dict[str, Any], list[ConditionProblem]]:
    out, problems = _common(raw)
    out["kind"] = ABSENT
    extra = set(raw) - {"key", "label", "kind", "field"}
    problems += [ConditionProblem(k, f"absent 类条件没有参数“{k}”") for k in sorted(extra)]
    field = raw.get("field")
    if not isinstance(field, str) or field not in fields:
        problems.append(ConditionProblem("field", f"字段“{field}”不是共享数据字段"))
    else:
        out["field"] = field
    return out, problems


def _any_normalize(
    raw: Mapping[str, Any], *, fields: Mapping[str, DataField]
) -> tuple[dict[str, Any], list[ConditionProblem]]:
    out, problems = _common(raw)
    extra = set(raw) - {"key", "label", ANY}
    problems += [ConditionProblem(k, f"any 条件没有参数“{k}”") for k in sorted(extra)]
    members = raw.get(ANY)
    if not isinstance(members, list) or len(members) < 2:
        return out, [*problems, ConditionProblem(ANY, "any 应为至少两个条件的列表")]
    out[ANY] = []
    for n, member in enumerate(members, start=1):
        if isinstance(member, Mapping) and ANY in member:
            problems.append(ConditionProblem(f"{ANY}[{n}]", "any 中不能再嵌套 any"))
            continue
        check, found = condition_normalize(member, fields=fields)
        out[ANY].append(check)
        problems += [ConditionProblem(f"{ANY}[{n}].{p.path}".rstrip("."), p.message) for p in found]
    return out, problems


# ---------------------------------------------------------------------------------------------
# Python: one subject
# ---------------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    return "" if value is None else str(value).strip()


def condition_evaluate(
    condition: Mapping[str, Any],
    *,
    values: Mapping[str, Any],
    on: dt.date,
    labels: Mapping[str, str],
) -> ConditionResult:
    """One condition on one subject's values (path → value), as of ``on``."""
    key, label = condition.get("key", "?"), condition.get("label", "?")
    if ANY in condition:
        parts = [condition_evaluate(c, values=values, on=on, labels=labels) for c in condition[ANY]]
        passed = any(p.passed for p in parts)
        shown = [p for p in parts if p.passed] if passed else parts
        detail = "；".join(p.detail for p in shown)
        return ConditionResult(key=key, label=label, passed=passed, detail=detail)
    field = condition["field"]
    if condition["kind"] == ABSENT:
        value = _shown(values.get(field))
        field_label = labels.get(field, field)
        if value:
            return ConditionResult(key, label, False, f"{field_label}为{value}")
        return ConditionResult(key, label, True, f"无{field_label}记录")
    form = {path: _shown(value) for path, value in values.items()}
    (result,) = evaluate_checks(checks=[condition], form=form, on=on, labels=labels)
    return ConditionResult(key, label, result["passed"], result["detail"])


# ---------------------------------------------------------------------------------------------
# SQL: every subject at once
# ---------------------------------------------------------------------------------------------


def condition_q(
    condition: Mapping[str, Any],
    *,
    fields: Mapping[str, DataField],
    on: dt.date,
    absent_joined: bool = False,
    span: tuple[int, int] | None = None,
) -> Q:
    """The condition as a `Q` over the subject's table, as of ``on``.

    ``span``: the subjects are known to lie in this primary-key range (a run's chunk); an
    `absent` on a related table then reads only that range's records.

    ``absent_joined``: `absent` on a related table as a LEFT JOIN and ``IS NULL`` instead of
    ``NOT EXISTS`` — for one aggregate or select list evaluating several rules at once, where
    an EXISTS would be a subquery per row; a run's WHERE clause takes the anti-join."""
    if ANY in condition:
        combined = Q(pk__in=[])
        for member in condition[ANY]:
            combined |= condition_q(
                member, fields=fields, on=on, absent_joined=absent_joined, span=span
            )
        return combined
    field = fields[condition["field"]]
    lookup, kind = field.lookup, condition["kind"]
    text = field.field_type in _TEXT
    if kind == ABSENT:
        if "__" in lookup and not absent_joined:
            return _absent_related(fields, lookup, text=text, span=span)
        return Q(**{f"{lookup}__isnull": True}) | (Q(**{lookup: ""}) if text else Q(pk__in=[]))
    present = Q(**{f"{lookup}__isnull": False}) & (~Q(**{lookup: ""}) if text else Q())
    if kind == "present":
        return present
    if kind in ("min", "max"):
        op = "gte" if kind == "min" else "lte"
        return Q(**{f"{lookup}__{op}": condition["value"]})
    if kind == "equals":
        return Q(**{lookup: condition["value"]})
    if kind == "in":
        return Q(**{f"{lookup}__in": condition["values"]})
    if kind == "not_in":
        return present & ~Q(**{f"{lookup}__in": condition["values"]})
    if kind == "date_months_before":
        return Q(**{f"{lookup}__lte": months_back(on, condition["months"])})
    if kind == "date_within_past_months":
        bound = months_back(on, condition["months"])
        return Q(**{f"{lookup}__gte": bound, f"{lookup}__lte": on})
    if kind == "ratio_max":
        over = fields[condition["over"]].lookup
        limit = Value(condition["value"])
        return Q(LessThanOrEqual(F(lookup) * 100, F(over) * limit))
    if kind == "retirement_age":
        return _retirement_q(condition, fields=fields, on=on)
    raise ValueError(f"条件类型“{kind}”没有 SQL 写法")


def retirement_born_before(schedule: Mapping[str, Any], *, on: dt.date) -> dt.date:
    """The first day of the earliest birth month that has NOT reached the statutory retirement
    age of ``schedule`` in ``on``'s month: everyone born before it has.

    The month of retirement (birth month + age) rises strictly with the birth month, so one
    bound per gender is exact; it is searched with the cases' own `retirement_due_month`.
    """
    month = on.year * 12 + on.month - 1
    born = month - int(schedule["original"]) * 12  # the latest month that could have reached it
    while _due_month(schedule, dt.date(born // 12, born % 12 + 1, 1)) > month:
        born -= 1
    after = born + 1
    return dt.date(after // 12, after % 12 + 1, 1)


def _retirement_q(
    condition: Mapping[str, Any], *, fields: Mapping[str, DataField], on: dt.date
) -> Q:
    gender, birth = fields["person.gender"].lookup, fields["person.birth_date"].lookup
    men = retirement_born_before(condition["men"], on=on)
    women = retirement_born_before(condition["women"][0], on=on)
    return Q(**{gender: "男", f"{birth}__lt": men}) | Q(**{gender: "女", f"{birth}__lt": women})


def _absent_related(
    fields: Mapping[str, DataField], lookup: str, *, text: bool, span: tuple[int, int] | None
) -> Q:
    """No record of the related table holding the value, as ``NOT EXISTS``: the same as a
    LEFT JOIN and ``IS NULL``, but an anti-join whose rows PostgreSQL estimates well. (It took
    ``LEFT JOIN death … WHERE died_on IS NULL`` for one row, and then probed the insurance
    records person by person over millions of people instead of hash-joining them.)"""
    from kuaiban.shareddata.models import Enterprise, Person

    subject = Person if fields is FIELDS[PERSON] else Enterprise
    relation, column = lookup.split("__", 1)
    rel = subject._meta.get_field(relation)
    held = Q(**{f"{column}__isnull": False}) & (~Q(**{column: ""}) if text else Q())
    key = rel.field.name  # type: ignore[union-attr]
    records = rel.related_model._default_manager.filter(  # type: ignore[union-attr]
        held, **{key: OuterRef("pk")}
    )
    if span is not None:  # else PostgreSQL hashes the whole table's records for every chunk
        records = records.filter(**{f"{key}__gte": span[0], f"{key}__lt": span[1]})
    return ~Q(Exists(records))


def conditions_q(
    conditions: Sequence[Mapping[str, Any]],
    *,
    fields: Mapping[str, DataField],
    on: dt.date,
    absent_joined: bool = False,
    span: tuple[int, int] | None = None,
) -> Q:
    combined = Q()
    for condition in conditions:
        combined &= condition_q(
            condition, fields=fields, on=on, absent_joined=absent_joined, span=span
        )
    return combined


def condition_paths(condition: Mapping[str, Any]) -> set[str]:
    """The shared-data paths a condition reads (for fetching one subject's values)."""
    if ANY in condition:
        return set().union(*(condition_paths(c) for c in condition[ANY]))
    paths = {condition["field"]}
    if "over" in condition:
        paths.add(condition["over"])
    return paths
