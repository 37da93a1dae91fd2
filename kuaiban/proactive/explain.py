"""A rule on one subject, in Python: which conditions hold, why (in Chinese), and the amount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kuaiban.proactive.language.amounts import amount_compute
from kuaiban.proactive.language.conditions import ConditionResult, condition_evaluate
from kuaiban.proactive.language.fields import FIELDS


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    results: list[ConditionResult]
    amount: Decimal | None
    computation: str


def rule_evaluate(*, rule: Mapping[str, Any], values: Mapping[str, Any], on: dt.date) -> Verdict:
    """Every condition of ``rule`` on one subject's values (path → value) as of ``on``."""
    fields = FIELDS[rule["target"]]
    labels = {path: f.label for path, f in fields.items()}
    results = [
        condition_evaluate(c, values=values, on=on, labels=labels) for c in rule["conditions"]
    ]
    eligible = all(r.passed for r in results) and _in_region(rule, values)
    amount, computation = amount_compute(rule.get("amount"), values=values, labels=labels)
    return Verdict(eligible=eligible, results=results, amount=amount, computation=computation)


def _in_region(rule: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    if not rule.get("region"):
        return True
    path = "person.region_code" if rule["target"] == "person" else "enterprise.region_code"
    return str(values.get(path) or "").startswith(rule["region"])
