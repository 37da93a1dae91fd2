"""`kuaiban supervision_generate`: counts, progress, coherent states, determinism, clearing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q

from kuaiban.applications.models import Application, ApplicationStatus
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.ratings.models import Rating, RectificationTicket, TicketStep, WindowVisit
from kuaiban.supervision import services
from kuaiban.supervision.models import SubCaseDaily
from kuaiban.supervision.rollups.build import ROLLUPS
from kuaiban.supervision.rollups.refresh import rollup_rebuild, rollups_clear
from kuaiban.supervision.services import history_clear, history_generate
from kuaiban.supervision.synthetic.history import NUMBER_MARK
from tests.supervision.ledger import NOW

pytestmark = pytest.mark.django_db

DECIDED = (SubCaseStatus.APPROVED, SubCaseStatus.REJECTED)


def digest() -> str:
    """The generated history, independent of primary keys."""
    h = hashlib.sha256()
    rows = (
        SubCase.objects.filter(application__number__contains=NUMBER_MARK)
        .order_by("application__number", "item__code")
        .values_list(
            "application__number",
            "application__status",
            "application__submitted_at",
            "application__burden",
            "item__code",
            "agency__code",
            "status",
            "opened_at",
            "due_at",
            "decided_at",
            "pauses",
        )
    )
    for row in rows:
        h.update(repr(row).encode())
    for row in Rating.objects.order_by("rated_at", "level").values_list(
        "subject", "level", "real_name", "excluded", "rated_at"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_generates_exactly_n_subcases_with_progress(world) -> None:
    progress = io.StringIO()
    result = history_generate(subcases=1200, seed=3, batch=500, as_of=NOW, progress=progress)
    assert SubCase.objects.count() == result.subcases == 1200
    generated = Application.objects.filter(number__contains=NUMBER_MARK)
    assert generated.count() == result.applications
    assert (
        result.rows
        == sum(
            model.objects.count()
            for model in (
                Application,
                SubCase,
                Rating,
                RectificationTicket,
                TicketStep,
                WindowVisit,
            )
        )
        + generated.aggregate(n=Count("materials"))["n"]
    )
    lines = progress.getvalue().splitlines()  # not a terminal: a plain line every few seconds
    assert lines[-1].startswith("子件 [########################] 1,200/1,200 100.0%")


def test_generated_states_are_coherent(world) -> None:
    history_generate(subcases=3000, seed=4, as_of=NOW)
    subcases = SubCase.objects.all()
    assert not subcases.filter(status__in=DECIDED, decided_at__isnull=True).exists()
    assert not subcases.exclude(status__in=DECIDED).filter(decided_at__isnull=False).exists()
    assert not subcases.filter(decided_at__lt=F("opened_at")).exists()
    assert not subcases.filter(Q(decided_at__gt=NOW) | Q(opened_at__gt=NOW)).exists()
    assert not subcases.filter(status=SubCaseStatus.WAITING, opened_at__isnull=False).exists()
    assert not subcases.filter(status=SubCaseStatus.CORRECTION, paused_since__isnull=True).exists()
    assert not Application.objects.filter(submitted_at__gt=NOW).exists()
    assert Application.objects.filter(submitted_at__lt=NOW.replace(year=2024, month=5)).exists()
    # A mix: on time and late, overdue now, corrections, serial stages waiting, ratings, tickets.
    assert subcases.filter(decided_at__lte=F("due_at")).count() > 2000
    assert subcases.filter(decided_at__gt=F("due_at")).exists()
    assert subcases.filter(status__in=("open", "accepted"), due_at__lt=NOW).exists()
    assert subcases.exclude(pauses=[]).exists()
    assert Application.objects.filter(status=ApplicationStatus.DONE).exists()
    assert Rating.objects.filter(level__lte=2).count() == RectificationTicket.objects.count() > 0
    assert Rating.objects.filter(subject="visit").exists()
    assert TicketStep.objects.filter(done_at__isnull=True, due_at__lt=NOW).exists()
    # Every sub-case carries its application's region, pack and bundle.
    assert not subcases.exclude(
        region_id=F("application__region_id"),
        pack_id=F("application__pack_id"),
        bundle_id=F("application__bundle_id"),
    ).exists()
    # Every sub-case went to an agency of its item's kind in the application's province.
    assert not subcases.exclude(agency__kind=F("agency_kind")).exists()
    for code, province in subcases.values_list("agency__code", "application__pack__region__code"):
        assert code[:2] == province[:2]


def test_same_seed_same_history_other_seed_other_history(world) -> None:
    history_generate(subcases=400, seed=11, as_of=NOW)
    first = digest()
    history_clear()
    assert not SubCase.objects.exists() and not Rating.objects.exists()
    history_generate(subcases=400, seed=11, as_of=NOW)
    assert digest() == first
    history_clear()
    history_generate(subcases=400, seed=12, as_of=NOW)
    assert digest() != first


def test_clear_keeps_real_applications(world, ledger) -> None:
    real = set(Application.objects.values_list("number", flat=True))
    history_generate(subcases=300, seed=1, as_of=NOW)
    generated = Application.objects.count() - len(real)
    assert generated > 0
    assert history_clear() == generated
    assert set(Application.objects.values_list("number", flat=True)) == real
    assert SubCase.objects.count() == 8 and Rating.objects.count() == 6


def test_command(world) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = ["--subcases", "150", "--seed", "2", "--as-of", "2025-03-20T12:00"]
    call_command("supervision_generate", *args, stdout=out, stderr=err)
    assert "子件 150 件" in out.getvalue() and "150/150" in err.getvalue()
    with pytest.raises(CommandError, match="--clear"):
        call_command("supervision_generate", *args, stdout=out, stderr=err)
    assert SubCaseDaily.objects.filter(day__lt=NOW.date()).exists()  # rolled up by default
    call_command("supervision_generate", "--clear", "--no-rollups", *args, stdout=out, stderr=err)
    assert SubCase.objects.count() == 150
    assert not SubCaseDaily.objects.exists()  # cleared with the history, and not rebuilt
    call_command("supervision_generate", "--clear", stdout=out, stderr=err)
    assert not SubCase.objects.exists()
    with pytest.raises(CommandError, match="--subcases"):
        call_command("supervision_generate", stdout=out, stderr=err)


def test_needs_packs_and_a_calendar(db) -> None:
    with pytest.raises(ValueError, match="政策包"):
        history_generate(subcases=10, as_of=NOW)


def test_refuses_when_the_calendar_does_not_cover_the_year(world) -> None:
    with pytest.raises(ValueError, match=r"工作日历未配置20\d\d年"):
        history_generate(subcases=10, as_of=NOW.replace(year=2030))


def test_chunks_drawn_in_any_order_give_the_same_history(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What lets processes draw chunks side by side: a chunk depends on its number only."""
    monkeypatch.setattr(services, "CHUNK_SUBCASES", 150)
    result = history_generate(subcases=400, seed=5, as_of=NOW)
    assert result.subcases == SubCase.objects.count() == 400
    in_order = digest()
    history_clear()
    chunks = services._Chunks(
        drawing=services._drawing(seed=5, as_of=NOW), seed=5, as_of=NOW, batch=5000
    )
    chunks.write([(2, 100), (0, 150)], lambda count: None)  # as two processes would split them
    chunks.write([(1, 150)], lambda count: None)
    assert digest() == in_order


@pytest.mark.django_db(transaction=True)
def test_processes_write_the_history_one_process_writes(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer: one process")
    monkeypatch.setattr(services, "CHUNK_SUBCASES", 150)
    history_generate(subcases=400, seed=6, as_of=NOW, workers=1)
    one = digest()
    history_clear()
    progress = io.StringIO()
    result = history_generate(subcases=400, seed=6, as_of=NOW, workers=3, progress=progress)
    assert result.subcases == SubCase.objects.count() == 400
    assert result.applications == Application.objects.count()
    assert digest() == one
    assert "400/400" in progress.getvalue()
    # The roll-ups of that history, rebuilt in processes (each every n-th day): the same rows.
    first, last = NOW.date() - dt.timedelta(days=400), NOW.date() - dt.timedelta(days=1)
    rollup_rebuild(first=first, last=last, workers=1)
    alone = _rollup_rows()
    rollups_clear()
    rollup_rebuild(first=first, last=last, workers=3, progress=io.StringIO())
    assert _rollup_rows() == alone and sum(len(rows) for rows in alone) > 100


def _rollup_rows() -> list[list[tuple[object, ...]]]:
    found = []
    for model in ROLLUPS:
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        found.append(sorted(model.objects.values_list(*names), key=repr))
    return found


def _history_indexes() -> set[tuple[str, str]]:
    tables = [m._meta.db_table for m in services.HISTORY_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY (%s)", [tables]
        )
        return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_load_without_indexes_builds_them_again_and_writes_the_same_history(
    world, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("indexes are set aside only for PostgreSQL loads; SQLite keeps them")
    monkeypatch.setattr(services, "CHUNK_SUBCASES", 150)
    history_generate(subcases=300, seed=6, as_of=NOW, workers=1, defer_indexes=False)
    kept = digest()
    history_clear()
    before = _history_indexes()
    assert len(before) > 30
    result = history_generate(subcases=300, seed=6, as_of=NOW, workers=2, defer_indexes=True)
    assert result.index_seconds > 0
    assert _history_indexes() == before
    assert digest() == kept
    # The unique constraints hold again: a second application with a taken number is refused.
    from django.db import IntegrityError, transaction

    taken = Application.objects.filter(number__contains=NUMBER_MARK).first()
    assert taken is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=taken.pk).update(
            number=Application.objects.exclude(pk=taken.pk).values("number")[:1]
        )


@pytest.mark.django_db(transaction=True)
def test_indexes_a_killed_history_load_left_aside_are_built_before_the_next_one(
    world, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("indexes are set aside only for PostgreSQL loads; SQLite keeps them")
    from kuaiban.core.deferred_indexes import indexes_defer, indexes_restore

    monkeypatch.setattr(services, "CHUNK_SUBCASES", 150)
    before = _history_indexes()
    assert indexes_defer(services.HISTORY_TABLES, holder=Application) > 30
    assert _history_indexes() < before  # as a load killed halfway leaves them: on record
    history_generate(subcases=50, seed=6, as_of=NOW, workers=1, defer_indexes=False)
    assert _history_indexes() == before
    assert indexes_restore(holder=Application) == 0  # nothing left on record
