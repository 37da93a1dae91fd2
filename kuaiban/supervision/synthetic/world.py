"""The world synthetic history happens in: regions, agencies, a system account, and each loaded
pack's scenarios with their plans (burden and material list, from the planning service).

Regions: the provinces come with their packs; cities and districts are added where missing —
the seats of the Shanxi contact points (附件3) and a few districts of Shandong and Jiangsu — so
that contact points and region trees have data. Agencies follow the demo's convention: one of
every kind per city (and province), code ``<region code>-<kind>``. Existing rows are kept.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.bundles.models import Bundle, Pack, SpeedUp
from kuaiban.bundles.planning import PlanMaterial, bundle_plan, required_groups_unchosen
from kuaiban.bundles.selectors import ItemLimits, bundle_get, item_limits, pack_speedups
from kuaiban.calendar.arithmetic import WorkCalendar
from kuaiban.calendar.selectors import calendar_load
from kuaiban.catalogue.models import (
    CASE_AGENCY_KINDS,
    Agency,
    FormField,
    Region,
    RegionLevel,
)
from kuaiban.shareddata.connectors.base import RecordRef, SharedProfile

# (code, name, parent code); GB/T 2260. Cities first, then their districts.
REGIONS: list[tuple[str, str, str]] = [
    # 山西: the eleven cities and the county-level contact points (晋人社厅发〔2020〕35号 附件3)
    ("140100", "太原市", "140000"),
    ("140200", "大同市", "140000"),
    ("140300", "阳泉市", "140000"),
    ("140400", "长治市", "140000"),
    ("140500", "晋城市", "140000"),
    ("140600", "朔州市", "140000"),
    ("140700", "晋中市", "140000"),
    ("140800", "运城市", "140000"),
    ("140900", "忻州市", "140000"),
    ("141000", "临汾市", "140000"),
    ("141100", "吕梁市", "140000"),
    ("140105", "小店区", "140100"),
    ("140106", "迎泽区", "140100"),
    ("140109", "万柏林区", "140100"),
    ("140222", "天镇县", "140200"),
    ("140322", "盂县", "140300"),
    ("140406", "潞城区", "140400"),
    ("140581", "高平市", "140500"),
    ("140621", "山阴县", "140600"),
    ("140702", "榆次区", "140700"),
    ("140802", "盐湖区", "140800"),
    ("140981", "原平市", "140900"),
    ("141023", "襄汾县", "141000"),
    ("141182", "汾阳市", "141100"),
    # 山东
    ("370100", "济南市", "370000"),
    ("370200", "青岛市", "370000"),
    ("370600", "烟台市", "370000"),
    ("370102", "历下区", "370100"),
    ("370103", "市中区", "370100"),
    ("370112", "历城区", "370100"),
    ("370202", "市南区", "370200"),
    ("370212", "崂山区", "370200"),
    ("370602", "芝罘区", "370600"),
    # 江苏
    ("320100", "南京市", "320000"),
    ("320500", "苏州市", "320000"),
    ("320102", "玄武区", "320100"),
    ("320106", "鼓楼区", "320100"),
    ("320508", "姑苏区", "320500"),
]

SYSTEM_USERNAME = "synthetic-history"


@dataclass(frozen=True)
class ItemSpec:
    item_id: int
    code: str
    seed_name: str
    agency_kind: str
    stage: int
    limits: ItemLimits


@dataclass
class ScenarioSpec:
    bundle: Bundle
    pack_id: int
    bundle_id: int
    scenario_id: int
    pack_code: str
    bundle_code: str
    scenario_code: str
    serial: bool
    required: list[ItemSpec]
    optional: list[ItemSpec]
    weight: float
    # The members of each 必做 item group that no required member satisfies: one is chosen.
    required_groups: list[list[ItemSpec]] = field(default_factory=list)
    plans: dict[tuple[tuple[str, ...], bool], PlanSummary] = field(default_factory=dict)
    # The pack's speed-ups, read once: each new choice of items is planned with them.
    speedups: dict[int, SpeedUp] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanSummary:
    burden: dict[str, dict[str, int]]
    materials: list[PlanMaterial]
    offline: bool  # some item needs a visit


@dataclass(frozen=True)
class Place:
    region_id: int
    code: str
    level: str
    agencies: dict[str, int]  # agency kind → agency id (the city's, or the province's)


@dataclass
class World:
    system_user: User
    scenarios: list[ScenarioSpec]
    places: dict[int, list[Place]]  # pack id → the regions its applications come from
    profile: SharedProfile
    # Loaded once for every plan of a choice of items (a load per plan was most of the
    # drawing's time while the choices were new).
    calendar: WorkCalendar


@transaction.atomic
def world_prepare(*, rng: random.Random) -> World:
    packs = list(Pack.objects.select_related("region").order_by("code"))
    if not packs:
        raise ValueError("没有已加载的政策包，请先运行 kuaiban pack load")
    _regions_ensure({p.region.code[:2] + "0000" for p in packs})
    places = {p.pk: _places(p.region) for p in packs}
    # Where a city's own pack (extending its province's) covers a place, applications there use
    # that pack, as real ones do (`bundles.selectors.pack_for_region`).
    covered = {place.region_id for p in packs if p.extends_id for place in places[p.pk]}
    for pack in packs:
        if pack.extends_id is None:
            places[pack.pk] = [pl for pl in places[pack.pk] if pl.region_id not in covered]
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.PERSON, "display_name": "合成历史数据", "is_active": False},
    )
    scenarios = [spec for pack in packs for spec in _scenarios(pack, rng)]
    return World(
        system_user=user,
        scenarios=scenarios,
        places=places,
        profile=_profile(),
        calendar=calendar_load(since=timezone.localdate()),
    )


def _regions_ensure(provinces: set[str]) -> None:
    existing = {r.code: r for r in Region.objects.all()}
    for code, name, parent in REGIONS:
        if code in existing or parent not in existing or parent[:2] + "0000" not in provinces:
            continue
        level = RegionLevel.CITY if code.endswith("00") else RegionLevel.COUNTY
        existing[code] = Region.objects.create(
            code=code, name=name, level=level, parent=existing[parent]
        )


def _places(province: Region) -> list[Place]:
    """A province's pack: the province, its cities and their counties; a city's own pack: the
    city and its counties. Each place is served by its city's agencies (the province's own)."""
    if province.level == RegionLevel.CITY:
        tops, cities = [], [province]
    else:
        tops, cities = [province], list(Region.objects.filter(parent=province).order_by("code"))
    counties = list(Region.objects.filter(parent__in=cities).order_by("code"))
    regions = [*tops, *cities, *counties]
    agencies = {region.pk: _agencies_ensure(region) for region in [*tops, *cities]}
    return [
        Place(r.pk, r.code, r.level, agencies.get(r.pk) or agencies[r.parent_id or province.pk])
        for r in regions
    ]


def _agencies_ensure(region: Region) -> dict[str, int]:
    found = {
        a.kind: a.pk
        for a in Agency.objects.filter(code__in=[f"{region.code}-{k}" for k in CASE_AGENCY_KINDS])
    }
    for kind in CASE_AGENCY_KINDS:
        if kind.value not in found:
            agency = Agency.objects.create(
                code=f"{region.code}-{kind.value}",
                name=f"{region.name}{kind.label}",
                kind=kind.value,
                region=region,
            )
            found[kind.value] = agency.pk
    return found


def _scenarios(pack: Pack, rng: random.Random) -> list[ScenarioSpec]:
    speedups = pack_speedups(pack=pack)
    out = []
    for code in pack.bundles.order_by("position").values_list("code", flat=True):
        bundle = bundle_get(pack_code=pack.code, bundle_code=code)
        weight = rng.choice((0.5, 1, 1, 2, 3))  # some life events are far more frequent
        for scenario in bundle.scenarios.all():
            required: list[ItemSpec] = []
            optional: list[ItemSpec] = []
            groups: dict[str, list[ItemSpec]] = {}
            rows = list(scenario.bundle_items.all())
            unchosen = required_groups_unchosen(rows, [bi for bi in rows if bi.required])
            for bi in rows:
                spec = ItemSpec(
                    item_id=bi.item.pk,
                    code=bi.item.code,
                    seed_name=bi.seed_name,
                    agency_kind=bi.item.agency_kind,
                    stage=bi.stage,
                    limits=item_limits(pack=pack, item=bi.item, speedups=speedups),
                )
                (required if bi.required else optional).append(spec)
                if bi.group in unchosen:
                    groups.setdefault(bi.group, []).append(spec)
            if not required and not optional:
                continue
            out.append(
                ScenarioSpec(
                    bundle=bundle,
                    pack_id=pack.pk,
                    bundle_id=bundle.pk,
                    scenario_id=scenario.pk,
                    pack_code=pack.code,
                    bundle_code=bundle.code,
                    scenario_code=scenario.code,
                    serial=scenario.mode == "serial",
                    required=required,
                    optional=optional,
                    weight=weight,
                    required_groups=list(groups.values()),
                    speedups=speedups,
                )
            )
    return out


def _profile() -> SharedProfile:
    """An applicant everything is on file for: every prefill path, every source."""
    paths = FormField.objects.exclude(prefill="").values_list("prefill", flat=True)
    values = dict.fromkeys(paths, "（共享数据）")
    sources = {path.split(".", 1)[0] for path in values} | {
        "person",
        "insurance",
        "employment",
        "unemployment",
        "enterprise",
        "e_certificate",
    }
    return SharedProfile(
        values=values,
        records=[
            RecordRef(source=s, connector="local", record="synthetic") for s in sorted(sources)
        ],
    )


def plan_summary(
    spec: ScenarioSpec,
    chosen: Sequence[ItemSpec],
    *,
    shared: bool,
    profile: SharedProfile,
    calendar: WorkCalendar | None = None,
) -> PlanSummary:
    """The plan of one choice of items (cached: the same choice always has the same plan)."""
    optional = tuple(s.code for s in chosen if s in spec.optional)
    key = (optional, shared)
    if key not in spec.plans:
        plan = bundle_plan(
            bundle=spec.bundle,
            scenario_code=spec.scenario_code,
            optional_items=list(optional),
            profile=profile if shared else None,
            strict=False,
            speedups=spec.speedups,
            calendar=calendar,
        )
        spec.plans[key] = PlanSummary(
            burden={
                k: {"separate": b.separate, "bundled": b.bundled} for k, b in plan.burden.items()
            },
            materials=plan.materials,
            offline=plan.burden["visits"].bundled > 0,
        )
    return spec.plans[key]
