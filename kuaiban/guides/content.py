"""The content of a service guide (办事指南), built once and shown as a page or a PDF.

Both come from the same function, so what the hall prints is what the website says
(线上线下同源).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from kuaiban.bundles.field_choices import ChoicesMemo
from kuaiban.bundles.models import Bundle, HotItem, Mode, Pack, SpeedUp
from kuaiban.bundles.planning import Burden, Plan, bundle_plan, required_group_picks
from kuaiban.bundles.selectors import ItemLimits, item_limits, pack_speedups
from kuaiban.calendar.selectors import calendar_load
from kuaiban.catalogue.models import Agency, AgencyKind, ItemTarget, ServiceItem
from kuaiban.catalogue.regions import region_and_below

ONLINE_CHANNELS = ["快办平台网站", "快办移动端（APP、小程序）", "自助服务终端"]
WINDOW_CHANNEL = "人社服务大厅“一件事”综合窗口（一窗通办）"
HOTLINE = "12333（人力资源社会保障服务热线）"
NOT_ANNOUNCED = "以当地人社服务大厅公告为准"


@dataclass(frozen=True)
class GuideOffice:
    """Where and when to go, and whom to call: one agency that handles the guide's items."""

    kind: str
    name: str
    address: str
    hours: str
    phone: str


def guide_offices(*, kinds: set[str], region_id: int | None) -> list[GuideOffice]:
    """The agencies of these kinds in the region and below, with their address, hours, phone."""
    agencies = Agency.objects.filter(kind__in=kinds)
    if region_id is not None:
        agencies = agencies.filter(region_and_below(region_id))
    return [
        GuideOffice(
            kind=str(AgencyKind(a.kind).label),
            name=a.name,
            address=a.address or NOT_ANNOUNCED,
            hours=a.office_hours or NOT_ANNOUNCED,
            phone=a.phone or HOTLINE,
        )
        for a in agencies.order_by("region__code", "kind")
    ]


def bundle_steps(*, mode: str, stages: int) -> list[str]:
    """办理流程 of a bundle: one application, one acceptance, split work, one result."""
    if mode == Mode.SERIAL and stages > 1:
        work = f"审核办理：平台将申请拆分到各责任机构，按{stages}个阶段依次办理，前一阶段办结后自动转入下一阶段"
    elif mode == Mode.INTEGRATED:
        work = "审核办理：责任机构合并审核，一次办结"
    else:
        work = "审核办理：平台将申请拆分到各责任机构，各事项同时办理"
    return [
        "申请：网上或到“一件事”综合窗口提交一张表单、一套材料",
        "受理：材料齐全的当场受理并出具受理回执；需要补正的一次性告知",
        work,
        "办结：各事项办结后统一反馈结果，可在“我的办件”查看并打印办理结果通知书",
        "评价：办结后对办理情况作出评价（好差评）",
    ]


def item_steps(*, item: ServiceItem) -> list[str]:
    """办理流程 of one item, from its channels and its time limit."""
    where = "网上或到服务窗口" if item.online and not item.onsite_required else "到服务窗口"
    work = (
        "审核办理：即办事项材料齐全的当场办结"
        if item.instant
        else f"审核办理：责任机构在承诺时限（{item.promised_limit.label()}）内审核并作出决定"
    )
    return [
        f"申请：{where}提交申请表单和材料",
        "受理：材料齐全的当场受理并出具受理回执；需要补正的一次性告知",
        work,
        "办结：反馈办理结果，可在“我的办件”查看并打印办理结果通知书",
    ]


@dataclass(frozen=True)
class GuideItemRow:
    code: str  # for links only; citizens see public_code
    public_code: str
    name: str
    seed_name: str
    required: bool
    stage: int
    agency: str
    legal: str
    promised: str
    speedup: str
    fee: str


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
    notes: list[str] = field(default_factory=list)  # 备注 of this scenario only


@dataclass
class BundleGuide:
    pack: Pack
    bundle: Bundle
    scenarios: list[GuideScenario]
    channels: list[str]
    generated: str
    offices: list[GuideOffice]
    steps: list[str]
    fee: str
    hotline: str = HOTLINE
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
    choices_memo: ChoicesMemo = {}
    for scenario in bundle.scenarios.all():
        rows = []
        for bi in scenario.bundle_items.all():
            limits = item_limits(pack=bundle.pack, item=bi.item, speedups=speedups)
            legal, promised, speedup = limit_texts(limits)
            rows.append(
                GuideItemRow(
                    code=bi.item.code,
                    public_code=bi.item.public_code,
                    name=bi.item.name,
                    seed_name=bi.seed_name,
                    required=bi.required,
                    stage=bi.stage,
                    agency=str(AgencyKind(bi.item.agency_kind).label),
                    legal=legal,
                    promised=promised,
                    speedup=speedup,
                    fee=bi.item.fee_text,
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
            choices_memo=choices_memo,
        )
        required_only = any(r.required for r in rows)
        burden = bundle_plan(
            bundle=bundle,
            scenario_code=scenario.code,
            optional_items=required_group_picks(list(scenario.bundle_items.all()))
            if required_only
            else [r.code for r in rows],
            strict=False,
            start=start,
            speedups=speedups,
            calendar=calendar,
            assume_shared=True,
            choices_memo=choices_memo,
        ).burden
        scenarios.append(
            GuideScenario(
                code=scenario.code,
                name=scenario.name,
                mode=str(Mode(scenario.mode).label),
                items=rows,
                plan=plan,
                burden=burden,
                notes=list(scenario.notes),
            )
        )
    rows = [row for scenario in scenarios for row in scenario.items]
    fees = sorted({row.fee for row in rows})
    return BundleGuide(
        pack=bundle.pack,
        bundle=bundle,
        scenarios=scenarios,
        channels=[*ONLINE_CHANNELS, WINDOW_CHANNEL],
        generated=timezone.localdate().isoformat(),
        offices=guide_offices(
            kinds={
                bi.item.agency_kind for sc in bundle.scenarios.all() for bi in sc.bundle_items.all()
            },
            region_id=bundle.pack.region_id,
        ),
        steps=bundle_steps(mode=bundle.mode, stages=max((row.stage for row in rows), default=1)),
        fee=fees[0]
        if fees == ["不收费"]
        else "；".join(f"{row.seed_name}：{row.fee}" for row in rows if row.fee != "不收费"),
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
    offices: list[GuideOffice]
    steps: list[str]
    hotline: str = HOTLINE


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
        offices=guide_offices(kinds={item.agency_kind}, region_id=None),
        steps=item_steps(item=item),
    )
