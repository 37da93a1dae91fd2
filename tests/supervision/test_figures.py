"""Every headline figure against a hand count of the ledger (see ledger.py for the data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict

from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.dashboard import Context, headlines, overview_load
from kuaiban.supervision.filters import Filters, filter_choices, filters_parse
from kuaiban.supervision.scope import scope_for
from kuaiban.supervision.selectors.contact_points import contact_point_rows
from kuaiban.supervision.selectors.figures import Rate
from tests.supervision.ledger import MARCH

pytestmark = pytest.mark.django_db


def context(user, query: str = MARCH) -> Context:  # type: ignore[no-untyped-def]
    tree = RegionTree.load()
    scope = scope_for(user, tree=tree)
    choices = filter_choices(scope=scope, tree=tree)
    result = filters_parse(QueryDict(query), scope=scope, tree=tree, choices=choices)
    assert result.filters is not None, result.errors
    return Context(scope, result.filters, tree)


def test_application_figures_and_burden(world, ledger) -> None:
    o = overview_load(context(world["supervisor-sd"]))
    a = o.applications
    assert (a.received, a.withdrawn, a.window, a.finished) == (4, 1, 1, 2)
    assert a.online == Rate(1, 3)  # A1 only: A2 came to a window, A3 has an on-site item
    assert a.participation == Rate(2, 2)  # A1 (5) and A3 (1) both rated; A5 is February's
    saved = {k: (b.separate, b.bundled, b.saved) for k, b in a.burden.items()}
    assert saved == {  # A1 + A2 + A3; the withdrawn A4 does not count
        "fields": (24, 15, 9),
        "materials": (15, 9, 6),
        "applications": (7, 3, 4),
        "visits": (3, 2, 1),
    }
    assert o.materials == {
        "uploaded": 3,
        "shared": 2,
        "online_form": 1,
        "commitment": 2,
        "gap": 1,
        "correction": 0,  # files handed in with a 补正 answer: none in this ledger
    }
    assert o.materials_cut == 6 + 2  # merged/shared/online form, plus two commitments


def test_subcase_figures(world, ledger) -> None:
    items = overview_load(context(world["supervisor-sd"])).items
    assert items.received == 6  # S1 S2 S3 S4 S5 S7 (S6 belongs to February's A5)
    assert items.decided == 4  # S1 S2 S5 S6
    assert items.overdue_open == 1  # S3; S4 waits for a correction, S7 was withdrawn
    assert items.on_time == Rate(2, 5)
    assert items.instant == Rate(1, 6)
    by_code = {r.item_code: r for r in items.rows}
    fast = by_code["T-FAST"]
    assert (fast.received, fast.decided, fast.on_time, fast.overdue_open) == (4, 3, 1, 1)
    # 3.0000, 11.0417 and 12.0000 working days, by tenths of a day; the mean from the exact sum
    assert fast.histogram == {30: 1, 110: 1, 120: 1}
    assert fast.days_sum == 260417 and fast.measured == 3
    assert fast.median == Decimal("11.0")
    assert fast.mean == Decimal("8.68")
    assert fast.speedup == pytest.approx(0.5)
    assert by_code["T-INSTANT"].histogram == {0: 1}  # 0.0139
    assert by_code["T-INSTANT"].days_sum == 139
    assert by_code["T-INSTANT"].instant
    assert by_code["T-NOLEGAL"].legal_days is None


def test_processing_and_speedup(world, ledger) -> None:
    p = overview_load(context(world["supervisor-sd"])).items.processing
    assert (p.decided, p.sampled) == (4, 4)
    assert p.median == Decimal("7.0")  # (3.0 + 11.0) / 2, by tenths of a day
    assert p.mean == Decimal("6.51")  # (0.0139 + 3 + 11.0417 + 12) / 4
    assert p.legal_mean == pytest.approx((20 * 3 + 5) / 4)
    instant_days = 30 / (8 * 60)
    assert p.promised_mean == pytest.approx((10 * 3 + instant_days) / 4)
    assert p.promised_speedup == pytest.approx(1 - (30 + instant_days) / 65)
    assert p.actual_speedup == pytest.approx(1 - (26.0417 + 0.0139) / 65, abs=1e-4)
    # FAST 50%, INSTANT 98.75%; NOLEGAL has no legal limit. The 50% is Shandong's target.
    assert p.items_sped_up(50) == Rate(2, 2)
    assert p.items_sped_up(60) == Rate(1, 2)


def test_rating_figures(world, ledger) -> None:
    r = overview_load(context(world["supervisor-sd"])).ratings
    assert (r.total, r.counted, r.bad, r.bad_real_name) == (5, 4, 3, 2)
    assert r.good == Rate(2, 4)  # levels 5 and 4; the excluded malicious rating is out
    assert r.callback == Rate(1, 2)  # R2 on time, R3 a day late
    assert r.rectification == Rate(1, 2)  # R2's ticket closed, R3's open
    assert r.by_level == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}


def test_overdue_now_ignores_the_period(world, ledger) -> None:
    o = overview_load(context(world["supervisor-sd"], "from=2025-01-01&to=2025-01-31"))
    assert (o.overdue.subcases, o.overdue.steps) == (1, 1)  # S3, and R3's verification
    assert o.applications.received == 0


def test_breakdowns(world, ledger) -> None:
    o = overview_load(context(world["supervisor-sd"]))
    regions = {r.label: r for r in o.regions}
    assert list(regions) == ["山东省（本级）", "济南市"]
    jinan = regions["济南市"]
    assert (jinan.applications, jinan.live, jinan.online) == (4, 3, 1)
    assert (jinan.decided, jinan.on_time, jinan.overdue_open) == (4, 2, 1)
    assert regions["山东省（本级）"].applications == 0
    channels = {r.label: (r.applications, r.online) for r in o.channels}
    assert channels["网站"] == (2, 1) and channels["综合窗口"] == (1, 0)
    assert channels["移动端"] == (1, 0) and channels["自助终端"] == (0, 0)
    months = {r.label: r for r in o.months}
    assert len(months) == 12 and list(months)[-1] == "2025年03月"
    assert months["2025年02月"].applications == 1  # A5
    assert (months["2025年03月"].applications, months["2025年03月"].decided) == (4, 4)
    assert months["2025年03月"].overdue_open == 1


def test_headline_texts(world, ledger) -> None:
    cards = {h.label: h for h in headlines(overview_load(context(world["supervisor-sd"])))}
    assert cards["受理办件"].value == "4"
    assert cards["按时办结率"].value == "40.0%"
    assert cards["办理用时（中位数）"].text == "7.0 个工作日"
    assert cards["承诺提速"].value == "53.8%"  # 1 − 30.0625 / 65 = 0.5375
    assert cards["即办件占比"].value == "16.7%"
    assert cards["全程网办率（按办件）"].value == "33.3%"
    assert cards["材料精减"].text == "8 份"
    assert cards["参评率"].value == "100.0%"
    assert cards["好评率"].value == "50.0%"
    assert cards["实名差评回访率"].value == "50.0%"
    assert cards["整改率"].value == "50.0%"
    assert cards["当前超期"].text == "1 件"


def test_officer_sees_the_work_of_their_agency(world, ledger) -> None:
    o = overview_load(context(world["officer-jn-si"]))
    assert o.applications.received == 3  # A1 A2 A3 have a sub-case at 济南社保; A4 does not
    assert o.items.received == 3  # S1 S3 S5; S2 is the card service's, S4 and S7 employment's
    assert o.items.on_time == Rate(1, 4)  # S1 on time; S5, S6 late; S3 overdue
    assert o.ratings.total == 3  # R1, R3, R4 name 济南社保
    assert (o.overdue.subcases, o.overdue.steps) == (1, 1)


def test_filters_narrow_in_the_query(world, ledger) -> None:
    sd = world["supervisor-sd"]
    by_item = overview_load(context(sd, MARCH + "&item=T-INSTANT"))
    assert by_item.applications.received == 1  # A1
    assert (by_item.items.received, by_item.items.instant) == (1, Rate(1, 1))
    by_region = overview_load(context(sd, MARCH + "&region=370102"))
    assert by_region.applications.received == 3  # A1 A3 A4
    assert by_region.ratings.total == 4  # R1 R3 R4 R5 were given in 历下区
    by_agency = overview_load(context(sd, MARCH + "&agency=370100-employment"))
    assert by_agency.applications.received == 2  # A2 (S4), A4 (S7)
    assert by_agency.ratings.total == 2  # R2 and the excluded R5
    by_pack = overview_load(context(sd, MARCH + "&pack=shanxi-2020"))
    assert by_pack.applications.received == 0


def test_admin_sees_everything(world, ledger) -> None:
    o = overview_load(context(world["admin"]))
    assert o.applications.received == 5  # and A6 in Shanxi
    assert [r.label for r in o.regions][:3] == ["山西省", "江苏省", "山东省"]  # by code


def test_contact_points(world, ledger) -> None:
    ctx = context(world["supervisor-sx"])
    rows = {r.name: r for r in contact_point_rows(ctx.scope, ctx.filters, tree=ctx.tree)}
    assert len(rows) == 23
    taiyuan, yingze = rows["太原市"], rows["迎泽区"]
    for row in (taiyuan, yingze):
        assert row.region_name in ("太原市", "迎泽区")
        assert (row.applications, len(row.bundles), len(row.items)) == (1, 1, 1)
        assert row.materials_cut == 3 + 1  # materials 5 → 2, one commitment
        assert row.on_time_rate == Rate(1, 1)
    assert rows["省本级"].region_name == "山西省" and rows["省本级"].applications == 0
    assert rows["大同市"].region_name == ""  # no such region in this database
    ctx = context(world["supervisor-sd"])
    assert contact_point_rows(ctx.scope, ctx.filters, tree=ctx.tree) == []  # Shanxi's, not ours
    ctx = context(world["officer-ty-si"])  # 太原社保: the contact points in 太原市
    rows = {r.name: r for r in contact_point_rows(ctx.scope, ctx.filters, tree=ctx.tree)}
    assert list(rows) == ["太原市", "迎泽区"]
    assert rows["太原市"].applications == 1 and rows["太原市"].materials_cut == 4


def test_default_period_is_this_month(world) -> None:
    filters: Filters = context(world["supervisor-sd"], "").filters
    assert (filters.period.start, filters.period.end) == (dt.date(2025, 3, 1), dt.date(2025, 3, 20))
