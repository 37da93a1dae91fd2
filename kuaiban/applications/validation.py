"""Checking the merged form: each field by its type, with a message an applicant understands,
and the answers against each other (the rules marked `on_submit: refuse`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kuaiban.bundles.planning import Plan, PlanField
from kuaiban.catalogue.checks import evaluate_checks
from kuaiban.catalogue.values import field_value_error


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(value).strip() if isinstance(value, str) else "\x00"


def _unasked_error(field: PlanField, value: str) -> str | None:
    """A value given for a field the applicant is not asked: refused unless it agrees."""
    if field.fixed is not None and value != field.fixed:
        return f"本情形下“{field.label}”为“{field.fixed}”，不能为“{value}”"
    if field.by_employer and value != field.prefill:
        return f"“{field.label}”由用人单位提供，个人申请时无需填写"
    if field.not_applicable:
        return f"“{field.label}”{field.not_applicable}，无需填写"
    return None


def form_clean(
    *, fields: list[PlanField], data: dict[str, Any]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(clean values, errors by field key). Prefilled values stand in for what is left empty;
    values the scenario settles are filled in, and a different value for them is refused."""
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
        unasked = value and not field.asked and not field.same_as
        if unasked and (problem := _unasked_error(field, value)):
            errors[f"form.{field.key}"] = [problem]
            continue
        if field.fixed is not None:
            value = field.fixed
        elif field.same_as or field.not_applicable:
            continue  # same_as: filled in below; not_applicable: not for this applicant
        elif field.by_employer:
            value = field.prefill or ""
            if not value:
                continue  # the employer gives it; the officer takes it from the unit's record
        if not value and field.prefill:
            value = field.prefill
        if not value:
            if field.required:
                errors[f"form.{field.key}"] = [f"请填写“{field.label}”"]
            continue
        problem = field_value_error(
            field_type=field.field_type, label=field.label, choices=field.choices, value=value
        )
        if problem:
            errors[f"form.{field.key}"] = [problem]
        else:
            clean[field.key] = (
                value.upper() if field.field_type in ("id_number", "credit_code") else value
            )
    _copies_fill(fields, data, clean, errors)
    return clean, errors


def _copies_fill(
    fields: list[PlanField],
    data: dict[str, Any],
    clean: dict[str, str],
    errors: dict[str, list[str]],
) -> None:
    """`same_as` fields take the other field's clean value; a different value is refused."""
    labels = {f.key: f.label for f in fields}
    for field in fields:
        if not field.same_as:
            continue
        value, given = clean.get(field.same_as, ""), _text(data.get(field.key))
        if given and value and given != value:
            errors[f"form.{field.key}"] = [
                f"本情形下“{field.label}”与“{labels.get(field.same_as)}”相同，应为“{value}”"
            ]
        elif value:
            clean[field.key] = value


def form_crosscheck(*, plan: Plan, clean: dict[str, str], on: dt.date) -> dict[str, list[str]]:
    """The plan's `on_submit: refuse` rules on the clean answers: errors by field key.

    A failing rule is reported at the date it counts at (`at`) when there is one — the answer
    the applicant can change — else at its own field.
    """
    labels = {f.key: f.label for f in plan.fields}
    asked = {f.key for f in plan.fields if f.asked}
    errors: dict[str, list[str]] = {}
    results = evaluate_checks(checks=plan.submit_checks, form=clean, on=on, labels=labels)
    for check, result in zip(plan.submit_checks, results, strict=True):
        if result["passed"]:
            continue
        where = next((k for k in (check.get("at"), check.get("field")) if k in asked), None)
        where = where or check.get("at") or check.get("field") or "__all__"
        errors.setdefault(f"form.{where}", []).append(f"{result['label']}：{result['detail']}")
    return errors
