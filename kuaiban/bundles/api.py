"""Read-only API of packs and bundles, and bundle planning."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from kuaiban.accounts.api_auth import OPTIONAL_BEARER_SECURITY, api_user_optional
from kuaiban.bundles import schemas as s
from kuaiban.bundles.models import Bundle, LimitSetBy, Pack
from kuaiban.bundles.planning import Plan, bundle_plan
from kuaiban.bundles.selectors import (
    ItemLimits,
    bundle_get,
    bundle_list,
    item_limits,
    pack_for_region,
    pack_get,
    pack_list,
    pack_speedups,
    packs_for_region,
    region_get,
)
from kuaiban.catalogue.models import AgencyKind
from kuaiban.core.errors import ErrorOut
from kuaiban.core.text import Code
from kuaiban.shareddata.access import access_shared_profile
from kuaiban.shareddata.audit import shared_data_read_audit

router = Router(tags=["政策包与一件事"])


def _pack_out(pack: Pack) -> s.PackOut:
    return s.PackOut(
        code=pack.code,
        name=pack.name,
        region=pack.region.name,
        source=pack.document,
        seed=pack.seed,
        version=pack.version,
        region_code=pack.region.code,
        extends=pack.extends.code if pack.extends else None,
        basis=pack.local_basis,
    )


class PackFilter(Schema):
    region: str | None = NinjaField(
        None,
        pattern=r"^[0-9]{6}$",
        description="申请人所在地区的六位行政区划代码，如 370102（历下区）：只列出适用于该地区的政策包",
    )


@router.get(
    "/packs",
    response={200: list[s.PackOut], 404: ErrorOut},
    summary="已加载的政策包",
    description=(
        "不带 region 时列出全部政策包（市县政策包的 extends 为它扩展的省级政策包）；"
        "带 region 时只列出适用于该地区的政策包：覆盖它的最基层政策包在前，被其扩展的上级政策包不再列出。"
    ),
)
def packs(request: HttpRequest, filters: Query[PackFilter]) -> list[s.PackOut]:
    if filters.region is None:
        return [_pack_out(p) for p in pack_list()]
    region = region_get(code=filters.region)
    return [_pack_out(p) for p in packs_for_region(region_id=region.pk)]


class BundleFilter(Schema):
    pack: Code = NinjaField(description="政策包代码，如 shandong-2020")
    region: str | None = NinjaField(
        None,
        pattern=r"^[0-9]{6}$",
        description="申请人所在地区的六位行政区划代码：给出时列出覆盖该地区的最基层政策包的一件事"
        "（如 370102 历下区 + shandong-2020 → jinan-2020 的一件事，含本地新增）",
    )


@router.get(
    "/bundles",
    response={200: list[s.BundleOut], 404: ErrorOut, 422: ErrorOut},
    summary="政策包中的一件事",
)
def bundles(request: HttpRequest, filters: Query[BundleFilter]) -> list[s.BundleOut]:
    pack = pack_get(code=filters.pack)
    if filters.region is not None:
        pack = pack_for_region(pack=pack, region_id=region_get(code=filters.region).pk)
    return [
        s.BundleOut(
            code=b.code,
            name=b.name,
            target=b.target,
            mode=b.mode,
            pack=pack.code,
            local=b.set_by == LimitSetBy.BUREAU,
            basis=b.basis,
        )
        for b in bundle_list(pack=pack)
    ]


@router.get(
    "/bundles/{pack}/{bundle}", response=s.BundleDetailOut, summary="一件事详情：场景、事项、时限"
)
def bundle_detail(request: HttpRequest, pack: Code, bundle: Code) -> s.BundleDetailOut:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    return bundle_detail_out(found)


def _limits_out(limits: ItemLimits) -> tuple[s.LimitOut | None, s.LimitOut]:
    """An item's legal and promised limits, with the speed-up list's own wording when it has one."""
    speedup = limits.speedup
    legal = s.limit_out(limits.legal, speedup.legal_text if speedup else "")
    promised = s.limit_out(limits.promised, speedup.promised_text if speedup else "")
    assert promised is not None  # an item always has a promised limit
    return legal, promised


def bundle_detail_out(bundle: Bundle) -> s.BundleDetailOut:
    speedups = pack_speedups(pack=bundle.pack)
    scenarios = []
    for scenario in bundle.scenarios.all():
        items = []
        for bi in scenario.bundle_items.all():
            legal, promised = _limits_out(
                item_limits(pack=bundle.pack, item=bi.item, speedups=speedups)
            )
            items.append(
                s.BundleItemOut(
                    code=bi.item.code,
                    name=bi.item.name,
                    seed_name=bi.seed_name,
                    required=bi.required,
                    stage=bi.stage,
                    when=bi.when,
                    group=bi.group,
                    group_required=bi.group_required,
                    target=bi.target,
                    agency=bi.item.agency_kind,
                    agency_label=str(AgencyKind(bi.item.agency_kind).label),
                    legal_limit=legal,
                    promised_limit=promised,
                    source=bi.source,
                )
            )
        scenarios.append(
            s.ScenarioOut(
                code=scenario.code,
                name=scenario.name,
                target=scenario.target,
                mode=scenario.mode,
                source=scenario.source,
                notes=list(scenario.notes),
                items=items,
            )
        )
    return s.BundleDetailOut(
        pack=bundle.pack.code,
        local=bundle.set_by == LimitSetBy.BUREAU,
        basis=bundle.basis,
        code=bundle.code,
        name=bundle.name,
        target=bundle.target,
        mode=bundle.mode,
        promised_limit=s.limit_out(bundle.promised_limit),
        lead=bundle.lead,
        notes=list(bundle.notes),
        source=bundle.source,
        questions=[s.QuestionOut(key=q.key, text=q.text) for q in bundle.questions.all()],
        scenarios=scenarios,
    )


@router.post(
    "/bundles/{pack}/{bundle}/plan",
    response=s.PlanOut,
    summary="规划一件事：合并表单、去重材料、子事项、承诺办结日期与减负数据",
    description=(
        "无需登录即可规划；带 applicant 时用共享数据预填，需登录（访问令牌 "
        "`Authorization: Bearer <token>` 或网站会话）。"
    ),
    openapi_extra={"security": OPTIONAL_BEARER_SECURITY},
)
def plan(request: HttpRequest, pack: Code, bundle: Code, payload: s.PlanIn) -> s.PlanOut:
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    applicant = payload.applicant or s.ApplicantIn()
    user = api_user_optional(request)
    profile = access_shared_profile(
        user=user, id_number=applicant.id_number, credit_code=applicant.credit_code
    )
    if profile is not None:
        shared_data_read_audit(
            actor=user,
            profile=profile,
            id_number=applicant.id_number or "",
            credit_code=applicant.credit_code or "",
            purpose="bundle.plan",
            bundle=f"{found.pack.code}/{found.code}",
        )
    result = bundle_plan(
        bundle=found,
        scenario_code=payload.scenario,
        optional_items=payload.items,
        answers=payload.answers,
        profile=profile,
        applicant_kind="unit" if applicant.credit_code else "person" if applicant.id_number else "",
    )
    return plan_out(result, records=[r.record for r in profile.records] if profile else [])


def plan_out(plan: Plan, *, records: list[str]) -> s.PlanOut:
    def day(value: dt.datetime | None) -> str:
        assert value is not None  # the API plans strictly: no date means an error was raised
        return timezone.localtime(value).date().isoformat()

    subitems = []
    for sub in plan.subitems:
        legal, promised = _limits_out(sub.limits)
        subitems.append(
            s.PlanSubItemOut(
                code=sub.code,
                name=sub.name,
                seed_name=sub.seed_name,
                required=sub.required,
                stage=sub.stage,
                group=sub.group,
                agency=sub.agency_kind,
                agency_label=sub.agency_label,
                legal_limit=legal,
                promised_limit=promised,
                due_date=day(sub.due_at),
            )
        )
    return s.PlanOut(
        scenario=plan.scenario.code,
        mode=plan.mode,
        fields=[
            s.PlanFieldOut(
                key=f.key,
                label=f.label,
                type=f.field_type,
                required=f.required,
                choices=f.choices,
                prefill=f.prefill,
                items=f.items,
                asked=f.asked,
                fixed=f.fixed,
                same_as=f.same_as or None,
                by_employer=f.by_employer,
                not_applicable=f.not_applicable or None,
            )
            for f in plan.fields
        ],
        materials=[
            s.PlanMaterialOut(
                code=m.code,
                name=m.name,
                kind=m.kind,
                key=m.key,
                commitment_allowed=m.commitment_allowed,
                gap_allowed=m.gap_allowed,
                from_shared_data=m.from_shared_data,
                items=m.items,
            )
            for m in plan.materials
        ],
        subitems=subitems,
        promised_due_date=day(plan.promised_due_at),
        burden=s.BurdenSetOut(
            **{
                k: s.BurdenOut(separate=v.separate, bundled=v.bundled)
                for k, v in plan.burden.items()
            }
        ),
        credit_commitment_required=plan.credit_commitment_required,
        shared_data=s.SharedDataOut(used=bool(records), records=records),
    )
