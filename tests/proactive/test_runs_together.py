"""Runs started together: one message per primary-key range takes every rule of the range in
one scan, and writes exactly what each run alone would; re-runs add nothing; the first rule of
an exclusion group wins; a killed message leaves nothing and is taken again."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db.models import Q
from django.utils import timezone

from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.proactive import engine
from kuaiban.proactive.models import Offer, RuleVersion, RunStatus
from kuaiban.proactive.services.runs import chunks_execute, runs_chunk_groups, runs_start
from kuaiban.shareddata.services import synthetic_generate
from tests.proactive.conftest import chunk_killed_then_taken_again, person, run_now

pytestmark = pytest.mark.django_db

_OFFER = ("rule_code", "period", "subject_key", "about_key", "amount", "status", "deadline")


def _person_rules(published: dict[str, RuleVersion]) -> list[RuleVersion]:
    return [v for _, v in sorted(published.items()) if v.definition["target"] == "person"]


def _offers() -> set[tuple[object, ...]]:
    return set(Offer.objects.values_list(*_OFFER))


def _run_together(versions: list[RuleVersion], *, chunk_size: int) -> list[int]:
    runs = runs_start(actor=None, versions=versions, chunk_size=chunk_size)
    for group in runs_chunk_groups(runs):
        chunks_execute(chunk_ids=group)
    created = []
    for run in runs:
        run.refresh_from_db()
        assert run.status == RunStatus.DONE and run.chunks_done == run.chunks_total
        created.append(run.created)
    return created


@pytest.fixture
def generated(published):  # type: ignore[no-untyped-def]
    synthetic_generate(people=1500, seed=7, as_of=timezone.localdate())
    return published


def test_runs_started_together_write_what_each_run_alone_writes(generated) -> None:  # type: ignore[no-untyped-def]
    versions = _person_rules(generated)

    def each_rule_by_its_own_statement(batch, *, span):  # type: ignore[no-untyped-def]
        return [engine.offers_insert(r, terms=t, where=Q(), span=span) for r, t in batch]

    with mock.patch(
        "kuaiban.proactive.services.runs.offers_insert_many", each_rule_by_its_own_statement
    ):
        alone = {v.rule.code: run_now(v, chunk_size=97).created for v in versions}
    written = _offers()
    assert sum(alone.values()) == len(written) > 0
    Offer.objects.all().delete()
    together = _run_together(versions, chunk_size=97)
    assert dict(zip([v.rule.code for v in versions], together, strict=True)) == alone
    assert _offers() == written
    # Every offer names its own rule's version and run.
    for offer in Offer.objects.select_related("version__rule", "run"):
        assert offer.version.rule.code == offer.rule_code and offer.run.version == offer.version


def test_runs_started_together_share_one_message_per_range_and_a_re_run_adds_nothing(
    generated,
) -> None:  # type: ignore[no-untyped-def]
    versions = _person_rules(generated)
    runs = runs_start(actor=None, versions=versions, chunk_size=400)
    messages = OutboxMessage.objects.filter(kind=OutboxKind.PROACTIVE_CHUNK)
    assert messages.count() == runs[0].chunks_total
    for message in messages:
        assert len(message.payload["chunks"]) == len(versions)
    for group in runs_chunk_groups(runs):
        chunks_execute(chunk_ids=group)
    first = _offers()
    assert sum(_run_together(versions, chunk_size=400)) == 0
    assert _offers() == first


def test_in_one_scan_the_first_rule_of_an_exclusion_group_wins(published) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.catalogue.checks import months_back

    # Activity exactly 6 months ago is recent for one certification rule and old for the other.
    pensioner = person("370102197001011240", status="已退休")
    pensioner.insurance.last_activity_on = months_back(timezone.localdate(), 6)
    pensioner.insurance.save()
    reminder, silent = published["certification-reminder"], published["silent-certification"]
    _run_together([silent, reminder], chunk_size=1000)
    offers = Offer.objects.filter(subject_key="370102197001011240")
    assert [o.rule_code for o in offers] == ["silent-certification"]
    assert _run_together([reminder, silent], chunk_size=1000) == [0, 0]
    assert offers.count() == 1


def test_a_killed_message_of_runs_started_together_leaves_nothing_and_is_taken_again(
    published,
) -> None:  # type: ignore[no-untyped-def]
    person("370102196501011250")
    person("370102195001010054", status="已退休", last_activity_on=timezone.localdate())
    versions = [published["retirement"], published["silent-certification"]]
    runs = runs_start(actor=None, versions=versions, chunk_size=100000)
    chunk_killed_then_taken_again()
    for run in runs:
        run.refresh_from_db()
        assert run.status == RunStatus.DONE and run.created >= 1
    assert Offer.objects.count() == sum(run.created for run in runs)
    assert Offer.objects.filter(subject_key="370102196501011250").count() == 1
    assert Offer.objects.filter(subject_key="370102195001010054").count() == 1


def test_a_first_run_on_an_empty_offers_table_probes_the_offers_by_index(published) -> None:  # type: ignore[no-untyped-def]
    """An empty (or freshly vacuumed) offers table has statistics of no rows: PostgreSQL then
    planned the probe of the offers already made as a sequential scan, which the statement's
    own inserts turned quadratic (minutes for a chunk of 500,000 people at 10 M)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL's one statement a chunk")
    versions = _person_rules(published)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proactive_offer")  # what VACUUM (ANALYZE) leaves: no rows
    today = timezone.localdate()
    batch = [
        (
            v.definition,
            engine.offer_terms(version_id=v.pk, run_id=1, period="2026", eligible_on=today),
        )
        for v in versions
    ]
    sql, params = engine.offers_insert_many_sql(batch, span=(1, 500_001))
    with engine._settings(engine._CHUNK_SETTINGS) as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "proactive_offer o" in plan
    assert "Seq Scan on proactive_offer" not in plan
    probes = re.findall(r"Index (?:Only )?Scan using (\w+) on proactive_offer o", plan)
    assert len(probes) == len(batch)
    # Each probe's index leads with a column the probe fixes, so it reads a few entries and not
    # the whole index (the exclusion groups' index once led with the group, which a probe of
    # "this rule already offered?" does not fix: the same quadratic reading by index).
    with connection.cursor() as cursor:
        for index in set(probes):
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                "WHERE i.indexrelid = %s::regclass",
                [index],
            )
            assert cursor.fetchone()[0] in {"rule_code", "period", "subject_key"}, index
