"""The daily roll-ups: every figure read through them equals the one computed from the raw
rows (generated history plus the hand-made ledger, every scope, filters and periods); the
worker keeps them current; the command rebuilds a period with progress."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.models import F, Sum
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import (
    Application,
    ApplicationMaterial,
    ApplicationStatus,
    Provision,
)
from kuaiban.calendar.arithmetic import start_of_day
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import calendar_load, due_at, instant_due
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.regions import RegionTree
from kuaiban.deliveries.runner import WorkerLoop
from kuaiban.ratings.models import Rating, RatingSubject, StepKind, TicketStep
from kuaiban.supervision.dashboard import Context, overview_load
from kuaiban.supervision.filters import Filters, Period, filter_choices, filters_parse
from kuaiban.supervision.models import (
    ApplicationDaily,
    InstantDaily,
    InstantProvinceMonth,
    ProcessingDaily,
    ProcessingProvinceMonth,
    RatingDaily,
    ReportDaily,
    RollupRange,
    SubCaseDaily,
)
from kuaiban.supervision.rollups.read import day_condition, months_within
from kuaiban.supervision.rollups.refresh import rollup_rebuild, rollup_refresh
from kuaiban.supervision.scope import scope_for
from kuaiban.supervision.selectors.base import overdue_steps, ticket_condition
from kuaiban.supervision.selectors.breakdowns import month_breakdown
from kuaiban.supervision.selectors.contact_points import contact_point_rows
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.selectors.items import item_stats
from kuaiban.supervision.selectors.timing import (
    instant_condition,
    instant_histogram,
    report_histogram,
    within,
)
from kuaiban.supervision.services import history_generate
from kuaiban.supervision.synthetic.history import NUMBER_MARK
from tests.supervision.ledger import NOW, ledger_build
from tests.worlds import world_on

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
USERS = ("admin", "supervisor-sx", "supervisor-jn", "officer-ty-si")  # all, province, city, agency
KINDS = ("pack", "bundle", "item", "region", "item_agency", "agency")  # the filters
PERIODS = [
    "",  # this month up to today
    f"from={TODAY - dt.timedelta(days=364)}&to={TODAY}",  # a year: whole months and days
    "from=2024-11-12&to=2025-02-03",  # starts and ends inside a month
    f"from={TODAY - dt.timedelta(days=1)}&to={TODAY - dt.timedelta(days=1)}",  # yesterday
]


def _filters(user: User, query: str) -> tuple[Context, Context]:
    """(read through the roll-ups, read live) for the same user, filters and period."""
    tree = RegionTree.load()
    scope = scope_for(user, tree=tree)
    choices = filter_choices(scope=scope, tree=tree)
    result = filters_parse(QueryDict(query), scope=scope, tree=tree, choices=choices)
    assert result.filters is not None, result.errors
    rolled: Filters = result.filters
    assert rolled.covered is not None
    return Context(scope, rolled, tree), Context(
        scope, dataclasses.replace(rolled, covered=None), tree
    )


def _assert_same(user: User, query: str) -> None:
    rolled, live = _filters(user, query)
    overview = overview_load(rolled)
    assert overview == overview_load(live), query
    # The trend's last month from the overview's own rows of today equals its own read.
    assert overview.months == month_breakdown(rolled.scope, rolled.filters), query
    for histogram in (instant_histogram, report_histogram):
        assert histogram(rolled.scope, rolled.filters) == histogram(live.scope, live.filters), (
            histogram,
            query,
        )
    tree = rolled.tree
    assert contact_point_rows(rolled.scope, rolled.filters, tree=tree) == contact_point_rows(
        live.scope, live.filters, tree=tree
    ), query


@world_on("supervision_world")
def supervision_history() -> None:
    """The supervision world, the hand-made ledger, a generated year of history and its
    roll-ups: written once per session (tests/worlds.py), put back before each test here."""
    with mock.patch.object(timezone, "now", return_value=NOW):
        ledger_build(User.objects.get(username="clerk-lixia"))
        history_generate(subcases=1500, seed=11, batch=800, as_of=NOW)
        # The generator hands in no 补正 material: a few applications get one, so that the
        # roll-ups' correction count is compared too.
        generated = Application.objects.filter(number__contains=NUMBER_MARK)
        for application in generated.exclude(status=ApplicationStatus.WITHDRAWN).order_by("pk")[
            ::40
        ]:
            ApplicationMaterial.objects.create(
                application=application,
                code="correction1",
                name="补正材料1",
                provision=Provision.CORRECTION,
            )
        first = Application.objects.order_by("submitted_at").first()
        assert first is not None
        rollup_rebuild(first=first.submitted_at.date(), last=TODAY - dt.timedelta(days=1))


@pytest.fixture
def history(supervision_history: None) -> dict[str, User]:
    return {u.username: u for u in User.objects.all()}


def _filter_values(user: User) -> dict[str, str]:
    """Filter kind → a value in use in the user's scope (an agency's officer filters by neither
    an agency nor an item at one: the scope is the agency)."""
    sub = SubCase.objects.filter(agency__isnull=False).select_related(
        "application__pack", "application__region", "item", "agency"
    )
    tree = RegionTree.load()
    scope = scope_for(user, tree=tree)
    if scope.region_ids is not None:
        sub = sub.filter(application__region_id__in=scope.region_ids)
    if scope.agency_id is not None:
        sub = sub.filter(agency_id=scope.agency_id)
    s = sub.order_by("pk").first()
    assert s is not None
    a = s.application
    values = {
        "pack": f"pack={a.pack.code}",
        "bundle": f"pack={a.pack.code}&bundle={a.bundle_id}",
        "item": f"item={s.item.code}",
        "region": f"region={a.region.code}",
    }
    if scope.agency_id is None:
        values["item_agency"] = f"item={s.item.code}&agency={s.agency.code}"
        values["agency"] = f"agency={s.agency.code}"
    return values


def test_the_history_fills_every_count_and_kind_of_row(history) -> None:
    """What the comparison below compares is not zero: every count of every roll-up table, on
    days and on whole months, rows with and without an item or an agency, every channel."""
    for model in (
        ApplicationDaily,
        SubCaseDaily,
        RatingDaily,
        ProcessingDaily,
        InstantDaily,
        ReportDaily,
    ):
        counts = [f.name for f in model._meta.fields if isinstance(f, models.BigIntegerField)]
        for whole_month in (False, True):
            rows = model.objects.filter(whole_month=whole_month)
            sums = rows.aggregate(**{name: Sum(name) for name in counts})
            assert [name for name in counts if not sums[name]] == [], (model, whole_month)
    for field in ("item", "agency"):
        assert ApplicationDaily.objects.filter(**{f"{field}__isnull": True}).exists()
        assert ApplicationDaily.objects.filter(**{f"{field}__isnull": False}).exists()
    assert set(ApplicationDaily.objects.values_list("channel", flat=True)) >= {
        "web",
        "app",
        "window",
        "kiosk",
        "api",
    }


def test_the_rows_a_page_reads_lie_together_in_the_table(history) -> None:
    """The roll-ups are written in the order the pages read them: by day, and a day's or a
    month's rows of "any item" and "any agency" together, before its item and agency rows —
    not spread over the table's pages in the order a hash aggregate gives them."""
    if connection.vendor != "postgresql":
        pytest.skip("the physical order of rows (ctid): PostgreSQL (run in the PostgreSQL half)")
    table = ApplicationDaily._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day, whole_month, item_id IS NULL AND agency_id IS NULL FROM {table} "
            "ORDER BY ctid"
        )
        rows = cursor.fetchall()
    assert len({(day, whole) for day, whole, _ in rows}) > 30
    assert any(whole for _, whole, _ in rows) and not all(any_ for _, _, any_ in rows)
    runs: list[tuple[dt.date, bool, bool]] = []
    for row in rows:
        if not runs or runs[-1] != row:
            runs.append(row)
    # Each (day or month, "any" or not) is one run of rows, the "any" rows first.
    assert len(runs) == len(set(runs)), runs[:20]
    for day, whole, any_ in runs:
        if not any_ and (day, whole, True) in runs:
            assert runs.index((day, whole, True)) < runs.index((day, whole, False))


def test_the_processing_histogram_counts_each_decided_subcase_once(history) -> None:
    """Day rows: every sub-case decided before today (opened, not decided before it) once,
    in the tenth of a working day its exact time rounds to; month rows: their days' sums."""
    decided = SubCase.objects.filter(
        decided_at__lt=start_of_day(TODAY), opened_at__isnull=False, decided_at__gte=F("opened_at")
    )
    days = ProcessingDaily.objects.filter(whole_month=False)
    assert days.aggregate(n=Sum("decided"))["n"] == decided.count() > 100
    assert days.values("tenths").distinct().count() > 20  # a histogram, not a few buckets
    months = ProcessingDaily.objects.filter(whole_month=True)
    for first in months.values_list("day", flat=True).distinct()[:3]:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        in_days = days.filter(day__gte=first, day__lt=following)
        assert months.filter(day=first).aggregate(n=Sum("decided"), s=Sum("days_sum")) == (
            in_days.aggregate(n=Sum("decided"), s=Sum("days_sum"))
        )


def test_the_timing_histograms_give_what_each_case_checked_against_its_deadline_gives(
    history,
) -> None:
    """即办 within N minutes and 报告单 within N days, read from the roll-up's histogram, equal
    the count of cases whose own deadline (`instant_due`, `due_at`) they kept, for several N."""
    rolled, _ = _filters(history["admin"], f"from={TODAY - dt.timedelta(days=364)}&to={TODAY}")
    since, until = rolled.filters.period.since, start_of_day(TODAY)
    instant = SubCase.objects.filter(
        instant_condition(), decided_at__gte=since, decided_at__lt=until, opened_at__isnull=False
    ).values_list("opened_at", "decided_at")
    steps = TicketStep.objects.filter(
        kind=StepKind.REPORT,
        done_at__gte=since,
        done_at__lt=until,
        ticket__rectified_at__isnull=False,
    ).values_list("ticket__rectified_at", "done_at")
    calendar = calendar_load()
    rows = InstantDaily.objects.filter(whole_month=False, day__lt=TODAY)
    histogram = Counter(dict(rows.values_list("minutes").annotate(n=Sum("decided")).order_by()))
    for minutes in (0, 15, 30, 120):
        kept = sum(
            done <= instant_due(start=s, calendar=calendar, minutes=minutes) for s, done in instant
        )
        assert within(histogram, minutes) == Rate(kept, len(instant)), minutes
    assert len(instant) > 20 and 0 < within(histogram, 30).part < len(instant)
    report_rows = ReportDaily.objects.filter(whole_month=False, day__lt=TODAY, item=None)
    reports = Counter(dict(report_rows.values_list("days").annotate(n=Sum("reports")).order_by()))
    for days in (1, 5, 7):
        limit = TimeLimit(LimitUnit.CALENDAR_DAYS, days)
        kept = sum(done <= due_at(start=s, limit=limit) for s, done in steps)
        assert within(reports, days) == Rate(kept, len(steps)), days
    assert len(steps) > 5


def test_every_figure_read_through_the_rollups_equals_the_raw_count(history) -> None:
    """Every user (all, a province, a city, an agency) in every period without a filter; every
    filter kind in every period, each time for the next user who can use it — so every pair of
    user, filter kind and period is compared, 40 comparisons instead of all 104 triples (each
    costs about 75 queries whatever the amount of data: the cost is in the reading, not the
    rows)."""
    values = {name: _filter_values(history[name]) for name in USERS}
    for period in PERIODS:
        for name in USERS:
            _assert_same(history[name], period)
    for k, kind in enumerate(KINDS):
        able = [name for name in USERS if kind in values[name]]
        for p, period in enumerate(PERIODS):
            name = able[(k + p) % len(able)]
            value = values[name][kind]
            _assert_same(history[name], f"{value}&{period}" if period else value)


def test_the_tickets_own_columns_pick_the_steps_of_the_ratings_in_view(history) -> None:
    """The tickets' own columns (`RectificationTicket.region` …) pick the same rectification
    steps as their ratings, reached through the rated application or window visit, for every
    user and filter kind — all the history's steps, and the open ones past due that the
    overview counts; the reference below walks each step in Python. Every filter kind
    narrows the steps of some user, so none can be left out unnoticed."""
    values = {name: _filter_values(history[name]) for name in USERS}
    counts: dict[tuple[str, str], int] = {}
    for name in USERS:
        for kind in ("", *KINDS):
            if kind and kind not in values[name]:
                continue
            view, _ = _filters(history[name], values[name][kind] if kind else "")
            scope, f = view.scope, view.filters
            steps = TicketStep.objects.filter(ticket_condition(scope, f, prefix="ticket__"))
            picked = set(steps.values_list("pk", flat=True))
            assert picked == _steps_through_ratings(scope, f, TicketStep.objects.all()), (
                name,
                kind,
            )
            due = TicketStep.objects.filter(done_at__isnull=True, due_at__lt=timezone.now())
            overdue = set(overdue_steps(scope, f).values_list("pk", flat=True))
            assert overdue == _steps_through_ratings(scope, f, due), (name, kind)
            counts[name, kind] = len(picked)
    for kind in KINDS:
        assert any(0 < counts[n, kind] < counts[n, ""] for n in USERS if (n, kind) in counts), (
            kind,
            counts,
        )


def _steps_through_ratings(scope, f, steps) -> set[int]:  # type: ignore[no-untyped-def]
    kept = set()
    for step in steps.select_related(
        "ticket__rating__application", "ticket__rating__visit__application"
    ):
        ticket, rating = step.ticket, step.ticket.rating
        application = rating.application or (rating.visit.application if rating.visit else None)
        regions = [r for r in (scope.region_ids, f.region_ids) if r is not None]
        agencies = [a for a in (scope.agency_id, f.agency_id) if a is not None]
        if any(rating.region_id not in r for r in regions):
            continue
        if any(ticket.agency_id != a for a in agencies):
            continue
        if (f.pack_id or f.bundle_id or f.item_id) and application is None:
            continue
        if f.pack_id and application.pack_id != f.pack_id:
            continue
        if f.bundle_id and application.bundle_id != f.bundle_id:
            continue
        if f.item_id and not application.subcases.filter(item_id=f.item_id).exists():
            continue
        kept.add(step.pk)
    return kept


def test_a_whole_province_reads_its_year_of_processing_times_from_the_province_rows(
    history,
) -> None:
    """`ProcessingProvinceMonth` holds each month row of `ProcessingDaily` added up per
    province, pack, item and tenth; the administrator's and a provincial supervisor's year
    read it (and no month row of `ProcessingDaily`) and get the raw figures; a city, a bundle
    or an agency is read from `ProcessingDaily`."""
    tree = RegionTree.load()
    provinces: Counter[tuple[object, ...]] = Counter()
    for row in ProcessingDaily.objects.filter(whole_month=True):
        key = (row.day, tree.ancestors(row.region_id)[-1], row.pack_id, row.item_id, row.tenths)
        provinces[(*key, "n")] += row.decided
        provinces[(*key, "s")] += row.days_sum
    held: Counter[tuple[object, ...]] = Counter()
    for row in ProcessingProvinceMonth.objects.all():
        key = (row.month, row.region_id, row.pack_id, row.item_id, row.tenths)
        held[(*key, "n")] += row.decided
        held[(*key, "s")] += row.days_sum
    assert held == provinces and len(held) > 100
    covered = RollupRange.objects.get()
    assert (TODAY - covered.first).days > 250
    # From the middle of the roll-ups' first whole month: days, whole months, days, today.
    start = (covered.first + dt.timedelta(days=31)).replace(day=15)
    year = f"from={start}&to={TODAY}"
    values = _filter_values(history["supervisor-sx"])
    for username, query, province_rows in (
        ("admin", year, True),
        ("supervisor-sx", year, True),
        ("supervisor-sx", f"{year}&{values['pack']}", True),
        ("supervisor-sx", f"{year}&{values['item']}", True),
        ("supervisor-jn", year, False),  # a city
        ("supervisor-sx", f"{year}&{values['bundle']}", False),
        ("supervisor-sx", f"{year}&{values['agency']}", False),
        ("officer-ty-si", year, False),
    ):
        rolled, live = _filters(history[username], query)
        with CaptureQueriesContext(connection) as captured:
            stats = item_stats(rolled.scope, rolled.filters)
        read = " ".join(q["sql"] or "" for q in captured.captured_queries)
        table = ProcessingProvinceMonth._meta.db_table
        assert (table in read) is province_rows, (username, query)
        assert stats == item_stats(live.scope, live.filters), (username, query)
        assert stats.processing.sampled > 0, (username, query)


def test_a_whole_province_reads_its_year_of_instant_minutes_from_the_province_rows(
    history,
) -> None:
    """`InstantProvinceMonth` holds each month row of `InstantDaily` added up per province,
    pack, item and minutes; the 即办 histogram of a whole province's (or every region's) year
    reads it and equals the raw histogram; a city, a bundle or an agency reads `InstantDaily`."""
    tree = RegionTree.load()
    provinces: Counter[tuple[object, ...]] = Counter()
    for row in InstantDaily.objects.filter(whole_month=True):
        top = tree.ancestors(row.region_id)[-1]
        provinces[(row.day, top, row.pack_id, row.item_id, row.minutes)] += row.decided
    held: Counter[tuple[object, ...]] = Counter()
    for kept in InstantProvinceMonth.objects.all():
        held[(kept.month, kept.region_id, kept.pack_id, kept.item_id, kept.minutes)] += kept.decided
    assert held == provinces and len(held) > 20
    covered = RollupRange.objects.get()
    start = (covered.first + dt.timedelta(days=31)).replace(day=15)
    year = f"from={start}&to={TODAY}"
    values = _filter_values(history["supervisor-sx"])
    for username, query, province_rows in (
        ("admin", year, True),
        ("supervisor-sx", year, True),
        ("supervisor-sx", f"{year}&{values['pack']}", True),
        ("supervisor-jn", year, False),
        ("supervisor-sx", f"{year}&{values['bundle']}", False),
        ("officer-ty-si", year, False),
    ):
        rolled, live = _filters(history[username], query)
        with CaptureQueriesContext(connection) as captured:
            found = instant_histogram(rolled.scope, rolled.filters)
        read = " ".join(q["sql"] or "" for q in captured.captured_queries)
        table = InstantProvinceMonth._meta.db_table
        assert (table in read) is province_rows, (username, query)
        assert found == instant_histogram(live.scope, live.filters), (username, query)
    admin, _ = _filters(history["admin"], year)
    assert sum(instant_histogram(admin.scope, admin.filters).values()) > 0


def test_a_figure_changed_on_a_past_day_is_caught_by_the_next_refresh(history) -> None:
    user = history["admin"]
    query = f"from={TODAY - dt.timedelta(days=364)}&to={TODAY}"
    running = SubCase.objects.filter(
        status__in=SubCase.RUNNING, due_at__lt=NOW, application__submitted_at__lt=NOW.replace(day=1)
    ).first()
    assert running is not None
    running.status, running.decided_at = SubCaseStatus.APPROVED, NOW
    running.save(update_fields=["status", "decided_at"])
    unrated = Application.objects.filter(
        status__in=Application.FINISHED, rating__isnull=True, submitted_at__lt=NOW.replace(day=1)
    ).first()
    assert unrated is not None
    Rating.objects.create(
        subject=RatingSubject.CASE,
        application=unrated,
        level=1,
        real_name=True,
        region_id=unrated.region_id,
        rated_at=NOW,
    )
    rolled, live = _filters(user, query)
    assert overview_load(rolled) != overview_load(live)  # the roll-ups are behind
    result = rollup_refresh()
    assert result.days >= 2
    _assert_same(user, query)


def test_the_worker_pass_rolls_up_the_days_that_ended(world, ledger, settings) -> None:
    settings.KUAIBAN_SUPERVISION_ROLLUP_SECONDS = 300
    assert not RollupRange.objects.exists()
    WorkerLoop(worker_id="test").run_pass(sweep=True)
    state = RollupRange.objects.get()
    assert state.until == TODAY  # today is read live
    assert SubCaseDaily.objects.filter(day__lt=TODAY).exists()
    assert not ApplicationDaily.objects.filter(day__gte=TODAY).exists()
    _assert_same(world["supervisor-sd"], "")


def test_the_command_rebuilds_a_period_with_progress(history) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "supervision_rollup", "--from", "2025-01-01", "--to", "2025-01-31", stdout=out, stderr=err
    )
    assert "汇总 31 天" in out.getvalue()
    assert "31/31" in err.getvalue()
    assert ApplicationDaily.objects.filter(whole_month=True, day=dt.date(2025, 1, 1)).exists()
    _assert_same(history["admin"], "from=2025-01-01&to=2025-01-31")


def test_whole_months_come_from_the_month_rows() -> None:
    period = Period(dt.date(2024, 11, 12), dt.date(2025, 2, 3))
    assert months_within(period) == [dt.date(2024, 12, 1), dt.date(2025, 1, 1)]
    assert months_within(Period(dt.date(2025, 1, 1), dt.date(2025, 1, 30))) == []
    assert months_within(Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))) == [dt.date(2025, 1, 1)]
    condition = str(day_condition(period))
    assert "whole_month" in condition


# One look at each page, once the process keeps the policy data (`supervision/reference.py`):
# the session, the user, the policy generation and the roll-ups' range, then per figure one
# read of the roll-ups and one of the raw rows of the rest of the period (the overview of a
# supervisor reads the 即办 target's histogram too; the sub-cases received in the raw part are
# a read of their own, by the applications' submission time, not an OR across the join that
# no index serves). At the bench's history they ran 35–50, 20–22 and 21–22 statements before
# the policy data was kept and reads were merged.
PAGES = ("/supervision/", "/supervision/items/", "/supervision/contact-points/")
# The overview: the trend's last month from its own rows of today (two reads fewer).
PAGE_STATEMENTS = {"admin": (19, 9, 10), "supervisor-sx": (21, 9, 10)}
# On PostgreSQL the overview's two groupings of the sub-case roll-up are one statement.
MERGED_ON_POSTGRESQL = {"/supervision/": 1}
# Regions, agencies, items, packs, bundles, targets, speed-ups, contact points, the calendar.
POLICY_TABLES = ('"catalogue_', '"bundles_', '"workcalendar_')


@pytest.mark.parametrize("username", list(PAGE_STATEMENTS))
def test_a_look_at_a_page_reads_the_figures_and_no_policy_data(history, username) -> None:
    client = Client()
    client.force_login(history[username])
    # Whole months and days through the roll-ups, today live.
    query = f"from={TODAY - dt.timedelta(days=100)}&to={TODAY}"
    for path, expected in zip(PAGES, PAGE_STATEMENTS[username], strict=True):
        assert client.get(f"{path}?{query}").status_code == 200  # the policy data, kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{path}?{query}").status_code == 200
        statements = [q["sql"] or "" for q in captured.captured_queries]
        assert not [s for s in statements if any(t in s for t in POLICY_TABLES)], path
        assert any('"supervision_subcasedaily"' in s for s in statements), path
        if connection.vendor == "postgresql":
            expected -= MERGED_ON_POSTGRESQL.get(path, 0)
        assert len(statements) == expected, (path, statements)
