"""/workbench/: the officer's queue — own agency only, sorted by time left, filtered, counted,
paginated, in a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kuaiban.cases.models import SubCase
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from kuaiban.workbench import selectors
from tests.workbench.helpers import (
    JN_LAB,
    JN_SI,
    client_for,
    first_open,
    queue_ids,
    submit_retirement,
    submit_termination,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(world, clock):  # type: ignore[no-untyped-def]
    """A retirement (10 working days at 社保), then a Jinan and a Taiyuan termination (社保's
    减员 is 即办: 30 minutes) an hour later; two hours after that the Jinan 减员 is overdue."""
    retirement = submit_retirement(world)
    clock.advance(hours=1)
    jinan = submit_termination(world["unit-qilu"], pack="shandong-2020")
    taiyuan = submit_termination(world["unit-jinyang"], pack="shanxi-2020")
    clock.advance(hours=2)
    return retirement, jinan, taiyuan


def _row(html: str, subcase_id: int) -> str:
    found = re.search(rf'<tr[^>]*data-subcase="{subcase_id}".*?</tr>', html, re.S)
    assert found is not None, f"row {subcase_id} not shown"
    return found.group(0)


def test_the_queue_shows_only_this_agencys_started_sub_cases_by_time_left(world, three) -> None:
    retirement, jinan, taiyuan = three
    html = client_for(world["officer-jn-si"]).get("/workbench/").content.decode()
    shown = [int(i) for i in re.findall(r'data-subcase="(\d+)"', html)]
    mine = SubCase.objects.filter(agency__code=JN_SI).exclude(status="waiting")
    assert sorted(shown) == sorted(mine.values_list("pk", flat=True))
    # Not the labour office's half of the same application, not Taiyuan's, not later stages.
    assert first_open(jinan, JN_LAB).pk not in shown
    assert not set(shown) & set(taiyuan.subcases.values_list("pk", flat=True))
    assert not set(shown) & set(
        retirement.subcases.filter(status="waiting").values_list("pk", flat=True)
    )
    # Sorted by due date: the overdue 即办 减员 first, the retirement's 10 days after the 5 of 补缴.
    dues = [SubCase.objects.get(pk=pk).due_at for pk in shown]
    assert dues == sorted(dues)
    overdue = jinan.subcases.get(item__code="1.3.1")
    assert shown[0] == overdue.pk
    row = _row(html, overdue.pk)
    assert 'data-remaining="-0.1"' in row and "已超期" in row and "wb-row-overdue" in row
    retirement_row = _row(html, first_open(retirement, JN_SI).pk)
    # Monday 12:30 to the end of the 10th working day after: 10 + half a day, one decimal.
    assert 'data-remaining="10.5"' in retirement_row and "正常" in retirement_row
    assert "2025-03-17 23:59" in retirement_row
    # Each row: number, bundle, item (seed wording), applicant with a masked identifier only.
    assert retirement.number in retirement_row and "职工退休" in retirement_row
    assert "职工正常退休（职）申请核准" in retirement_row
    assert "张建国（370102********1234）" in retirement_row
    assert "370102196503121234" not in html and "91370100MA3C4X5K7L" not in html


def test_counts_per_status_and_deadline_at_the_top(world, three) -> None:
    retirement, _, _ = three
    officer = world["officer-jn-si"]
    subcase_accept(actor=officer, subcase=first_open(retirement, JN_SI))
    html = client_for(officer).get("/workbench/").content.decode()
    counts = {
        label: int(n)
        for n, label in re.findall(r'<span class="wb-count">(\d+)</span>([^<]+)</a>', html)
    }
    assert counts["待受理"] == 3 and counts["办理中"] == 1 and counts["待补正"] == 0
    assert counts["已超期"] == 1 and counts["即将到期"] == 0


def test_filters_by_status_deadline_and_number_prefix(world, three) -> None:
    retirement, jinan, _ = three
    officer = world["officer-jn-si"]
    client = client_for(officer)
    accepted = first_open(retirement, JN_SI)
    subcase_accept(actor=officer, subcase=accepted)
    assert queue_ids(client, "?status=accepted") == [accepted.pk]
    overdue = jinan.subcases.get(item__code="1.3.1")
    assert queue_ids(client, "?deadline=overdue") == [overdue.pk]
    # 补缴 (5 working days) is due the next Monday: on time, not due soon.
    arrears = jinan.subcases.get(item__code="1.3.5")
    assert arrears.pk not in queue_ids(client, "?deadline=due_soon")
    assert arrears.pk in queue_ids(client, "?deadline=on_time")
    # Number prefix: the whole number, or its first characters.
    assert queue_ids(client, f"?number={retirement.number}") == [accepted.pk]
    assert set(queue_ids(client, f"?number={jinan.number[:-1]}")) >= set(
        jinan.subcases.filter(agency__code=JN_SI).values_list("pk", flat=True)
    )
    assert queue_ids(client, "?number=999999") == []
    # Filters combine; unknown values are ignored instead of breaking the page.
    assert queue_ids(client, f"?status=open&number={retirement.number}") == []
    assert len(queue_ids(client, "?status=bogus&deadline=later")) == len(queue_ids(client))


def test_due_soon_is_the_sweepers_window(world, clock, settings) -> None:  # type: ignore[no-untyped-def]
    jinan = submit_termination(world["unit-qilu"], pack="shandong-2020")
    arrears = jinan.subcases.get(item__code="1.3.5")  # due Monday 2025-03-10, end of day
    client = client_for(world["officer-jn-si"])
    clock.advance(days=4)  # Friday: three days left, on time
    assert arrears.pk in queue_ids(client, "?deadline=on_time")
    clock.advance(days=3)  # Monday morning: due within 24 hours, like the sweeper says
    assert arrears.pk in queue_ids(client, "?deadline=due_soon")
    assert arrears.pk not in queue_ids(client, "?deadline=on_time")
    settings.KUAIBAN_DUE_SOON_HOURS = 2
    assert arrears.pk in queue_ids(client, "?deadline=on_time")


def test_a_correction_shows_the_paused_clock_after_the_running_ones(world, three) -> None:
    retirement, _, _ = three
    officer = world["officer-jn-si"]
    paused = first_open(retirement, JN_SI)
    subcase_decide(
        actor=officer,
        subcase=paused,
        outcome=Outcome.CORRECTION,
        correction_items=["退休申请表签字"],
    )
    html = client_for(officer).get("/workbench/").content.decode()
    row = _row(html, paused.pk)
    assert "暂停计时" in row and "待补正" in row and "已超期" not in row
    shown = [int(i) for i in re.findall(r'data-subcase="(\d+)"', html)]
    assert shown[-1] == paused.pk  # it waits for the applicant, so it comes after the work
    assert queue_ids(client_for(officer), "?status=correction") == [paused.pk]
    assert paused.pk not in queue_ids(client_for(officer), "?deadline=overdue")


def test_pages_of_thirty_keep_the_filters(world, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert selectors.PAGE_SIZE == 30
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    submit_termination(world["unit-qilu"], pack="shandong-2020")  # three 社保 sub-cases
    client = client_for(world["officer-jn-si"])
    first = client.get("/workbench/?status=open").content.decode()
    assert "第 1 页 / 共 2 页" in first
    assert 'href="?status=open&amp;page=2"' in first
    second = queue_ids(client, "?status=open&page=2")
    assert len(second) == 1 and second[0] not in queue_ids(client, "?status=open")
    # A page past the end shows the last page rather than an error.
    assert queue_ids(client, "?status=open&page=99") == second


def _queue_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/workbench/").status_code == 200
    return len(queries)


def test_the_queue_runs_a_bounded_number_of_queries(
    world, clock, django_assert_max_num_queries
) -> None:
    client = client_for(world["officer-jn-si"])
    submit_retirement(world)
    few = _queue_queries(client)
    for seq in range(2, 6):
        submit_termination(world["unit-qilu"], pack="shandong-2020", seq=seq)
    clock.advance(hours=2)
    subcase_decide(
        actor=world["officer-jn-si"],
        subcase=SubCase.objects.filter(agency__code=JN_SI, status="open").first(),
        outcome=Outcome.CORRECTION,
        correction_items=["补充材料"],
    )
    assert len(queue_ids(client)) == 13
    assert _queue_queries(client) == few
    # Session, user, agency, counts, page count, rows, one calendar load (two queries), and the
    # agency's open 告知承诺 checks.
    with django_assert_max_num_queries(9):
        client.get("/workbench/?status=open&deadline=overdue&number=3701")


def test_a_withdrawn_sub_case_leaves_the_list(world, three) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.cases.services import application_withdraw

    retirement, _, _ = three
    client = client_for(world["officer-jn-si"])
    withdrawn = first_open(retirement, JN_SI)
    assert withdrawn.pk in queue_ids(client)
    application_withdraw(actor=world["zhangjianguo"], application=retirement)
    gone = set(retirement.subcases.filter(agency__code=JN_SI).values_list("pk", flat=True))
    assert set(retirement.subcases.values_list("status", flat=True)) == {"withdrawn"}
    assert not gone & set(queue_ids(client))
    html = client.get("/workbench/").content.decode()
    assert "（不含等待前序阶段的和已撤回的）" in html
    # Still found when asked for by its status or its number.
    assert set(queue_ids(client, "?status=withdrawn")) == gone
    assert withdrawn.pk in queue_ids(client, f"?number={retirement.number}")
