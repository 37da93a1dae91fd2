"""Evaluating checks on a form: pure, used by submission (`on_submit` rules), planning
(`needed_when`) and the sub-cases' 智能审核 (`kuaiban/cases/review.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from kuaiban.catalogue.checks.kinds import KINDS
from kuaiban.catalogue.checks.validate import check_normalize
from kuaiban.catalogue.checks.values import _Bad, _Form


class CheckResult(TypedDict):
    key: str
    label: str
    passed: bool
    detail: str


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


def check_holds(*, check: Mapping[str, Any], form: Mapping[str, Any], on: dt.date) -> bool | None:
    """Whether one rule holds on ``form`` as of ``on``; None when that cannot be told (the rule is
    broken, the field is blank or its value unreadable). Pure: nothing raises."""
    rule, problems = check_normalize(check)
    if problems:
        return None
    state = _Form(form, {}, on)
    if not state.value(rule["field"]):
        return None
    try:
        passed, _detail = KINDS[rule["kind"]].evaluate(rule, state)
    except _Bad:
        return None
    return passed


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
