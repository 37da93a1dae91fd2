"""Verification of the set-based reading: the same rules evaluated per subject in Python (as
the explanation does), beside the SQL reading, for the agreement tests and the benchmark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

from kuaiban.proactive.engine import rule_q, subject_model
from kuaiban.proactive.language.fields import FIELDS


def sql_eligible(rule: Mapping[str, Any], *, on: dt.date, where: Q | None = None) -> set[int]:
    """The primary keys the set-based reading finds (region and conditions only)."""
    queryset = subject_model(rule)._default_manager.filter(rule_q(rule, on=on))
    return set(queryset.filter(where or Q()).values_list("pk", flat=True))


def python_eligible(
    rule: Mapping[str, Any], *, on: dt.date, where: Q | None = None, batch: int = 5000
) -> set[int]:
    """The primary keys found by evaluating the rule on each subject's values in Python."""
    from kuaiban.proactive.explain import rule_evaluate

    fields = FIELDS[rule["target"]]
    lookups = {path: f.lookup for path, f in fields.items()}
    rows = (
        subject_model(rule)
        ._default_manager.filter(where or Q())
        .values("pk", *lookups.values())
        .iterator(chunk_size=batch)
    )
    found = set()
    for row in rows:
        values = {path: row[lookup] for path, lookup in lookups.items()}
        if rule_evaluate(rule=rule, values=values, on=on).eligible:
            found.add(row["pk"])
    return found


def sql_eligible_many(
    rules: Sequence[Mapping[str, Any]], *, on: dt.date, where: Q | None = None
) -> dict[str, set[int]]:
    """Each rule's primary keys, for several rules of one target, in one scan: one boolean
    column per rule, and only the rows some rule takes come back."""
    if not rules:
        return {}
    if len({r["target"] for r in rules}) != 1:
        raise ValueError("sql_eligible_many: rules of one target only")
    names = {f"r{i}": rule for i, rule in enumerate(rules)}
    wanted = {name: rule_q(rule, on=on, absent_joined=True) for name, rule in names.items()}
    anyone = Q()
    for q in wanted.values():
        anyone |= q
    rows = (
        subject_model(rules[0])
        ._default_manager.filter(where or Q())
        .filter(anyone)
        .annotate(
            **{n: ExpressionWrapper(q, output_field=BooleanField()) for n, q in wanted.items()}
        )
        .values_list("pk", *names)
    )
    found: dict[str, set[int]] = {rule["code"]: set() for rule in rules}
    codes = [rule["code"] for rule in names.values()]
    for pk, *flags in rows.iterator(chunk_size=10_000):
        for code, flag in zip(codes, flags, strict=True):
            if flag:
                found[code].add(pk)
    return found


def python_eligible_many(
    rules: Sequence[Mapping[str, Any]], *, on: dt.date, where: Q | None = None, batch: int = 5000
) -> dict[str, set[int]]:
    """The same, in Python: every subject's values read once, each rule evaluated on them as
    the explanation does (`explain.rule_evaluate`)."""
    from kuaiban.proactive.explain import rule_evaluate

    if not rules:
        return {}
    fields = FIELDS[rules[0]["target"]]
    lookups = {path: f.lookup for path, f in fields.items()}
    rows = (
        subject_model(rules[0])
        ._default_manager.filter(where or Q())
        .values("pk", *lookups.values())
        .iterator(chunk_size=batch)
    )
    found: dict[str, set[int]] = {rule["code"]: set() for rule in rules}
    for row in rows:
        values = {path: row[lookup] for path, lookup in lookups.items()}
        for rule in rules:
            if rule_evaluate(rule=rule, values=values, on=on).eligible:
                found[rule["code"]].add(row["pk"])
    return found
