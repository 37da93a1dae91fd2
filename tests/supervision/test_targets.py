"""The dashboard's targets come from the packs that govern the user's region, with their
figures: Shandong's for a Shandong supervisor (province or city), Shanxi's for Shanxi's, none
for an administrator until a pack is chosen."""

from __future__ import annotations

from kuaiban.accounts.models import Role, User
from kuaiban.bundles.models import BundleItem, Pack
from kuaiban.catalogue.models import ServiceItem
from kuaiban.ratings.models import RectificationTicket, StepKind, TicketStep
from kuaiban.supervision.dashboard import headlines, overview_load
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.selectors.targets import instant_within, reports_within
from tests.supervision.conftest import client_for
from tests.supervision.ledger import MARCH, at
from tests.supervision.test_figures import context


def _targets(user: User, query: str = MARCH) -> dict[str, list[str]]:
    rows = overview_load(context(user, query)).targets
    found: dict[str, list[str]] = {}
    for r in rows:
        found.setdefault(r.kind, []).append(r.goal)
    return found


def test_a_shandong_supervisor_sees_shandongs_targets(world, ledger) -> None:
    found = _targets(world["supervisor-sd"])
    assert found == {
        "bundles": ["≥ 10 个"],
        "online_rate": ["≥ 90%"],
        "speedup_items": ["≥ 10 个（提速 50%）"],
        "instant_minutes": ["≤ 30 分钟"],
        "callback_rate": ["≥ 100%"],
        "report_days": ["≤ 5 日"],
    }
    # A city supervisor is governed by the province's pack too.
    assert _targets(world["supervisor-jn"]) == found


def test_a_shanxi_supervisor_sees_shanxis_targets_and_not_shandongs(world, ledger) -> None:
    found = _targets(world["supervisor-sx"])
    assert found == {
        "bundles": ["≥ 10 个"],
        "speedup_items": ["≥ 10 个（提速 50%）"],
        "chosen_speedups": ["≥ 10 个"],
        "instant_minutes": ["≤ 30 分钟"],
    }
    cards = {h.label: h for h in headlines(overview_load(context(world["supervisor-sx"])))}
    assert cards["全程网办率（按办件）"].target == ""  # Shanxi's seed sets no such target
    assert cards["实名差评回访率"].target == ""
    page = client_for(world["supervisor-sx"]).get(f"/supervision/?{MARCH}").content.decode()
    assert "目标 ≥ 90%" not in page and "从备选清单选取的提速办事项" in page
    shandong = client_for(world["supervisor-sd"]).get(f"/supervision/?{MARCH}").content.decode()
    assert "目标 ≥ 90%（2021年6月底前）" in shandong and "省级事项" in shandong


def test_an_administrator_sees_the_targets_of_the_pack_chosen(world, ledger) -> None:
    admin = User.objects.create_user(username="root-targets", password="x", role=Role.ADMIN)
    assert _targets(admin) == {}
    assert "chosen_speedups" in _targets(admin, f"{MARCH}&pack=shanxi-2020")


def test_the_pack_figures_behind_the_targets(world, ledger) -> None:
    o = overview_load(context(world["supervisor-sd"]))
    pack = Pack.objects.get(code="shandong-2020")
    ids = set(
        BundleItem.objects.filter(scenario__bundle__pack=pack).values_list("item_id", flat=True)
    )
    online = ServiceItem.objects.filter(pk__in=ids, online=True, onsite_required=False).count()
    assert o.packs.items == len(ids) and o.packs.online_items == online
    assert o.packs.bundles == pack.bundles.count() == 10
    rows = {r.kind: r for r in o.targets}
    assert rows["bundles"].met is True
    assert rows["online_rate"].figure.startswith("按事项 ")
    assert "按办件 33.3%（1 / 3）" in rows["online_rate"].figure
    cards = {h.label: h for h in headlines(o)}
    assert cards["全程网办率（按事项）"].value == f"{online / len(ids):.1%}"
    assert cards["全程网办率（按办件）"].value == "33.3%"
    # Shandong's 24 提速办 rows: 15 个工作日 of 45 for 1.6.12 is one of those ≥ 50% faster.
    assert rows["speedup_items"].figure.startswith("承诺时限较法定时限提速 50% 及以上的事项")
    assert o.packs.items_sped_up(50) >= 1
    assert rows["callback_rate"].met is False  # 1 of 2 called back on time


def test_instant_cases_are_timed_against_the_packs_minutes(world, ledger) -> None:
    ctx = context(world["supervisor-sd"])
    # S2: 即办, opened 03-03 09:00 and decided 09:20.
    assert instant_within(ctx.scope, ctx.filters, minutes=30) == Rate(1, 1)
    assert instant_within(ctx.scope, ctx.filters, minutes=15) == Rate(0, 1)


def test_reports_are_timed_against_the_packs_days(world, ledger) -> None:
    ticket = RectificationTicket.objects.filter(status="closed").get()
    ticket.rectified_at = at(6, 12)
    ticket.save(update_fields=["rectified_at"])
    TicketStep.objects.create(
        ticket=ticket,
        kind=StepKind.REPORT,
        owner_agency=ticket.agency,
        due_at=at(11, 23),
        done_at=at(12, 10),  # six days after the rectification
        outcome="submitted",
    )
    ctx = context(world["supervisor-sd"])
    assert reports_within(ctx.scope, ctx.filters, days=5) == Rate(0, 1)
    assert reports_within(ctx.scope, ctx.filters, days=7) == Rate(1, 1)
    rows = {r.kind: r for r in overview_load(ctx).targets}
    assert rows["report_days"].met is False and "0 / 1" in rows["report_days"].figure
