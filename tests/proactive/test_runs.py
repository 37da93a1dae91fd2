"""Runs: through the outbox and its workers, never duplicating, resumable after a kill;
exclusion groups; event triggers on the worker cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.worker import outbox_drain
from kuaiban.proactive.models import Offer, OfferStatus, ProactiveRun, RunStatus
from kuaiban.proactive.periods import period_for
from kuaiban.proactive.services.runs import run_start, triggers_sweep
from kuaiban.shareddata.models import DeathRecord
from tests.proactive.conftest import chunk_killed_then_taken_again, person, run_now

pytestmark = pytest.mark.django_db

RETIRING = "370102196501011250"  # 男, born 1965-01: 60 years 1 month, due 2025-02


@pytest.fixture
def jinan(published):  # type: ignore[no-untyped-def]
    person(RETIRING)
    person("370102199001010028")  # 35, not retiring
    person("370102195001010054", status="已退休", last_activity_on=timezone.localdate())
    return published


def _drain() -> None:
    from kuaiban.deliveries.handlers import handlers_register

    handlers_register()
    while outbox_drain(limit=50, worker_id="test:1").claimed:
        pass


def test_a_run_goes_through_the_outbox_in_chunks_and_notifies(jinan) -> None:  # type: ignore[no-untyped-def]
    version = jinan["retirement"]
    run = run_start(actor=None, version=version, period="once", chunk_size=2)
    assert run.chunks_total >= 2 and run.status == RunStatus.RUNNING
    assert OutboxMessage.objects.filter(kind=OutboxKind.PROACTIVE_CHUNK).count() == run.chunks_total
    _drain()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 1.0
    offer = Offer.objects.get(rule_code="retirement", subject_key=RETIRING)
    assert offer.version == version and offer.status == OfferStatus.OFFERED
    assert offer.deadline == timezone.localdate() + dt.timedelta(days=60)
    assert offer.notified_at is not None  # the run's notification went out through the outbox


def test_a_re_run_adds_nothing(jinan) -> None:  # type: ignore[no-untyped-def]
    first = run_now(jinan["retirement"])
    again = run_now(jinan["retirement"])
    assert first.created >= 1 and again.created == 0 and again.eligible == first.eligible
    assert Offer.objects.filter(rule_code="retirement", subject_key=RETIRING).count() == 1


def test_a_re_run_writes_only_the_offers_that_are_missing(jinan) -> None:  # type: ignore[no-untyped-def]
    version = jinan["silent-certification"]
    first = run_now(version, chunk_size=2)
    assert first.created == first.eligible >= 1
    Offer.objects.filter(rule_code=version.rule.code, subject_key="370102195001010054").delete()
    person("370102195201010012", status="已退休", last_activity_on=timezone.localdate())
    again = run_now(version, chunk_size=2)
    assert again.eligible == first.eligible + 1 and again.created == 2
    assert run_now(version, chunk_size=2).created == 0
    assert Offer.objects.filter(rule_code=version.rule.code).count() == first.eligible + 1


def test_the_database_refuses_a_second_offer_for_the_same_rule_period_and_subject(jinan) -> None:  # type: ignore[no-untyped-def]
    run_now(jinan["retirement"])
    offer = Offer.objects.get(subject_key=RETIRING)
    offer.pk = None
    with pytest.raises(IntegrityError):
        offer.save()


def test_a_killed_chunk_leaves_nothing_and_is_taken_again(jinan) -> None:  # type: ignore[no-untyped-def]
    run = run_start(actor=None, version=jinan["retirement"], period="once", chunk_size=100000)
    chunk_killed_then_taken_again()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.chunks_done == 1
    assert Offer.objects.filter(subject_key=RETIRING).count() == 1


def test_a_chunk_delivered_twice_counts_once(jinan) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.proactive.services.runs import chunk_execute

    run = run_start(actor=None, version=jinan["retirement"], period="once")
    chunk = run.chunks.get()
    chunk_execute(chunk_id=chunk.pk)
    assert chunk_execute(chunk_id=chunk.pk) == "分片已完成"
    run.refresh_from_db()
    assert run.chunks_done == 1 and run.created == Offer.objects.count()


def test_an_exclusion_group_gives_one_of_two_excluded_benefits(jinan) -> None:  # type: ignore[no-untyped-def]
    # Both certification rules are in one group; make the pensioner match both by making
    # the reminder's inactivity condition hold too (activity exactly 6 months ago counts as
    # recent for one and old for the other).
    today = timezone.localdate()
    from kuaiban.catalogue.checks import months_back

    pensioner = person("370102197001011240", status="已退休")
    pensioner.insurance.last_activity_on = months_back(today, 6)
    pensioner.insurance.save()
    run_now(jinan["certification-reminder"])
    run_now(jinan["silent-certification"])
    offers = Offer.objects.filter(subject_key="370102197001011240")
    assert offers.count() == 1
    assert offers.get().rule_code == "certification-reminder"


def test_a_new_death_record_makes_the_survivors_offer_on_the_next_cycle(jinan) -> None:  # type: ignore[no-untyped-def]
    triggers_sweep()  # the retirement trigger's daily run and the death trigger's start
    assert not Offer.objects.filter(rule_code="survivors").exists()
    father = person("37010219380405123X", status="已退休")
    DeathRecord.objects.create(
        person=father,
        died_on=timezone.localdate() - dt.timedelta(days=3),
        next_of_kin_id_number=RETIRING,
        next_of_kin_relation="子女",
    )
    runs = triggers_sweep()
    offer = Offer.objects.get(rule_code="survivors")
    assert offer.subject_key == RETIRING and offer.about_key == "37010219380405123X"
    assert any(r.created == 1 for r in runs)
    assert triggers_sweep() == []  # nothing new: no run, no offer


def test_reaching_retirement_age_makes_the_offer_on_the_days_first_cycle(jinan) -> None:  # type: ignore[no-untyped-def]
    triggers_sweep()
    assert Offer.objects.filter(rule_code="retirement", subject_key=RETIRING).exists()
    # Somebody who reaches the age this month (born so that birth month + age = this month).
    today = timezone.localdate()
    from kuaiban.catalogue.checks import retirement_due_month

    schedule = jinan["retirement"].definition["conditions"][0]["men"]
    born = dt.date(1960, 1, 1)
    while retirement_due_month(schedule, born) < today.year * 12 + today.month - 1:
        born = (born + dt.timedelta(days=32)).replace(day=1)
    from tests.conftest import make_id_number

    newcomer = make_id_number(birth=born.strftime("%Y%m%d"), seq="131")
    person(newcomer)
    assert triggers_sweep() == []  # the day's run is done
    tomorrow = timezone.now() + dt.timedelta(days=1)
    triggers_sweep(now=tomorrow)
    assert Offer.objects.filter(rule_code="retirement", subject_key=newcomer).exists()


def test_run_period_must_fit_the_rule(jinan) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.core.errors import Unprocessable

    with pytest.raises(Unprocessable):
        run_start(actor=None, version=jinan["stabilisation-refund"], period="2026-13")
    assert period_for("month", dt.date(2026, 3, 9)) == "2026-03"
    assert not ProactiveRun.objects.exists()


def test_a_death_record_committed_after_the_cycle_that_passed_its_stamp_is_still_found(
    jinan,
) -> None:  # type: ignore[no-untyped-def]
    """The data exchange stamps a record, the worker's cycle runs, then the exchange commits:
    the next cycle finds the record although its stamp is older than the last event run."""
    triggers_sweep()
    father = person("37010219380405123X", status="已退休")
    stamped = timezone.now()
    later = stamped + dt.timedelta(seconds=30)
    triggers_sweep(now=later)  # the cycle that ran while the record was not yet committed
    record = DeathRecord.objects.create(
        person=father,
        died_on=timezone.localdate() - dt.timedelta(days=3),
        next_of_kin_id_number=RETIRING,
        next_of_kin_relation="子女",
    )
    DeathRecord.objects.filter(pk=record.pk).update(recorded_at=stamped)
    runs = triggers_sweep(now=later + dt.timedelta(seconds=30))
    assert Offer.objects.filter(rule_code="survivors", about_key="37010219380405123X").count() == 1
    assert [r.created for r in runs if r.version.rule.code == "survivors"] == [1]
    assert triggers_sweep(now=later + dt.timedelta(seconds=60)) == []  # offered: not again


def test_the_worker_cycle_makes_event_offers(jinan) -> None:  # type: ignore[no-untyped-def]
    """Through the worker itself: one pass with its sweep sees a new death record and a
    birthday that reached the retirement age."""
    from kuaiban.deliveries.runner import WorkerLoop

    loop = WorkerLoop(worker_id="test:cycle")
    first = loop.run_pass(sweep=True)
    assert Offer.objects.filter(rule_code="retirement", subject_key=RETIRING).exists()
    assert first.triggered >= 1
    father = person("37010219380405123X", status="已退休")
    DeathRecord.objects.create(
        person=father,
        died_on=timezone.localdate() - dt.timedelta(days=1),
        next_of_kin_id_number=RETIRING,
        next_of_kin_relation="子女",
    )
    second = loop.run_pass(sweep=True)
    assert second.triggered == 1
    assert Offer.objects.get(rule_code="survivors").subject_key == RETIRING
