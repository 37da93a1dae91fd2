"""Benchmark of the supervision pages: generation rate, then the time of every page and query.

    .venv/bin/python bench/supervision_bench.py [--subcases 200000] [--seed 1] [--batch 5000]
                                                [--workers N] [--runs 3] [--keep]

The database is a scratch SQLite file under /tmp (removed afterwards unless --keep), or
DATABASE_URL when it is set (migrated, packs and demo accounts loaded; afterwards the generated
history is deleted unless --keep; other rows are never touched; --reuse times the history a
--keep run left there instead of generating again). Prints the generation rate,
then for three users (administrator: everything; the Shanxi supervisor: a province; an
officer: one agency) and two periods (this month; the last twelve months) the median time of
`--runs` requests of each page with its query count (and, for the pages whose figures are
cached, the time of the same request within the cache's lifetime), and the median time of each
selector.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = [
    ("总览", "/supervision/?{period}"),
    ("事项时限", "/supervision/items/?{period}"),
    ("超期子件", "/supervision/overdue/?{period}"),
    ("超期整改", "/supervision/tickets/?{period}"),
    ("联系点", "/supervision/contact-points/?{period}"),
    ("月度通报 PDF", "/supervision/report.pdf?month={month}"),
    ("导出 总览", "/supervision/export/overview.xlsx?{period}"),
    ("导出 超期子件", "/supervision/export/overdue-subcases.xlsx?{period}"),
]


# Pages whose figures are kept for KUAIBAN_SUPERVISION_CACHE_SECONDS (supervision/cache.py).
CACHED_PAGES = {"总览", "事项时限", "联系点", "月度通报 PDF", "导出 总览"}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subcases", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="生成的并行进程数（PostgreSQL）"
    )
    parser.add_argument("--runs", type=int, default=3, help="每项计时的次数（取中位数）")
    parser.add_argument("--keep", action="store_true", help="保留数据库与生成的数据")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="不重新生成：对 DATABASE_URL 中已生成的历史计时（配合 --keep 使用）",
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="配合 --reuse：不先更新日汇总（如有意留一整天实时读取）",
    )
    parser.add_argument(
        "--only",
        choices=("all", "handwritten", "pages", "filtered", "selectors"),
        default="all",
        help="只计时其中一部分：对手写 SQL、各页、按筛选条件、各项查询",
    )
    args = parser.parse_args()
    if args.subcases < 1 or args.runs < 1:
        parser.error("--subcases ≥ 1, --runs ≥ 1")
    return args


def _database() -> Path | None:
    """Point Django at the database to use; the scratch directory to remove, if any."""
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    # Test settings: production settings with plain static storage (no collectstatic needed).
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuaiban.settings_test"
    os.environ.setdefault("KUAIBAN_LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL"):
        return None
    scratch = Path(tempfile.mkdtemp(prefix="kuaiban-bench-", dir="/tmp"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    return scratch


def in_turn():  # type: ignore[no-untyped-def]
    """Every read of a page on this thread's connection, where the statements are captured
    (`kuaiban/supervision/together.py` reads side by side on threads of their own)."""
    from django.test.utils import override_settings

    return override_settings(KUAIBAN_SUPERVISION_READ_THREADS=0)


def _median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches and the connection
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _world() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from kuaiban.bundles.services import pack_load
    from kuaiban.calendar.services import calendar_seed_from_package
    from kuaiban.demo.setup import demo_setup

    call_command("migrate", verbosity=0)
    calendar_seed_from_package()
    for path in sorted(Path(settings.KUAIBAN_PACKS_DIR).glob("*.yaml")):
        if path.name != "catalogue.yaml":
            pack_load(path=path)
    demo_setup(accounts_file=Path(settings.BASE_DIR) / "demo" / "accounts.json")


def _users() -> list[tuple[str, object]]:
    from kuaiban.accounts.models import Role, User
    from kuaiban.catalogue.models import Region

    supervisor, _ = User.objects.get_or_create(
        username="bench-supervisor-sx",
        defaults={"role": Role.SUPERVISOR, "region": Region.objects.get(code="140000")},
    )
    return [
        ("管理员（全部）", User.objects.get(username="admin")),
        ("山西省监督人员", supervisor),
        ("太原社保经办", User.objects.get(username="officer-ty-si")),
    ]


def _pages(runs: int) -> None:
    import datetime as dt

    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    today = timezone.localdate()
    periods = [
        ("本月", f"from={today.replace(day=1)}&to={today}"),
        ("近12个月", f"from={today - dt.timedelta(days=365)}&to={today}"),
    ]
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    for who, user in _users():
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        for period_label, period in periods:
            print(f"{who} · {period_label}：")
            for label, template in PAGES:
                url = template.format(period=period, month=last_month)

                def get(url: str = url, client: Client = client) -> None:
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                reset_queries()  # the log keeps at most 9,000 queries
                with in_turn(), CaptureQueriesContext(connection) as captured:
                    get()
                queries = len(captured)  # now: the log is emptied by the next request
                median = _median_ms(get, runs)
                line = f"  {label:<12} {median:9.1f} ms  {queries:3d} 条查询"
                if label in CACHED_PAGES:
                    # The same page again within KUAIBAN_SUPERVISION_CACHE_SECONDS.
                    with override_settings(KUAIBAN_SUPERVISION_CACHE_SECONDS=300):
                        cache.clear()
                        line += f"   缓存后 {_median_ms(get, runs):7.1f} ms"
                print(line)


FILTERED_PAGES = [
    ("总览", "/supervision/"),
    ("事项时限", "/supervision/items/"),
    ("超期子件", "/supervision/overdue/"),
    ("超期整改", "/supervision/tickets/"),
    ("联系点", "/supervision/contact-points/"),
]


def _heaviest(scope, tree) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """For each filter, the value with the most sub-cases received in the last year within the
    scope (the slowest to look at), as (query value, label): a city, a district, a pack, a
    bundle, an item, an agency, and an agency of that city."""
    import datetime as dt

    from django.db.models import Sum
    from django.utils import timezone

    from kuaiban.catalogue.models import Agency
    from kuaiban.supervision.filters import filter_choices
    from kuaiban.supervision.models import SubCaseDaily

    since = timezone.localdate() - dt.timedelta(days=365)
    rows = SubCaseDaily.objects.filter(day__gte=since, whole_month=False)
    if scope.region_ids is not None:
        rows = rows.filter(region_id__in=scope.region_ids)

    def heaviest(key: str, among=None) -> int:  # type: ignore[no-untyped-def]
        found = rows if among is None else rows.filter(**among)
        totals = found.values(key).annotate(n=Sum("received")).order_by("-n", key)
        return int(next(iter(totals))[key])

    choices = filter_choices(scope=scope, tree=tree)
    regions = {c.pk: c for c in choices.regions}
    packs = {c.pk: c for c in choices.packs}
    bundles = {c.pk: c for c in choices.bundles}
    items = {c.pk: c for c in choices.items}
    agencies = {c.pk: c for c in choices.agencies}
    district_totals: dict[int, int] = {}
    for row in rows.values("region_id").annotate(n=Sum("received")):
        district_totals[row["region_id"]] = row["n"]
    city_totals: dict[int, int] = {}
    for pk, n in district_totals.items():
        chain = tree.ancestors(pk)
        if len(chain) >= 2:
            city = chain[-2]
            city_totals[city] = city_totals.get(city, 0) + n
    city = max(city_totals, key=lambda pk: (city_totals[pk], -pk))
    in_city = tree.below(city)
    district = max(
        (pk for pk in district_totals if pk in in_city and pk != city),
        key=lambda pk: (district_totals[pk], -pk),
    )
    pack = heaviest("pack_id")
    bundle = heaviest("bundle_id", {"pack_id": pack})
    item = heaviest("item_id", {"bundle_id": bundle})
    agency = heaviest("agency_id", {"agency_id__isnull": False})
    city_agencies = Agency.objects.filter(region_id__in=in_city).values_list("pk")
    city_agency = heaviest("agency_id", {"agency_id__in": city_agencies})
    return {
        "city": (regions[city].value, regions[city].label.strip()),
        "district": (regions[district].value, regions[district].label.strip()),
        "pack": (packs[pack].value, packs[pack].label),
        "bundle": (bundles[bundle].value, bundles[bundle].label),
        "item": (items[item].value, items[item].label),
        "agency": (agencies[agency].value, agencies[agency].label),
        "city_agency": (agencies[city_agency].value, agencies[city_agency].label),
    }


def _filtered(runs: int) -> None:
    """Every page's first look (cache off) under each filter alone and under combinations,
    each with its heaviest value, for the administrator and the Shanxi supervisor over the last
    twelve months: the goal is ≤ 1 s for any filter combination."""
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from kuaiban.catalogue.regions import RegionTree
    from kuaiban.supervision.scope import scope_for

    today = timezone.localdate()
    period = f"from={today - dt.timedelta(days=365)}&to={today}"
    tree = RegionTree.load()
    print("按筛选条件的首次查看（不用缓存；近12个月；每项取子件最多的值）：")
    slowest: list[float] = []
    for who, user in _users()[:2]:
        scope = scope_for(user, tree=tree)  # type: ignore[arg-type]
        v = _heaviest(scope, tree)
        combinations = [
            ("市", {"region": v["city"]}),
            ("县区", {"region": v["district"]}),
            ("政策包", {"pack": v["pack"]}),
            ("一件事", {"bundle": v["bundle"]}),
            ("事项", {"item": v["item"]}),
            ("经办机构", {"agency": v["agency"]}),
            ("政策包+市", {"pack": v["pack"], "region": v["city"]}),
            ("一件事+县区", {"bundle": v["bundle"], "region": v["district"]}),
            ("事项+经办机构", {"item": v["item"], "agency": v["agency"]}),
            ("经办机构+市", {"agency": v["city_agency"], "region": v["city"]}),
            (
                "政策包+一件事+事项+市",
                {"pack": v["pack"], "bundle": v["bundle"], "item": v["item"], "region": v["city"]},
            ),
        ]
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        for label, chosen in combinations:
            query = "&".join(f"{key}={value}" for key, (value, _) in chosen.items())
            named = "、".join(name for _, name in chosen.values())
            figures = []
            for _, path in FILTERED_PAGES:
                url = f"{path}?{period}&{query}"

                def get(url: str = url, client: Client = client) -> None:
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                figures.append(_median_ms(get, runs))
            slowest.append(max(figures))
            shown = "  ".join(
                f"{name} {ms:6.1f}" for (name, _), ms in zip(FILTERED_PAGES, figures, strict=True)
            )
            print(f"  {who} · {label}（{named}）\n      {shown} ms")
    print(
        f"  最慢的一页：{max(slowest):.1f} ms；各组合最慢页的中位数 {statistics.median(slowest):.1f} ms"
    )


def _selectors(runs: int) -> None:
    import datetime as dt

    from django.http import QueryDict
    from django.utils import timezone

    from kuaiban.catalogue.regions import RegionTree
    from kuaiban.supervision.filters import filter_choices, filters_parse
    from kuaiban.supervision.scope import scope_for
    from kuaiban.supervision.selectors import breakdowns, contact_points, figures, items

    today = timezone.localdate()
    query = QueryDict(f"from={today - dt.timedelta(days=365)}&to={today}")
    _, user = _users()[1]
    tree = RegionTree.load()
    scope = scope_for(user, tree=tree)  # type: ignore[arg-type]
    result = filters_parse(
        query, scope=scope, tree=tree, choices=filter_choices(scope=scope, tree=tree)
    )
    assert result.filters is not None
    f = result.filters
    print("各项查询（山西省监督人员 · 近12个月）：")
    for label, action in [
        ("办件汇总、材料、地区与渠道（一次分组）", lambda: figures.application_groups(scope, f)),
        ("事项时限与办理用时", lambda: items.item_stats(scope, f)),
        ("评价汇总", lambda: figures.rating_figures(scope, f)),
        ("当前超期计数", lambda: figures.overdue_counts(scope, f)),
        (
            "按地区（子件）",
            lambda: breakdowns.subcase_outcomes(scope, f, breakdowns.REGION_KEYS),
        ),
        ("近12个月趋势", lambda: breakdowns.month_breakdown(scope, f)),
        ("联系点", lambda: contact_points.contact_point_rows(scope, f, tree=tree)),
    ]:
        print(f"  {label:<14} {_median_ms(action, runs):9.1f} ms")


def _generate(args: argparse.Namespace) -> None:
    from kuaiban.supervision.services import history_clear, history_generate

    history_clear()
    result = history_generate(
        subcases=args.subcases,
        seed=args.seed,
        batch=args.batch,
        progress=sys.stderr,
        rollups=True,
        workers=args.workers,
    )
    print(
        f"生成：办件 {result.applications:,} 件，子件 {result.subcases:,} 件，共 {result.rows:,} 行，"
        f"用时 {result.seconds:.1f} 秒"
    )
    rate = result.subcases / result.seconds
    print(
        f"  {rate:,.0f} 子件/秒，{result.rows / result.seconds:,.0f} 行/秒"
        f"（批大小 {args.batch}，{args.workers} 个进程）；"
        f"按此速率 1,000 万子件约 {10_000_000 / rate / 60:,.0f} 分钟"
    )
    print(
        f"  日汇总（全部历史，{args.workers} 个进程）用时 {result.rollup_seconds:.1f} 秒；"
        f"生成与汇总合计 {result.seconds + result.rollup_seconds:.1f} 秒"
    )
    _load("生成后")


def _handwritten(runs: int) -> None:
    """Each page's first look (cache off, through the roll-ups) against hand-written SQL that
    computes the same figures: per page, plain SQL over the same roll-up rows (panels of one
    table merged with GROUPING SETS), plus the page's own statements for what the roll-ups
    do not hold (today's raw rows, current overdue counts, the session, the policy
    generation), replayed as captured (a cursor's DECLARE as its SELECT; captured with the
    page's reads in turn, so that none is left out). Timed in turns (SQL, page, SQL, page …):
    the page as served, its reads side by side, against the SQL run one statement after
    another on one connection; the bound is page ≤ 2 × SQL."""
    import datetime as dt

    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kuaiban.catalogue.regions import RegionTree
    from kuaiban.supervision.filters import filter_choices, filters_parse
    from kuaiban.supervision.scope import scope_for

    rolled = re.compile(r'"supervision_[a-z]+daily"')
    today = timezone.localdate()
    tree = RegionTree.load()
    print("首次查看（不用缓存，经日汇总） 对 手写 SQL（同样的数字：汇总表手写，其余语句照录）：")
    for who, user in _users():
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        scope = scope_for(user, tree=tree)  # type: ignore[arg-type]
        for period_label, period in (
            ("本月", f"from={today.replace(day=1)}&to={today}"),
            ("近12个月", f"from={today - dt.timedelta(days=365)}&to={today}"),
        ):
            result = filters_parse(
                QueryDict(period),
                scope=scope,
                tree=tree,
                choices=filter_choices(scope=scope, tree=tree),
            )
            assert result.filters is not None
            f = result.filters
            for label, path, page in (
                ("总览", "/supervision/", "overview"),
                ("事项时限", "/supervision/items/", "items"),
                ("联系点", "/supervision/contact-points/", "contact_points"),
            ):
                url = f"{path}?{period}"

                def get(url: str = url, client: Client = client) -> None:
                    assert client.get(url).status_code == 200

                get()
                with in_turn(), CaptureQueriesContext(connection) as captured:
                    get()
                page_sql = [_replayable(q["sql"]) for q in captured.captured_queries]
                replayed = [
                    sql
                    for sql in page_sql
                    if sql.lstrip().upper().startswith("SELECT") and not rolled.search(sql)
                ]
                tables = set(rolled.findall(" ".join(page_sql)))
                statements = _statements(page, scope, f, tables) + [(sql, None) for sql in replayed]

                def handwritten(
                    statements: list[tuple[str, list[object] | None]] = statements,
                ) -> None:
                    with connection.cursor() as cursor:
                        for sql, params in statements:
                            cursor.execute(sql, params)
                            cursor.fetchall()

                page_ms, sql_ms, ratios = _paired(get, handwritten, runs)
                print(
                    f"  {who} · {period_label} · {label:<6} 页面 {page_ms:8.1f} ms（{len(page_sql)} 条）"
                    f"  手写 SQL {sql_ms:8.1f} ms（汇总 {len(statements) - len(replayed)} 条 + "
                    f"照录 {len(replayed)} 条）  比值（逐对中位数） {statistics.median(ratios):5.2f}"
                )


def _replayable(sql: str | None) -> str:
    """A captured statement as the hand-written side runs it: a cursor's DECLARE as its
    SELECT, and the one statement bound on the server (logged without its values, or
    without any text: the policy generation's read, `kuaiban/core/policy_cache.py`) with
    its value."""
    if sql is None or re.search(r"\$\d", sql):
        assert sql is None or "core_policygeneration" in sql, sql
        from django.db import connection

        from kuaiban.core.models import PolicyGeneration
        from kuaiban.core.policy_cache import POLICY

        query = PolicyGeneration.objects.filter(name=POLICY).values_list("value").query
        text, params = query.sql_with_params()
        with connection.cursor() as cursor:
            return cursor.mogrify(text, params)  # type: ignore[attr-defined,no-any-return]
    declared = re.match(r"\s*DECLARE\s.*?\sCURSOR\s.*?\sFOR\s(SELECT\s.*)", sql, re.S | re.I)
    return declared.group(1) if declared else sql


def _paired(
    page: Callable[[], object], sql: Callable[[], object], runs: int
) -> tuple[float, float, list[float]]:
    """Medians of the page and of the SQL timed in turns, and each pair's ratio."""
    page()
    sql()
    pages, sqls = [], []
    for _ in range(max(runs, 3)):
        for action, found in ((sql, sqls), (page, pages)):
            started = time.perf_counter()
            action()
            found.append((time.perf_counter() - started) * 1000)
    ratios = [p / s for p, s in zip(pages, sqls, strict=True)]
    return statistics.median(pages), statistics.median(sqls), ratios


def _statements(page, scope, f, tables):  # type: ignore[no-untyped-def]
    """The page's roll-up reads as plain SQL (PostgreSQL): the same sums, grouped as the page
    needs them, one statement per table and period where GROUPING SETS allow."""
    from kuaiban.supervision.models import SubCaseDaily
    from kuaiban.supervision.rollups.read import day_condition, period_parts
    from kuaiban.supervision.selectors.breakdowns import trend_period

    def where(period) -> tuple[str, list[object]]:  # type: ignore[no-untyped-def]
        parts = period_parts(period, f.covered)
        if parts.rolled is None:
            return "FALSE", []
        query = SubCaseDaily.objects.filter(day_condition(parts.rolled)).query
        sql, params = query.get_compiler("default").compile(query.where)
        clauses, values = [sql.replace('"supervision_subcasedaily".', "")], list(params)
        if scope.region_ids is not None:
            clauses.append(f"region_id IN ({', '.join(str(r) for r in scope.region_ids)})")
        if scope.agency_id is not None:
            clauses.append(f"agency_id = {int(scope.agency_id)}")
        return " AND ".join(clauses), values

    app = "supervision_applicationdaily"
    sub = "supervision_subcasedaily"
    w, p = where(f.period)
    tw, tp = where(trend_period(f.period))
    any_item = "item_id IS NULL" + ("" if scope.agency_id is not None else " AND agency_id IS NULL")
    app_sums = ", ".join(
        f'SUM("{c}")'
        for c in (
            "received", "withdrawn", "online", "window", "finished", "rated",
            *(f"{k}_{side}" for k in ("fields", "materials", "applications", "visits")
              for side in ("separate", "bundled")),
            *(f"provision_{v}" for v in (
                "uploaded", "shared", "online_form", "commitment", "gap", "correction")),
        )
    )  # fmt: skip
    outcomes = "SUM(received), SUM(decided), SUM(on_time), SUM(overdue_open)"
    month = "date_trunc('month', day)"
    processing = (
        "SELECT pack_id, item_id, tenths, SUM(decided), SUM(days_sum) "
        f"FROM supervision_processingdaily WHERE {w} GROUP BY pack_id, item_id, tenths",
        p,
    )
    if page == "items":
        return [
            (
                f"SELECT pack_id, item_id, {outcomes} FROM {sub} WHERE {w} GROUP BY pack_id, item_id",
                p,
            ),
            processing,
        ]
    if page == "contact_points":
        return [
            (
                "SELECT region_id, pack_id, bundle_id, SUM(received), "
                "SUM(materials_separate) - SUM(materials_bundled), SUM(provision_commitment) "
                f"FROM {app} WHERE {w} AND {any_item} GROUP BY region_id, pack_id, bundle_id",
                p,
            ),
            (
                f"SELECT region_id, pack_id, item_id, {outcomes} FROM {sub} WHERE {w} "
                "GROUP BY GROUPING SETS ((region_id, pack_id, item_id), (region_id, pack_id))",
                p,
            ),
        ]
    levels = ", ".join(f"SUM(level_{n})" for n in range(1, 6))
    found = [
        (
            f"SELECT region_id, channel, {app_sums} FROM {app} WHERE {w} AND {any_item} "
            "GROUP BY GROUPING SETS ((), (region_id), (channel))",
            p,
        ),
        (
            f"SELECT {month}, SUM(received), SUM(withdrawn), SUM(online) FROM {app} "
            f"WHERE {tw} AND {any_item} GROUP BY 1",
            tp,
        ),
        (
            f"SELECT region_id, pack_id, item_id, {outcomes} FROM {sub} WHERE {w} "
            "GROUP BY GROUPING SETS ((region_id), (pack_id, item_id))",
            p,
        ),
        (
            f"SELECT {month}, SUM(decided), SUM(on_time), SUM(overdue_open) FROM {sub} "
            f"WHERE {tw} GROUP BY 1",
            tp,
        ),
        processing,
        (
            "SELECT SUM(total), SUM(counted), SUM(good), SUM(bad), SUM(bad_real_name), "
            f"SUM(called_back), SUM(bad_counted), SUM(rectified), {levels} "
            f"FROM supervision_ratingdaily WHERE {w} AND item_id IS NULL",
            p,
        ),
    ]
    if '"supervision_instantdaily"' in tables:
        found.append(
            (f"SELECT minutes, SUM(decided) FROM supervision_instantdaily WHERE {w} GROUP BY 1", p)
        )
    if '"supervision_reportdaily"' in tables:
        found.append(
            (
                "SELECT days, SUM(reports) FROM supervision_reportdaily "
                f"WHERE {w} AND item_id IS NULL GROUP BY 1",
                p,
            )
        )
    return found


def _load(when: str) -> None:
    """The machine's load average (1, 5, 15 minutes): the figures depend on it."""
    one, five, fifteen = os.getloadavg()
    print(f"{when}时负载（1/5/15 分钟）：{one:.2f} {five:.2f} {fifteen:.2f}（{os.cpu_count()} 核）")


def main() -> int:
    args = _arguments()
    scratch = _database()
    import django

    django.setup()
    from django.db import connection

    from kuaiban.cases.models import SubCase
    from kuaiban.supervision.services import history_clear

    if args.reuse and scratch is not None:
        raise SystemExit("--reuse 需要 DATABASE_URL 指向已生成历史的数据库")
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    _load("开始")
    _world()
    try:
        if args.reuse:
            from kuaiban.supervision.rollups.refresh import rollup_refresh

            print(f"沿用已生成的历史：子件 {SubCase.objects.count():,} 件")
            if not args.as_is:
                print(f"日汇总更新：{rollup_refresh(progress=sys.stderr)}")
        else:
            _generate(args)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a maintained database has
        sections = {
            "handwritten": _handwritten,
            "pages": _pages,
            "filtered": _filtered,
            "selectors": _selectors,
        }
        for name, section in sections.items():
            if args.only in ("all", name):
                section(args.runs)
        _load("结束")
    finally:
        if scratch is not None and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        elif scratch is None and not args.keep:
            history_clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
