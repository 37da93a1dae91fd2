"""Evaluating checks on a form, and `auto_review`: 智能审核 on a sub-case, 秒办 when allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.utils import timezone

from kuaiban.applications.snapshot import Snapshot
from kuaiban.cases.checks.kinds import KINDS
from kuaiban.cases.checks.validate import check_normalize
from kuaiban.cases.checks.values import _Bad, _Form
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.models import ServiceItem, system_approval_problem
from kuaiban.core.errors import Conflict

AUTO_APPROVAL_NOTE = "系统自动审核通过（秒办）"
AUTO_APPROVAL_SYSTEM = "秒办"


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


# ---------------------------------------------------------------------------------------------
# The hook: 智能审核 on a sub-case, 秒办 when allowed
# ---------------------------------------------------------------------------------------------


def check_results_of(*, subcase: SubCase) -> list[CheckResult]:
    """The item's checks evaluated on the application's form, as of its submission day."""
    application = subcase.application
    return evaluate_checks(
        checks=list(subcase.item.checks or []),
        form=application.form or {},
        on=timezone.localdate(application.submitted_at),
        labels=application.frozen.field_labels(),
    )


def auto_review(*, subcase: SubCase) -> bool:
    """Evaluate the item's checks on the application's form and record them on the sub-case.

    Approve at once (秒办) — and return True — only if the platform itself performs the item's
    act (`system_performs`, never for an item that pays money), the item is instant in the
    application's frozen snapshot, has at least one check, every check passes and the sub-case
    is open. Otherwise the results wait for the officer and the answer is False.
    """
    if subcase.finished:
        return False
    application = subcase.application
    results = check_results_of(subcase=subcase)
    if results != subcase.check_results:
        SubCase.objects.filter(pk=subcase.pk).update(check_results=results)
        subcase.check_results = results
    if not (results and all(r["passed"] for r in results)):
        return False
    if subcase.status != SubCaseStatus.OPEN or not _instant(application.frozen, subcase):
        return False
    if not _system_performs(subcase.item):
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


def _system_performs(item: ServiceItem) -> bool:
    problem = system_approval_problem(
        system_performs=item.system_performs, pays_money=item.pays_money
    )
    return item.system_performs and problem is None


def _instant(snapshot: Snapshot, subcase: SubCase) -> bool:
    """即办 as promised when the application was accepted (a pack's speed-up list may differ)."""
    item = snapshot.item(subcase.item.code)
    return item is not None and item.instant
