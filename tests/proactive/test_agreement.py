"""The two readings of every shipped rule agree: SQL over the whole table and Python per
subject find the same people and units, on generated data and at several dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kuaiban.proactive.language.conditions import retirement_born_before
from kuaiban.proactive.rulefile import rules_read
from kuaiban.proactive.verification import python_eligible, sql_eligible
from kuaiban.shareddata.services import synthetic_generate
from tests.proactive.conftest import RULES

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated() -> dt.date:
    as_of = timezone.localdate()
    synthetic_generate(people=1500, seed=7, as_of=as_of)
    return as_of


def test_sql_and_python_agree_on_generated_people_and_units(generated: dt.date) -> None:
    found = {}
    for spec in rules_read(RULES):
        for on in (generated, generated - dt.timedelta(days=200), dt.date(2031, 2, 28)):
            sql = sql_eligible(spec.definition, on=on)
            python = python_eligible(spec.definition, on=on)
            assert sql == python, (spec.code, on, sorted(sql ^ python)[:5])
            found[spec.code] = found.get(spec.code, 0) + len(sql)
    # The data exercise the rules: every rule but the event ones finds somebody somewhere.
    for code in (
        "retirement",
        "disability-lump-sum",
        "graduate-insurance-subsidy",
        "silent-certification",
        "certification-reminder",
        "stabilisation-refund",
    ):
        assert found[code] > 0, code


@pytest.mark.parametrize("born", [dt.date(1965, 1, 1), dt.date(1966, 11, 30), dt.date(1970, 6, 15)])
def test_retirement_bound_is_the_month_after_the_last_one_that_reached_the_age(
    born: dt.date,
) -> None:
    from kuaiban.catalogue.checks import retirement_due_month

    schedule = {"original": 60, "from": "1965-01", "step": 4, "cap": 36}
    due = retirement_due_month(schedule, born)
    on = dt.date(due // 12, due % 12 + 1, 1)
    assert born < retirement_born_before(schedule, on=on)
    before = on - dt.timedelta(days=1)
    assert born >= retirement_born_before(schedule, on=before)


def test_one_scan_of_all_rules_agrees_with_python_per_person(generated: dt.date) -> None:
    from kuaiban.proactive.verification import python_eligible_many, sql_eligible_many

    rules = [s.definition for s in rules_read(RULES) if s.definition["target"] == "person"]
    sql = sql_eligible_many(rules, on=generated)
    python = python_eligible_many(rules, on=generated)
    assert sql == python
    assert sql == {rule["code"]: sql_eligible(rule, on=generated) for rule in rules}
    assert sum(map(len, sql.values())) > 0


def test_a_run_read_chunk_by_chunk_finds_the_same_subjects(generated: dt.date) -> None:
    """A chunk's reading carries its primary-key range onto every joined table and into the
    `absent` anti-joins: chunk by chunk, every rule finds what one reading of the whole finds."""
    from django.db.models import Max

    from kuaiban.proactive.engine import eligible_queryset, subject_model

    for spec in rules_read(RULES):
        rule = spec.definition
        whole = set(eligible_queryset(rule, on=generated).values_list("pk", flat=True))
        top = subject_model(rule)._default_manager.aggregate(top=Max("pk"))["top"]
        chunked: set[int] = set()
        for low in range(0, top + 1, 97):
            found = eligible_queryset(rule, on=generated, span=(low, low + 97))
            chunked |= set(found.values_list("pk", flat=True))
        assert chunked == whole, spec.code


def test_a_preview_over_the_peoples_facts_finds_what_the_source_finds(generated: dt.date) -> None:
    """A preview counts person rules over the people's facts (one table the triggers keep):
    the counts are each rule's own over the source's tables."""
    from kuaiban.proactive.engine import eligible_queryset, preview_count, preview_counts

    for target in ("person", "unit"):
        rules = [s.definition for s in rules_read(RULES) if s.definition["target"] == target]
        for on in (generated, generated - dt.timedelta(days=200)):
            source = {rule["code"]: eligible_queryset(rule, on=on).count() for rule in rules}
            assert preview_counts(rules, on=on) == source
            assert {rule["code"]: preview_count(rule, on=on) for rule in rules} == source
        assert sum(source.values()) > 0, target
