"""The content of a service guide (办事指南), built once and shown as a page or a PDF.

Both come from the same function, so what the hall prints is what the website says
(线上线下同源).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from kuaiban.bundles.models import Bundle, HotItem, Mode, Pack, SpeedUp
from kuaiban.bundles.planning import Burden, Plan, bundle_plan
from kuaiban.bundles.selectors import ItemLimits, item_limits, pack_speedups
from kuaiban.calendar.selectors import calendar_load
from kuaiban.catalogue.models import AgencyKind, ItemTarget, ServiceItem

ONLINE_CHANNELS = ["快办平台网站", "快办移动端（APP、小程序）", "自助服务终端"]
WINDOW_CHANNEL = "人社服务大厅“一件事”综合窗口（一窗通办）"


@dataclass(frozen=True)
class GuideItemRow:
    code: str
    name: str
    seed_name: str
    required: bool
    stage: int
    agency: str
    legal: str
    promised: str
    speedup: str
    source: str


@dataclass(frozen=True)
class GuideScenario:
    code: str
    name: str
    mode: str
    items: list[GuideItemRow]
    plan: Plan
    # The burden of the scenario's required items, for a person whose records shared data
    # holds: the same figure the apply page and the receipt show for that choice.
    burden: dict[str, Burden]


@dataclass
class BundleGuide:
    pack: Pack
    bundle: Bundle
    scenarios: list[GuideScenario]
    channels: list[str]
    generated: str
    materials_note: str = "材料可在线上传；各事项的申请表由“一张表单”自动生成，无需另交；可通过数据共享获取的材料无需提交；标注“可承诺”的证明可签署告知承诺书代替；非关键材料可容缺受理、限期补齐。"
    notes: list[str] = field(default_factory=list)


def limit_texts(limits: ItemLimits) -> tuple[str, str, str]:
    """(legal, promised, speed-up) as shown: the policy's own words next to the number."""
    speedup: SpeedUp | None = limits.speedup
    legal = limits.legal.label() if limits.legal else "无"
    promised = limits.promised.label()
    if speedup is not None:
        legal = (
            f"{speedup.legal_text}"
            if not limits.legal
            else f"{legal}（原文：{speedup.legal_text}）"
        )
        promised = f"{promised}（原文：{speedup.promised_text}）"
    ratio = limits.speedup_ratio
    return legal, promised, f"提速{ratio:.0%}" if ratio and ratio > 0 else ""


def bundle_guide(*, bundle: Bundle) -> BundleGuide:
    speedups = pack_speedups(pack=bundle.pack)
    # One start, one calendar and one speed-up list for every scenario's plan.
    start = timezone.now()
    calendar = calendar_load(since=timezone.localtime(start).date())
    scenarios = []
    for scenario in bundle.scenarios.all():
        rows = []
        for bi in scenario.bundle_items.all():
            limits = item_limits(pack=bundle.pack, item=bi.item, speedups=speedups)
            legal, promised, speedup = limit_texts(limits)
            rows.append(
                GuideItemRow(
                    code=bi.item.code,
                    name=bi.item.name,
                    seed_name=bi.seed_name,
                    required=bi.required,
                    stage=bi.stage,
                    agency=str(AgencyKind(bi.item.agency_kind).label),
                    legal=legal,
                    promised=promised,
                    speedup=speedup,
                    source=bi.source,
                )
            )
        # The guide lists what everything in the scenario would ask: all optional items ticked.
        plan = bundle_plan(
            bundle=bundle,
            scenario_code=scenario.code,
            optional_items=[r.code for r in rows if not r.required],
            strict=False,
            start=start,
            speedups=speedups,
            calendar=calendar,
        )
        required_only = any(r.required for r in rows)
        burden = bundle_plan(
            bundle=bundle,
            scenario_code=scenario.code,
            optional_items=[] if required_only else [r.code for r in rows],
            strict=False,
            start=start,
            speedups=speedups,
            calendar=calendar,
            assume_shared=True,
        ).burden
        scenarios.append(
            GuideScenario(
                code=scenario.code,
                name=scenario.name,
                mode=str(Mode(scenario.mode).label),
                items=rows,
                plan=plan,
                burden=burden,
            )
        )
    return BundleGuide(
        pack=bundle.pack,
        bundle=bundle,
        scenarios=scenarios,
        channels=[*ONLINE_CHANNELS, WINDOW_CHANNEL],
        generated=timezone.localdate().isoformat(),
        notes=list(bundle.notes),
    )


@dataclass
class ItemGuide:
    item: ServiceItem
    target: str
    agency: str
    limits: list[tuple[Pack | None, str, str, str]]
    bundles: list[Bundle]
    channels: list[str]
    hot_channels: list[HotItem]
    generated: str


def item_guide(*, item: ServiceItem) -> ItemGuide:
    limits: list[tuple[Pack | None, str, str, str]] = []
    for speedup in item.speedups.select_related("pack").all():
        legal, promised, ratio = limit_texts(
            ItemLimits(legal=speedup.legal_limit, promised=speedup.promised_limit, speedup=speedup)
        )
        limits.append((speedup.pack, legal, promised, ratio))
    default = ItemLimits(legal=item.legal_limit, promised=item.promised_limit, speedup=None)
    legal, promised, ratio = limit_texts(default)
    bundles = list(
        Bundle.objects.filter(scenarios__bundle_items__item=item)
        .select_related("pack__region")
        .distinct()
        .order_by("pack__code", "position")
    )
    online = item.online and not item.onsite_required
    return ItemGuide(
        item=item,
        target=str(ItemTarget(item.target).label),
        agency=str(AgencyKind(item.agency_kind).label),
        limits=[*limits, (None, legal, promised, ratio)],
        bundles=bundles,
        channels=[*ONLINE_CHANNELS, WINDOW_CHANNEL] if online else [WINDOW_CHANNEL],
        hot_channels=list(item.hot_entries.select_related("pack").all()),
        generated=timezone.localdate().isoformat(),
    )
