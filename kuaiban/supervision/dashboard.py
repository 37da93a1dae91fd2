"""The supervision pages' content: figures from the selectors, laid out as headline cards and
`Table`s. The HTML pages, the Excel export and the monthly report all take their tables from
here, so they always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kuaiban.applications.models import Provision
from kuaiban.bundles.models import TargetKind
from kuaiban.catalogue.models import item_label
from kuaiban.catalogue.regions import RegionTree
from kuaiban.problems.selectors import ReportTotals, problem_reports_in, problem_totals
from kuaiban.ratings.models import RatingLevel
from kuaiban.supervision.cache import Computed, figures_cached
from kuaiban.supervision.filters import Filters
from kuaiban.supervision.rollups.read import period_parts
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.breakdowns import (
    Row,
    Today,
    channel_breakdown,
    month_breakdown,
    region_breakdown,
    subcase_panels,
)
from kuaiban.supervision.selectors.contact_points import ContactPointRow, contact_point_rows
from kuaiban.supervision.selectors.figures import (
    BURDEN_KINDS,
    BURDEN_LABELS,
    ApplicationFigures,
    OverdueCounts,
    Rate,
    RatingFigures,
    application_figures_from,
    application_groups,
    application_measures,
    material_measures,
    materials_cut,
    overdue_counts,
    rating_figures,
    totals_of,
)
from kuaiban.supervision.selectors.items import (
    ItemRow,
    ItemStats,
    item_stats,
    processing_times,
)
from kuaiban.supervision.selectors.targets import (
    Measured,
    PackFigures,
    TargetRow,
    cross_province_items,
    governing_packs,
    governing_targets,
    pack_figures,
    target_rows,
)
from kuaiban.supervision.selectors.timing import instant_histogram, report_histogram, within
from kuaiban.supervision.tables import Chart, Column, Kind, Table, rate_text
from kuaiban.supervision.together import together


@dataclass(frozen=True)
class Context:
    scope: Scope
    filters: Filters
    tree: RegionTree


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str
    target: str = ""
    anchor: str = ""  # where the figure's table or list is
    unit: str = ""

    @property
    def text(self) -> str:
        return f"{self.value}{' ' + self.unit if self.unit else ''}"


@dataclass
class Overview:
    applications: ApplicationFigures
    materials: dict[str, int]
    items: ItemStats
    ratings: RatingFigures
    overdue: OverdueCounts
    regions: list[Row]
    channels: list[Row]
    months: list[Row]
    # The targets of the packs governing the scope, each with its figure, and those packs' own
    # figures (bundles, items online, items sped up).
    targets: list[TargetRow]
    packs: PackFigures
    speedup_ratio: int | None  # the 提速 % the governing pack sets (speedup_items' ratio)
    problems: ReportTotals | None = None  # 办不成事 reports filed in the period, in scope

    def target(self, kind: str) -> str:
        """“目标 ≥ 90%（2021年6月底前）” for a kind, or "" when no governing pack sets one."""
        goals = [f"{t.goal}（{t.deadline}）" for t in self.targets if t.kind == kind]
        return "目标 " + "；".join(goals) if goals else ""

    @property
    def materials_cut(self) -> int:
        return materials_cut(self.applications.burden, self.materials)


def overview_cached(ctx: Context, *, refresh: bool = False) -> Computed[Overview]:
    """The overview's figures, kept briefly for the page, its exports and the report."""
    return figures_cached(
        "overview", ctx.scope, ctx.filters, lambda: overview_load(ctx), refresh=refresh
    )


def items_cached(ctx: Context, *, refresh: bool = False) -> Computed[ItemStats]:
    return figures_cached(
        "items", ctx.scope, ctx.filters, lambda: item_stats(ctx.scope, ctx.filters), refresh=refresh
    )


def overview_load(ctx: Context) -> Overview:
    scope, filters = ctx.scope, ctx.filters
    live_applications: list[Mapping[str, Any]] = []
    live_outcomes: list[Mapping[str, Any]] = []
    reference = filters.policy()
    packs = governing_packs(scope, filters, tree=ctx.tree)
    targets = governing_targets(packs, reference=reference)
    kinds = {t.kind for t in targets}

    def when(kind: str, read: Callable[[], Counter[int]]) -> Callable[[], Counter[int]]:
        """A timing histogram, read only when a target of that kind asks for it."""
        return read if kind in kinds else Counter

    # The reads side by side (`together`), the longest first.
    groups, (by_item, by_region), times, overdue, ratings, instant, reports, problems = together(
        lambda: application_groups(scope, filters, live_rows=live_applications),
        lambda: subcase_panels(scope, filters, live_outcomes=live_outcomes),
        lambda: processing_times(scope, filters),
        lambda: overdue_counts(scope, filters),
        lambda: rating_figures(scope, filters),
        when(TargetKind.INSTANT_MINUTES, lambda: instant_histogram(scope, filters)),
        when(TargetKind.REPORT_DAYS, lambda: report_histogram(scope, filters)),
        lambda: _problems(scope, filters),
    )
    totals = totals_of(groups, [*application_measures(), *material_measures()])
    applications = application_figures_from(totals)
    live = period_parts(filters.period, filters.covered).live
    today = Today(live, live_applications, live_outcomes) if live is not None else None
    figures = pack_figures(packs, reference=reference)
    measured = Measured(
        packs=figures,
        online_by_application=applications.online,
        callback=ratings.callback,
        instant=lambda minutes: within(instant, minutes),
        reports=lambda days: within(reports, days),
        cross_province=lambda: cross_province_items(packs),
    )
    return Overview(
        applications=applications,
        materials={p.value: totals[f"provision_{p.value}"] for p in Provision},
        items=item_stats(scope, filters, counts=by_item, times=times),
        ratings=ratings,
        overdue=overdue,
        regions=region_breakdown(
            scope, filters, tree=ctx.tree, applications=groups, outcomes=by_region
        ),
        channels=channel_breakdown(groups),
        months=month_breakdown(scope, filters, today=today),
        targets=target_rows(targets, measured),
        packs=figures,
        speedup_ratio=next((t.ratio for t in targets if t.kind == TargetKind.SPEEDUP_ITEMS), None),
        problems=problems,
    )


def _problems(scope: Scope, filters: Filters) -> ReportTotals:
    regions = scope.region_ids
    if filters.region_ids is not None:
        regions = filters.region_ids if regions is None else regions & filters.region_ids
    reports = problem_reports_in(
        region_ids=regions,
        agency_id=scope.agency_id or filters.agency_id,
        item_id=filters.item_id,
        since=filters.period.since,
        until=filters.period.until,
    )
    return problem_totals(reports, now=timezone.now())


def _days(value: float | Decimal | None, unit: str = " 个工作日") -> str:
    return "—" if value is None else f"{float(value):.1f}{unit}"


def _of(rate: Rate) -> str:
    return f"{rate.part:,} / {rate.whole:,}"


def _sped_up(o: Overview) -> str:
    if o.speedup_ratio is None:
        return ""
    return f"；提速达 {o.speedup_ratio}% 的事项 {_of(o.items.processing.items_sped_up(o.speedup_ratio))}"


def headlines(o: Overview) -> list[Headline]:
    a, items, r, p = o.applications, o.items, o.ratings, o.items.processing
    saved = a.burden
    return [
        Headline(
            "受理办件", f"{a.received:,}", f"子件 {items.received:,} 件，撤回 {a.withdrawn:,} 件"
        ),
        Headline(
            "按时办结率",
            rate_text(items.on_time),
            f"按期 {_of(items.on_time)}；超期未办结 {items.overdue_open:,} 件",
            anchor="regions",
        ),
        Headline(
            "办理用时（中位数）",
            _days(p.median, ""),
            f"平均 {_days(p.mean)}；法定时限平均 {_days(p.legal_mean)}，"
            f"承诺时限平均 {_days(p.promised_mean)}",
            unit="个工作日" if p.median is not None else "",
        ),
        Headline(
            "承诺提速",
            rate_text(p.promised_speedup),
            f"实际提速 {rate_text(p.actual_speedup)}{_sped_up(o)}",
            target=o.target(TargetKind.SPEEDUP_ITEMS),
            anchor="targets" if o.targets else "",
        ),
        Headline("即办件占比", rate_text(items.instant), f"即办子件 {_of(items.instant)}"),
        Headline(
            "全程网办率（按办件）",
            rate_text(a.online),
            f"无需到现场 {_of(a.online)}",
            target=o.target(TargetKind.ONLINE_RATE),
            anchor="channels",
        ),
        Headline(
            "全程网办率（按事项）",
            rate_text(o.packs.online_rate),
            f"政策包所含事项中可全程网办 {_of(o.packs.online_rate)}；"
            f"法定须到现场 {o.packs.onsite_items:,} 项",
            target=o.target(TargetKind.ONLINE_RATE),
            anchor="targets" if o.targets else "",
        ),
        Headline(
            "材料精减",
            f"{o.materials_cut:,}",
            f"打包少交 {saved['materials'].saved:,} 份、告知承诺替代 "
            f"{o.materials[Provision.COMMITMENT]:,} 份；少填 {saved['fields'].saved:,} 项，"
            f"少跑 {saved['visits'].saved:,} 次，少申请 {saved['applications'].saved:,} 次",
            anchor="burden",
            unit="份",
        ),
        Headline("参评率", rate_text(a.participation), f"已评价 {_of(a.participation)}"),
        Headline("好评率", rate_text(r.good), f"好评 {_of(r.good)}", anchor="ratings"),
        Headline(
            "实名差评回访率",
            rate_text(r.callback),
            f"按时回访 {_of(r.callback)}",
            target=o.target(TargetKind.CALLBACK_RATE),
        ),
        Headline("整改率", rate_text(r.rectification), f"整改办结 {_of(r.rectification)}"),
        Headline(
            "当前超期",
            f"{o.overdue.subcases:,}",
            f"超期子件 {o.overdue.subcases:,} 件；超期整改环节 {o.overdue.steps:,} 个",
            unit="件",
        ),
        *_problem_headline(o.problems),
    ]


def _problem_headline(totals: ReportTotals | None) -> list[Headline]:
    if totals is None:
        return []
    return [
        Headline(
            "办不成事反映",
            f"{totals.total:,}",
            f"处理中 {totals.open:,} 件，其中超期 {totals.overdue:,} 件；已督办 {totals.escalated:,} 件",
            unit="件",
        )
    ]


def summary_table(o: Overview) -> Table:
    return Table(
        key="summary",
        title="主要指标",
        columns=[Column("指标"), Column("数值"), Column("说明")],
        rows=[
            [h.label, h.text, h.detail + (f"（{h.target}）" if h.target else "")]
            for h in headlines(o)
        ],
    )


def target_table(rows: list[TargetRow]) -> Table:
    """工作目标: each target of the governing packs, in the policy's words, beside its figure."""
    met = {True: "已达到", False: "未达到", None: "—"}
    return Table(
        key="targets",
        title="工作目标",
        columns=[
            Column("指标"),
            Column("目标"),
            Column("当前", width=2.4),
            Column("是否达到"),
            Column("适用范围"),
            Column("期限"),
            Column("政策原文", width=3.2),
            Column("政策包", width=2.4),
        ],
        rows=[
            [r.title, r.goal, r.figure, met[r.met], r.scope, r.deadline, r.text, r.pack_name]
            for r in rows
        ],
        note="目标取自管辖本地区的政策包（本地区及上级地区的政策包，同类目标以最基层的为准）；"
        "未选择政策包时，全部地区的视图不显示目标。",
    )


def region_table(rows: list[Row]) -> Table:
    return Table(
        key="regions",
        title="按地区",
        columns=[
            Column("地区"),
            Column("受理办件", Kind.INT),
            Column("全程网办率", Kind.RATE),
            Column("办结子件", Kind.INT),
            Column("按时办结率", Kind.RATE),
            Column("超期未办结", Kind.INT),
        ],
        rows=[
            [r.label, r.applications, r.online_rate, r.decided, r.on_time_rate, r.overdue_open]
            for r in rows
        ],
        chart=Chart("bar", (4,)),
    )


def channel_table(rows: list[Row]) -> Table:
    total = sum(r.applications for r in rows)
    return Table(
        key="channels",
        title="按受理渠道",
        columns=[
            Column("渠道"),
            Column("受理办件", Kind.INT),
            Column("占比", Kind.RATE),
            Column("全程网办", Kind.INT),
        ],
        rows=[[r.label, r.applications, Rate(r.applications, total), r.online] for r in rows],
        chart=Chart("doughnut", (1,)),
    )


def month_table(rows: list[Row]) -> Table:
    return Table(
        key="months",
        title="近12个月趋势",
        columns=[
            Column("月份"),
            Column("受理办件", Kind.INT),
            Column("全程网办率", Kind.RATE),
            Column("办结子件", Kind.INT),
            Column("按时办结率", Kind.RATE),
        ],
        rows=[[r.label, r.applications, r.online_rate, r.decided, r.on_time_rate] for r in rows],
        note="截至统计期末所在月份的近12个月，其他筛选条件照常适用。",
        chart=Chart("line", (1, 3)),
    )


def burden_table(o: Overview) -> Table:
    burden = o.applications.burden
    return Table(
        key="burden",
        title="减负情况",
        columns=[
            Column("项目"),
            Column("逐项单独申请", Kind.INT),
            Column("打包办理", Kind.INT),
            Column("减少", Kind.INT),
        ],
        rows=[
            [BURDEN_LABELS[k], burden[k].separate, burden[k].bundled, burden[k].saved]
            for k in BURDEN_KINDS
        ],
        chart=Chart("bar", (1, 2)),
    )


def provision_table(materials: dict[str, int]) -> Table:
    total = sum(materials.values())
    return Table(
        key="provisions",
        title="材料提供方式",
        columns=[Column("提供方式"), Column("材料份数", Kind.INT), Column("占比", Kind.RATE)],
        rows=[
            [str(p.label), materials[p.value], Rate(materials[p.value], total)] for p in Provision
        ],
        note="数据共享获取、由在线表单生成和告知承诺替代的材料，申请人都无需提交。",
        chart=Chart("doughnut", (1,)),
    )


def rating_table(r: RatingFigures) -> Table:
    return Table(
        key="ratings",
        title="评价等级分布",
        columns=[Column("等级"), Column("评价数", Kind.INT), Column("占比", Kind.RATE)],
        rows=[
            [str(level.label), r.by_level[level.value], Rate(r.by_level[level.value], r.counted)]
            for level in sorted(RatingLevel, reverse=True)
        ],
        note="不含核实为误评或恶意评价、不予采纳的评价。",
        chart=Chart("bar", (1,)),
    )


def overview_tables(o: Overview, *, summary: bool = True) -> list[Table]:
    """The overview's tables; the page shows the summary as cards instead."""
    return [
        *([summary_table(o)] if summary else []),
        target_table(o.targets),
        region_table(o.regions),
        channel_table(o.channels),
        month_table(o.months),
        burden_table(o),
        provision_table(o.materials),
        rating_table(o.ratings),
    ]


def item_table(rows: list[ItemRow], *, total: int | None = None) -> Table:
    return Table(
        key="items",
        title="事项办理时限",
        columns=[
            Column("政策包"),
            Column("事项", width=3.2),
            Column("受理子件", Kind.INT),
            Column("办结子件", Kind.INT),
            Column("按时办结率", Kind.RATE),
            Column("用时中位数", Kind.DAYS),
            Column("平均用时", Kind.DAYS),
            Column("计入用时", Kind.INT),
            Column("法定时限", width=1.6),
            Column("承诺时限", width=1.6),
            Column("承诺提速", Kind.RATE),
        ],
        rows=[
            [
                r.pack_name,
                item_label(code=r.item_code, name=r.item_name),
                r.received,
                r.decided,
                r.on_time_rate,
                r.median,
                r.mean,
                r.measured,
                r.limits.legal.label() if r.limits.legal else "无",
                r.limits.promised.label(),
                r.speedup,
            ]
            for r in rows
        ],
        note="用时单位为工作日；计入统计期内办结的全部子件，中位数精确到 0.1 个工作日。",
        total_rows=total,
    )


def contact_point_table(rows: list[ContactPointRow]) -> Table:
    return Table(
        key="contact-points",
        title="联系点进展",
        columns=[
            Column("联系点"),
            Column("层级"),
            Column("对应地区"),
            Column("受理办件", Kind.INT),
            Column("事项整合数", Kind.INT),
            Column("一件事总数", Kind.INT),
            Column("提速事项数", Kind.INT),
            Column("材料精减数", Kind.INT),
            Column("按时办结率", Kind.RATE),
        ],
        rows=[
            [
                r.name,
                r.level,
                r.region_name or "（未找到同名地区）",
                r.applications,
                len(r.bundles),
                r.bundles_total,
                len(r.items),
                r.materials_cut,
                r.on_time_rate,
            ]
            for r in rows
        ],
        chart=Chart("bar", (3,)),
    )


def contact_points_cached(
    ctx: Context, *, refresh: bool = False
) -> Computed[list[ContactPointRow]]:
    return figures_cached(
        "contact-points",
        ctx.scope,
        ctx.filters,
        lambda: contact_point_rows(ctx.scope, ctx.filters, tree=ctx.tree),
        refresh=refresh,
    )
