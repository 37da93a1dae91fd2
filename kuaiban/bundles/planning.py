"""Bundle planning: one merged form, one material list, sub-items, due date and burden figures.

The same service feeds the public bundle page, the plan API and (later) intake, so the
figures an applicant sees are the figures that are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from kuaiban.bundles.field_choices import ChoicesMemo, field_choices
from kuaiban.bundles.models import Bundle, BundleItem, Mode, Scenario, SpeedUp
from kuaiban.bundles.selectors import (
    ItemLimits,
    item_fields,
    item_limits,
    item_materials,
    pack_speedups,
)
from kuaiban.calendar.arithmetic import WorkCalendar
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.calendar.limits import TimeLimit
from kuaiban.calendar.selectors import calendar_load, due_at
from kuaiban.catalogue.checks.evaluate import check_holds
from kuaiban.catalogue.checks.validate import ON_SUBMIT_REFUSE
from kuaiban.catalogue.models import AgencyKind, FieldType, FormField, Material
from kuaiban.catalogue.values import field_value_error
from kuaiban.core.errors import Unprocessable
from kuaiban.core.masking import mask_card_number
from kuaiban.shareddata.connectors import SharedProfile


@dataclass
class PlanField:
    key: str
    label: str
    field_type: str
    required: bool
    choices: list[str]
    prefill: str | None  # the value shared data gives, when it fits the field
    items: list[str] = field(default_factory=list)
    source: str = ""  # the shared-data path it is (or would be) prefilled from
    fixed: str | None = None  # the value the scenario settles (pack `fields: {key: {value}}`)
    same_as: str = ""  # the field whose value it takes (pack `fields: {key: {same_as}}`)
    by_employer: bool = False  # only the employer can give it and the applicant is a person
    not_applicable: str = ""  # why it does not apply to this applicant (e.g. 仅适用于女性)
    # The scenario says it does not apply (pack `fields: {key: {not_applicable}}`): listed with
    # the reason among what the applicant need not fill in.
    not_applicable_in_scenario: bool = False
    only_gender: str = ""  # asked only of applicants of this gender

    def typed_by_anyone(self, *, assume_shared: bool) -> bool:
        """Typed by every applicant with records on file (``assume_shared``), or by this one."""
        if not assume_shared:
            return self.typed
        return self.typed and not self.source and not self.only_gender

    @property
    def asked(self) -> bool:
        """Whether the applicant is asked at all (shown as an input on the one form)."""
        return (
            self.fixed is None
            and not self.same_as
            and not self.by_employer
            and not self.not_applicable
        )

    @property
    def typed(self) -> bool:
        """Whether the applicant has to type it: asked and not prefilled."""
        return self.asked and self.prefill is None


@dataclass
class PlanMaterial:
    code: str
    name: str
    kind: str
    key: bool
    commitment_allowed: bool
    shared_source: str
    from_shared_data: bool
    items: list[str] = field(default_factory=list)
    # 智能审核 rule on the form: needed only when it holds (catalogue `needed_when`; empty: always).
    needed_when: dict[str, Any] = field(default_factory=dict)

    @property
    def from_online_form(self) -> bool:
        """一张表单: an item's application form (申请表) is generated from the merged form."""
        return self.kind == "form"

    @property
    def to_provide(self) -> bool:
        """Whether the applicant must provide it: not shared data, not the online form."""
        return not (self.from_shared_data or self.from_online_form)

    @property
    def gap_allowed(self) -> bool:
        """容缺受理: a non-key material may be supplied later."""
        return not self.key


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate the scenario issues for the first time, which shared data shows the
    applicant already holds: they need another scenario of the bundle instead."""

    code: str
    name: str
    masked_number: str
    instead: list[tuple[str, str]]  # (scenario code, name) of the bundle's scenarios for holders


@dataclass(frozen=True)
class PlanSubItem:
    code: str
    name: str
    seed_name: str
    required: bool
    stage: int
    agency_kind: str
    agency_label: str
    limits: ItemLimits
    due_at: dt.datetime | None  # None only in a lenient plan past the calendar's end
    pays_money: bool
    online: bool
    group: str = ""  # the seed's item group (“…（含A；B）”) this item is a member of


@dataclass(frozen=True)
class Burden:
    separate: int
    bundled: int

    @property
    def saved(self) -> int:
        return self.separate - self.bundled


@dataclass
class Plan:
    bundle: Bundle
    scenario: Scenario
    mode: str
    fields: list[PlanField]
    materials: list[PlanMaterial]
    subitems: list[PlanSubItem]
    promised_due_at: dt.datetime | None
    burden: dict[str, Burden]
    credit_commitment_required: bool
    calendar_problem: str = ""
    # 智能审核 rules marked `on_submit: refuse`: checked on the answers before anything is stored.
    submit_checks: list[dict[str, Any]] = field(default_factory=list)
    applicant_kind: str = "person"
    # Materials the answers show are not needed (their `needed_when` does not hold): neither
    # listed nor required, and not counted in the burden.
    materials_not_needed: list[PlanMaterial] = field(default_factory=list)
    # Certificates this scenario issues first which the applicant already holds (shared data).
    held_certificates: list[HeldCertificate] = field(default_factory=list)

    @property
    def asked_fields(self) -> list[PlanField]:
        return [f for f in self.fields if f.asked]

    @property
    def settled_fields(self) -> list[PlanField]:
        """Fields the applicant is not asked: settled by the scenario (including those that do
        not apply in it) or given by the employer — not those for the other gender."""
        return [
            f
            for f in self.fields
            if not f.asked and (not f.not_applicable or f.not_applicable_in_scenario)
        ]

    @property
    def promised_due_date(self) -> dt.date | None:
        if self.promised_due_at is None:
            return None
        return timezone.localtime(self.promised_due_at).date()


def selected_bundle_items(
    *,
    scenario: Scenario,
    optional_items: Sequence[str],
    answers: Mapping[str, bool],
    applicant_kind: str = "",
) -> list[BundleItem]:
    """Required items, plus optional ones ticked by code or switched on by a 'yes' answer.

    An optional item whose own 办事对象 excludes the applicant (`BundleItem.offered_to`) is not
    offered: ticking it is refused and a 'yes' answer does not switch it on."""
    bundle_items = [
        bi for bi in scenario.bundle_items.all() if bi.required or bi.offered_to(applicant_kind)
    ]
    known = {bi.item.code for bi in bundle_items}
    unknown = [code for code in optional_items if code not in known]
    if unknown:
        everything = {bi.item.code: bi for bi in scenario.bundle_items.all()}
        raise Unprocessable(
            "所选事项不属于该场景",
            fields={
                "items": [
                    f"事项“{c}”的办事对象是{everything[c].get_target_display()}，不向您提供"
                    if c in everything
                    else f"事项“{c}”不属于场景“{scenario.code} {scenario.name}”"
                    for c in unknown
                ]
            },
        )
    # Only the bundle's own questions: anything else would be stored with the application.
    questions = {q.key for q in scenario.bundle.questions.all()}
    strangers = [key for key in answers if key not in questions]
    if strangers:
        raise Unprocessable(
            "回答的问题不属于该一件事",
            fields={"answers": [f"一件事“{scenario.bundle.name}”没有问题“{k}”" for k in strangers]},
        )
    ticked = set(optional_items)
    chosen = [
        bi
        for bi in bundle_items
        if bi.required or bi.item.code in ticked or (bi.when and answers.get(bi.when) is True)
    ]
    unchosen = required_groups_unchosen(bundle_items, chosen)
    if unchosen:
        raise Unprocessable(
            "必做事项组至少选择一项",
            fields={"items": [f"“{g}”为必做事项，请至少选择其中一项" for g in unchosen]},
        )
    if not chosen:
        raise Unprocessable(
            "请至少选择一项事项",
            fields={
                "items": [f"场景“{scenario.code} {scenario.name}”的事项均为可选，请至少勾选一项"]
            },
        )
    return chosen


def required_groups_unchosen(
    bundle_items: Sequence[BundleItem], chosen: Sequence[BundleItem]
) -> list[str]:
    """必做 item groups (“…（含A；B）”) none of whose members was chosen."""
    required = dict.fromkeys(bi.group for bi in bundle_items if bi.group_required)
    picked = {bi.group for bi in chosen}
    return [group for group in required if group not in picked]


def required_group_picks(bundle_items: Sequence[BundleItem]) -> list[str]:
    """The least choice a 必做 group asks for: the first member of each such group that no
    required member already satisfies (a guide's burden for the scenario's required items)."""
    unchosen = required_groups_unchosen(bundle_items, [bi for bi in bundle_items if bi.required])
    return [next(bi.item.code for bi in bundle_items if bi.group == g) for g in unchosen]


def scenario_get(*, bundle: Bundle, code: str) -> Scenario:
    for scenario in bundle.scenarios.all():
        if scenario.code == code:
            return scenario
    raise Unprocessable(
        "场景不属于该一件事",
        fields={"scenario": [f"一件事“{bundle.name}”没有场景“{code}”"]},
    )


def bundle_plan(
    *,
    bundle: Bundle,
    scenario_code: str,
    optional_items: Sequence[str] = (),
    answers: Mapping[str, bool] | None = None,
    profile: SharedProfile | None = None,
    start: dt.datetime | None = None,
    strict: bool = True,
    speedups: dict[int, SpeedUp] | None = None,
    calendar: WorkCalendar | None = None,
    applicant_kind: str = "",
    assume_shared: bool = False,
    choices_memo: ChoicesMemo | None = None,
) -> Plan:
    """Plan a scenario for an applicant of ``applicant_kind`` (person / unit; by default a
    person where the scenario allows one).

    ``assume_shared`` (service guides, which know no applicant) counts what shared data
    provides when it holds the applicant's records, so the burden a guide shows is the one a
    person with records on file meets on the apply page and the receipt.

     A due date past the configured calendar raises `CalendarNotConfigured`;
    with ``strict=False`` (service guides) the plan has no dates and says why instead.

    Whoever plans several scenarios of one pack at once passes the pack's ``speedups`` and a
    ``calendar`` loaded from the start date, and one ``choices_memo`` (for one applicant, or
    none) for the fields whose choices are the bureau's records, so the queries do not grow
    with the scenarios."""
    scenario = scenario_get(bundle=bundle, code=scenario_code)
    chosen = selected_bundle_items(
        scenario=scenario,
        optional_items=optional_items,
        answers=answers or {},
        applicant_kind=applicant_kind,
    )
    if speedups is None:
        speedups = pack_speedups(pack=bundle.pack)
    start = start or timezone.now()
    # One calendar load for every due date of the plan, however many items it has.
    if calendar is None:
        calendar = calendar_load(since=timezone.localtime(start).date())
    problem = ""
    try:
        subitems = _schedule(bundle, scenario, chosen, speedups, start, calendar)
        promised_due_at = _promised_due(bundle, subitems, start, calendar)
    except CalendarNotConfigured as exc:
        if strict:
            raise
        problem = exc.message
        subitems = _schedule(bundle, scenario, chosen, speedups, start, None)
        promised_due_at = None
    kind = applicant_kind or ("unit" if scenario.target == "unit" else "person")
    fields = _merge_fields(
        chosen,
        profile,
        scenario=scenario,
        applicant_kind=kind,
        choices_memo={} if choices_memo is None else choices_memo,
    )
    materials = _merge_materials(chosen, profile, assume_shared=assume_shared)
    return Plan(
        bundle=bundle,
        scenario=scenario,
        mode=scenario.mode,
        fields=fields,
        materials=materials,
        subitems=subitems,
        promised_due_at=promised_due_at,
        burden=_burden(chosen, fields, materials, assume_shared=assume_shared),
        credit_commitment_required=any(s.pays_money for s in subitems),
        calendar_problem=problem,
        submit_checks=[
            dict(check)
            for bi in chosen
            for check in bi.item.checks
            if isinstance(check, Mapping) and check.get("on_submit") == ON_SUBMIT_REFUSE
        ],
        applicant_kind=kind,
        held_certificates=_held_certificates(bundle, scenario, chosen, profile),
    )


def _first_issued(chosen: list[BundleItem]) -> set[str]:
    """The certificates (material codes) the chosen items issue for the first time."""
    return {code for bi in chosen for code in (bi.item.first_issue or ())}


def _held_certificates(
    bundle: Bundle, scenario: Scenario, chosen: list[BundleItem], profile: SharedProfile | None
) -> list[HeldCertificate]:
    """A first issue offered to a person whose shared data already shows the certificate: its
    masked number, and the bundle's other scenarios that work on it (补换, 挂失, …)."""
    issued = _first_issued(chosen)
    if not issued or profile is None:
        return []
    held = []
    for material in Material.objects.filter(code__in=sorted(issued)).order_by("code"):
        path = f"{material.shared_source}.{material.code}"
        number = profile.values.get(path, "").strip() if material.shared_source else ""
        if not number:
            continue
        instead = (
            Scenario.objects.filter(bundle=bundle, bundle_items__item__fields__prefill=path)
            .exclude(pk=scenario.pk)
            .distinct()
            .order_by("code")
        )
        held.append(
            HeldCertificate(
                code=material.code,
                name=material.name,
                masked_number=mask_card_number(number),
                instead=[(s.code, s.name) for s in instead],
            )
        )
    return held


def plan_for_answers(*, plan: Plan, form: Mapping[str, Any], on: dt.date) -> Plan:
    """The plan once the form is answered: a material whose `needed_when` rule does not hold on
    the answers (e.g. 供养亲属生活来源证明 with 供养亲属人数 0) is neither listed nor required,
    and the burden counts follow — item by item it would not be asked either. A rule that cannot
    be told yet (the field blank or unreadable) keeps the material."""
    dropped = [
        m
        for m in plan.materials
        if m.needed_when and check_holds(check=m.needed_when, form=form, on=on) is False
    ]
    if not dropped:
        return plan
    materials = [m for m in plan.materials if m not in dropped]
    counts = plan.burden["materials"]
    burden = dict(plan.burden)
    burden["materials"] = Burden(
        separate=counts.separate - sum(len(m.items) for m in dropped),
        bundled=sum(1 for m in materials if m.to_provide),
    )
    return replace(plan, materials=materials, burden=burden, materials_not_needed=dropped)


def _schedule(
    bundle: Bundle,
    scenario: Scenario,
    chosen: list[BundleItem],
    speedups: dict[int, SpeedUp],
    start: dt.datetime,
    calendar: WorkCalendar | None,
) -> list[PlanSubItem]:
    """Each stage starts when the one before it is due; parallel scenarios have one stage."""
    serial = scenario.mode == Mode.SERIAL
    stages = sorted({bi.stage for bi in chosen}) if serial else [1]
    stage_start = start
    subitems: list[PlanSubItem] = []
    for stage in stages:
        in_stage = [bi for bi in chosen if not serial or bi.stage == stage]
        stage_end = stage_start
        for bi in in_stage:
            limits = item_limits(pack=bundle.pack, item=bi.item, speedups=speedups)
            due = None
            if calendar is not None and limits.promised.is_instant and stage_start != start:
                # A later stage starts when the one before is due (the end of that day); an
                # instant item then is done the same day, not 30 minutes past midnight.
                due = stage_start
            elif calendar is not None:
                due = due_at(start=stage_start, limit=limits.promised, calendar=calendar)
                stage_end = max(stage_end, due)
            subitems.append(_subitem(bi, stage if serial else 1, limits, due))
        stage_start = stage_end
    return subitems


def _subitem(
    bi: BundleItem, stage: int, limits: ItemLimits, due: dt.datetime | None
) -> PlanSubItem:
    item = bi.item
    return PlanSubItem(
        code=item.code,
        name=item.name,
        seed_name=bi.seed_name,
        required=bi.required,
        stage=stage,
        agency_kind=item.agency_kind,
        agency_label=str(AgencyKind(item.agency_kind).label),
        limits=limits,
        due_at=due,
        pays_money=item.pays_money,
        online=item.online and not item.onsite_required,
        group=bi.group,
    )


def _promised_due(
    bundle: Bundle, subitems: list[PlanSubItem], start: dt.datetime, calendar: WorkCalendar
) -> dt.datetime:
    """Parallel: the longest item; serial: the stages add up; a bundle's own limit wins."""
    limit: TimeLimit | None = bundle.promised_limit
    if limit is not None:
        return due_at(start=start, limit=limit, calendar=calendar)
    return max((s.due_at for s in subitems if s.due_at), default=start)


def _merge_fields(
    chosen: list[BundleItem],
    profile: SharedProfile | None,
    *,
    scenario: Scenario,
    applicant_kind: str,
    choices_memo: ChoicesMemo,
) -> list[PlanField]:
    rules: Mapping[str, Mapping[str, str]] = scenario.field_rules or {}
    gender = profile.values.get("person.gender", "") if profile else ""
    merged: dict[str, PlanField] = {}
    for bi in chosen:
        for form_field in item_fields(bi.item):
            entry = merged.get(form_field.key)
            if entry is None:
                entry = merged[form_field.key] = _plan_field(
                    form_field,
                    rules.get(form_field.key, {}),
                    profile,
                    applicant_kind,
                    gender,
                    choices_memo,
                )
            entry.required = entry.required or form_field.required
            entry.items.append(bi.item.code)
    # A field that another one copies is needed whenever the copy is.
    for entry in merged.values():
        if entry.same_as in merged:
            merged[entry.same_as].required |= entry.required
    # A field that does not apply to this applicant is never required.
    for entry in merged.values():
        entry.required = entry.required and not entry.not_applicable
    return list(merged.values())


def _plan_field(
    form_field: FormField,
    rule: Mapping[str, str],
    profile: SharedProfile | None,
    applicant_kind: str,
    gender: str,
    choices_memo: ChoicesMemo,
) -> PlanField:
    """One field as this applicant meets it: settled, prefilled, not asked, or asked."""
    about = rule.get("about", "")
    entry = PlanField(
        key=form_field.key,
        label=f"{about}{form_field.label}" if about else form_field.label,
        field_type=form_field.field_type,
        required=form_field.required,
        choices=list(form_field.choices),
        prefill=None,
        fixed=rule.get("value"),
        same_as=rule.get("same_as", ""),
        by_employer=rule.get("party") == "employer" and applicant_kind == "person",
        only_gender=form_field.only_gender,
        not_applicable=rule.get("not_applicable", ""),
        not_applicable_in_scenario="not_applicable" in rule,
    )
    if form_field.only_gender and gender and gender != form_field.only_gender:
        entry.not_applicable = f"仅适用于{form_field.only_gender}性申请人"
    if entry.not_applicable:
        return entry  # neither asked nor prefilled: nothing is stored for it
    # A field about somebody else (the deceased) is never filled from the applicant's own records.
    paths = [] if about else [p for p in (rule.get("from", ""), form_field.prefill) if p]
    entry.source = paths[0] if paths else ""
    if form_field.field_type == FieldType.CARD_POINT:
        asked_of = None if about else profile
        memo_key = (form_field.field_type, asked_of is not None)
        if memo_key not in choices_memo:
            choices_memo[memo_key] = field_choices(form_field.field_type, asked_of)
        choices, nearest = choices_memo[memo_key]
        entry.choices = list(choices)
        entry.prefill = nearest  # the applicant may choose another
    if profile is None:
        return entry
    for path in paths:
        value = profile.values.get(path)
        # Shared data that does not fit the field (a 学历 outside its choices) is not used:
        # the applicant is asked instead of being handed a value the form would refuse.
        if value and not _misfit(entry, value):
            entry.prefill, entry.source = value, path
            break
    return entry


def _misfit(entry: PlanField, value: str) -> bool:
    return (
        field_value_error(
            field_type=entry.field_type, label=entry.label, choices=entry.choices, value=value
        )
        is not None
    )


def _merge_materials(
    chosen: list[BundleItem], profile: SharedProfile | None, *, assume_shared: bool = False
) -> list[PlanMaterial]:
    available = profile.sources if profile else set()
    # A certificate the scenario itself issues first is not asked for (申领 then 启用 the card).
    issued = _first_issued(chosen)
    merged: dict[str, PlanMaterial] = {}
    for bi in chosen:
        for material in item_materials(bi.item):
            if material.code in issued:
                continue
            entry = merged.get(material.code)
            if entry is None:
                entry = merged[material.code] = PlanMaterial(
                    code=material.code,
                    name=material.name,
                    kind=material.kind,
                    key=material.key,
                    commitment_allowed=material.commitment_allowed,
                    shared_source=material.shared_source,
                    from_shared_data=bool(material.shared_source)
                    and (assume_shared or material.shared_source in available),
                    needed_when=dict(material.needed_when or {}),
                )
            entry.items.append(bi.item.code)
    return list(merged.values())


def _burden(
    chosen: list[BundleItem],
    fields: list[PlanField],
    materials: list[PlanMaterial],
    *,
    assume_shared: bool = False,
) -> dict[str, Burden]:
    """What the applicant would face item by item vs through the bundle.

    separate: every item's own form, material list, application and — unless the item can
    be done fully online — its own visit. bundled: the fields the applicant actually types
    (asked, and not prefilled by shared data — with ``assume_shared``, not prefillable and
    asked of every applicant, not of one gender only), the
    merged material list minus what shared data provides and minus the items' application
    forms (generated from the one merged form), one application, and one visit only if some
    item cannot be done online. The one figure the guide, the apply page and the receipt show.
    """
    items = [bi.item for bi in chosen]
    offline = [i for i in items if i.onsite_required or not i.online]
    return {
        "fields": Burden(
            separate=sum(len(item_fields(i)) for i in items),
            bundled=sum(1 for f in fields if f.typed_by_anyone(assume_shared=assume_shared)),
        ),
        "materials": Burden(
            separate=sum(len(item_materials(i)) for i in items),
            bundled=sum(1 for m in materials if m.to_provide),
        ),
        "applications": Burden(separate=len(items), bundled=1 if items else 0),
        "visits": Burden(separate=len(offline), bundled=1 if offline else 0),
    }


def burden_as_submitted(burden: Mapping[str, Burden], *, visited: bool) -> dict[str, Burden]:
    """The burden an application stores and its receipt shows: the plan's figure, except that
    an application handed in at a window (``visited``) cost its applicant one visit even when
    every item could be done online. The guide's figure (no channel) is the plan's own."""
    result = dict(burden)
    visits = result.get("visits")
    if visited and visits is not None and visits.bundled < 1:
        result["visits"] = Burden(separate=visits.separate, bundled=1)
    return result
