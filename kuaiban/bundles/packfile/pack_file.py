"""Parse and check a policy pack file against the catalogue."""

from __future__ import annotations

from typing import Any

from kuaiban.bundles.models import LimitSetBy, Mode
from kuaiban.bundles.packfile.extend_file import (
    Extending,
    omit_read,
    pack_extend,
    pick_read,
    speedup_list_read,
)
from kuaiban.bundles.packfile.policy import parse_provisions, parse_targets
from kuaiban.bundles.packfile.reader import LineDict, Problem
from kuaiban.bundles.packfile.specs import (
    BundleItemSpec,
    BundleSpec,
    ContactPointSpec,
    HotItemSpec,
    PackSpec,
    QuestionSpec,
    ScenarioSpec,
    SpeedUpSpec,
)
from kuaiban.bundles.packfile.values import ValueReader
from kuaiban.calendar.limits import (
    LimitUnit,
    TimeLimit,
    parallel_within_longest,
    promised_within_legal,
)
from kuaiban.catalogue.models import FieldType, ItemTarget
from kuaiban.catalogue.specs import CatalogueSpec
from kuaiban.core.text import is_ascii_digits
from kuaiban.shareddata.connectors import PREFILL_PATHS


def parse_pack(
    data: LineDict, *, file: str, catalogue: CatalogueSpec, parent: PackSpec | None = None
) -> tuple[PackSpec, list[Problem]]:
    """A pack file's spec and its problems; with ``parent``, the pack it `extends` resolved in."""
    reader = ValueReader(file)
    head = reader.mapping(data, "pack", where="政策包文件")
    region = reader.mapping(head, "region", where="pack")
    extends = reader.text(head, "extends", where="pack", required=False)
    pack = PackSpec(
        code=reader.text(head, "code", where="pack"),
        name=reader.text(head, "name", where="pack"),
        region_code=reader.text(region, "code", where="pack.region"),
        region_name=reader.text(region, "name", where="pack.region"),
        document=reader.text(head, "document", where="pack", required=False),
        issued=reader.date(head, "issued", where="pack"),
        # A place's pack rests on its own decision (`basis`), not on a seed document.
        seed=reader.text(head, "seed", where="pack", required=not extends),
        version=reader.text(head, "version", where="pack"),
        supplements=reader.text(head, "supplements", where="pack", required=False),
        basis=reader.text(head, "basis", where="pack", required=bool(extends)),
    )
    if pack.region_code and not (len(pack.region_code) == 6 and is_ascii_digits(pack.region_code)):
        reader.problem(region.line_of("code"), "pack.region.code 应为六位行政区划代码")
    checker = _ItemChecker(reader, catalogue)
    # A pack that extends another (a city's) or supplements one (Shandong 2023 → 2020) may add
    # no bundles of its own.
    bundle_rows = reader.mappings(
        data, "bundles", where="政策包文件", required=not (extends or pack.supplements)
    )
    for row in bundle_rows:
        pack.bundles.append(_bundle(reader, checker, row))
    _check_unique(reader, [(b.code, b.line) for b in pack.bundles], "一件事序号")
    picks = []
    for row in reader.mappings(data, "speedups", where="政策包文件"):
        if "province_seq" in row:
            picks.append(pick_read(reader, row))
        else:
            pack.speedups.extend(_speedup(reader, checker, row))
    for row in reader.mappings(data, "hot_items", where="政策包文件"):
        pack.hot_items.append(_hot_item(reader, checker, row))
    for row in reader.mappings(data, "contact_points", where="政策包文件"):
        pack.contact_points.append(_contact_point(reader, row))
    pack.targets = parse_targets(reader, data)
    pack.provisions = parse_provisions(reader, data, catalogue=catalogue)
    if "speedup_list" in data:
        pack.speedup_list = speedup_list_read(reader, data)
    _check_lists_unique(reader, pack)
    if extends:
        pack_extend(
            reader,
            pack,
            parent=parent,
            extending=Extending(
                code=extends,
                line=head.line_of("extends"),
                picks=picks,
                omit=omit_read(reader, data),
                speedups_line=data.line_of("speedups"),
            ),
            catalogue=catalogue,
        )
    else:
        for pick in picks:
            reader.problem(pick.line, "只有扩展上级政策包（extends）的政策包才能引用上级清单序号")
        if "omit" in data:
            reader.problem(data.line_of("omit"), "只有扩展上级政策包（extends）的政策包才有“omit”")
    own = pack.extension.own_bundles if pack.extension else None
    for bundle in pack.bundles:
        line = bundle.line if own is None or bundle.code in own else head.line_of("extends")
        _check_bundle_limit(reader, pack, catalogue, bundle, line=line)
    return pack, reader.problems


class _ItemChecker:
    """Checks an item reference: the code exists and the seed's wording is a known name."""

    def __init__(self, reader: ValueReader, catalogue: CatalogueSpec) -> None:
        self.reader = reader
        self.catalogue = catalogue

    def check(self, row: LineDict, *, where: str) -> tuple[str, str]:
        code = self.reader.text(row, "item", where=where)
        seed_name = self.reader.text(row, "as", where=where)
        item = self.catalogue.items.get(code)
        if code and item is None:
            self.reader.problem(row.line_of("item"), f"{where}引用了目录中不存在的事项“{code}”")
        elif item and seed_name and not item.known_as(seed_name):
            self.reader.problem(
                row.line_of("as"),
                f"{where}的名称“{seed_name}”既不是事项“{code} {item.name}”的名称也不是其别名",
            )
        return code, seed_name


def _bundle(reader: ValueReader, checker: _ItemChecker, row: LineDict) -> BundleSpec:
    code = reader.text(row, "code", where="一件事")
    where = f"一件事“{code}”"
    target = reader.choice(row, "target", ItemTarget.values, where=where)
    mode = reader.choice(row, "mode", Mode.values, where=where)
    questions = tuple(
        QuestionSpec(
            key=reader.text(q, "key", where=f"{where}的问题"),
            text=reader.text(q, "text", where=f"{where}的问题"),
        )
        for q in reader.mappings(row, "questions", where=where)
    )
    question_keys = {q.key for q in questions}
    if len(question_keys) != len(questions):
        reader.problem(row.line_of("questions"), f"{where}的问题键有重复")
    scenarios = tuple(
        _scenario(reader, checker, s, target=target, mode=mode, questions=question_keys)
        for s in reader.mappings(row, "scenarios", where=where, required=True)
    )
    if not scenarios:
        reader.problem(row.line, f"{where}没有任何具体场景")
    _check_unique(reader, [(s.code, s.line) for s in scenarios], f"{where}的场景编号")
    return BundleSpec(
        set_by=reader.choice(row, "set_by", LimitSetBy.values, where=where, required=False)
        or LimitSetBy.SEED,
        basis=reader.text(row, "basis", where=where, required=False),
        code=code,
        name=reader.text(row, "name", where=where),
        target=target,
        mode=mode,
        promised_limit=reader.limit(row, "promised_limit", where=where),
        lead=reader.text(row, "lead", where=where, required=False),
        notes=tuple(reader.strings(row, "notes", where=where)),
        source=reader.source(row, where=where),
        questions=questions,
        scenarios=scenarios,
        line=row.line,
    )


def _scenario(
    reader: ValueReader,
    checker: _ItemChecker,
    row: LineDict,
    *,
    target: str,
    mode: str,
    questions: set[str],
) -> ScenarioSpec:
    code = reader.text(row, "code", where="场景")
    where = f"场景“{code}”"
    scenario = ScenarioSpec(
        code=code,
        name=reader.text(row, "name", where=where),
        target=reader.choice(row, "target", ItemTarget.values, where=where, required=False)
        or target,
        mode=reader.choice(row, "mode", Mode.values, where=where, required=False) or mode,
        source=reader.source(row, where=where),
        items=tuple(
            spec
            for i in reader.mappings(row, "items", where=where, required=True)
            for spec in _scenario_entry(reader, checker, i, where=where, questions=questions)
        ),
        line=row.line,
        field_rules=_field_rules(reader, checker.catalogue, row, where=where),
        notes=tuple(reader.strings(row, "notes", where=where)),
    )
    # A scenario may have only optional items (Jiangsu's 全部可选 bundles): the applicant
    # then ticks at least one, which planning enforces.
    if not scenario.items:
        reader.problem(row.line, f"{where}没有任何事项")
    _check_unique(reader, [(i.item, i.line) for i in scenario.items], f"{where}中的事项")
    _check_stages(reader, scenario, where=where)
    return scenario


_RULE_KINDS = ("value", "same_as", "from", "party", "about", "not_applicable")
# `about`: the field describes somebody other than the applicant (逝者 in a death bundle); its
# label names them and the applicant's own records never prefill it.
_ABOUT_MAX = 8
# `not_applicable`: the field does not apply in this scenario (a flexible worker has no employer);
# the reason is shown to the applicant, so it stays one short sentence.
_REASON_MAX = 40


def _field_rules(
    reader: ValueReader, catalogue: CatalogueSpec, row: LineDict, *, where: str
) -> dict[str, dict[str, str]]:
    """`fields:` — values the scenario settles, so the applicant is not asked for them.

    Each entry names a field of one of the scenario's items and exactly one of: `value` (fixed
    by the scenario, e.g. 退休类别 in 7-1), `same_as` (another field of the scenario whose
    value it takes, e.g. 变动日期 = 退休日期), `from` (a shared-data path to prefill it from
    in this scenario, e.g. the person's employer's credit code), `party: employer` (only the
    employer can give it: a unit applying is asked, a person applying is not — the officer
    takes it from the employer's record), `about` (it describes somebody else, e.g. 逝者), or
    `not_applicable` (the field does not apply in this scenario; the value is the reason).
    """
    raw = row.get("fields")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.problem(row.line_of("fields"), f"{where}的“fields”应为“字段键: 规则”的映射")
        return {}
    entries = [e for e in row.get("items") or [] if isinstance(e, dict)]
    members = [m for e in entries for m in e.get("members") or [] if isinstance(m, dict)]
    own = {
        key
        for entry in entries + members
        if entry.get("item") in catalogue.items
        for key in catalogue.items[entry["item"]].fields
    }
    rules: dict[str, dict[str, str]] = {}
    for key, rule in raw.items():
        line = raw.line_of(key) if isinstance(raw, LineDict) else row.line
        problem = _field_rule_problem(catalogue, own, key, rule)
        if problem:
            reader.problem(line, f"{where}的字段规则“{key}”：{problem}")
        else:
            kind = next(k for k in _RULE_KINDS if k in rule)
            rules[key] = {kind: str(rule[kind]).strip()}
    for key, rule in rules.items():
        other = rules.get(rule.get("same_as", ""), {})
        if "same_as" in other or "party" in other or "not_applicable" in other:
            line = raw.line_of(key) if isinstance(raw, LineDict) else row.line
            reader.problem(
                line,
                f"{where}的字段规则“{key}”：“{rule['same_as']}”本身不由申请人填写，不能再被引用",
            )
    return rules


def _field_rule_problem(catalogue: CatalogueSpec, own: set[str], key: str, rule: Any) -> str:
    field = catalogue.fields.get(key)
    if key not in own or field is None:
        return "不是本场景任何事项的字段"
    if not isinstance(rule, dict) or sum(k in rule for k in _RULE_KINDS) != 1 or len(rule) != 1:
        return (
            "应为 {value: …}、{same_as: 字段键}、{from: 共享数据路径}、{party: employer}、"
            "{about: 所指的人} 或 {not_applicable: 理由} 中的一种"
        )
    if "value" in rule:
        value = str(rule["value"]).strip()
        if field.field_type == FieldType.CHOICE and value not in field.choices:
            return f"“{value}”不是该字段的可选值（{'、'.join(field.choices)}）"
        return ""
    if "same_as" in rule:
        other = catalogue.fields.get(str(rule["same_as"]))
        if str(rule["same_as"]) not in own or other is None or other.key == key:
            return f"“{rule['same_as']}”不是本场景的另一个字段"
        if other.field_type != field.field_type:
            return f"与“{other.key}”的类型不同（{field.field_type} / {other.field_type}）"
        return ""
    if "party" in rule:
        return "" if rule["party"] == "employer" else "“party”只能为 employer"
    if "about" in rule:
        about = str(rule["about"]).strip()
        return (
            "" if 0 < len(about) <= _ABOUT_MAX else f"“about”应为 1 至 {_ABOUT_MAX} 个字，如“逝者”"
        )
    if "not_applicable" in rule:
        reason = str(rule["not_applicable"]).strip()
        if 0 < len(reason) <= _REASON_MAX:
            return ""
        return f"“not_applicable”应写明不适用的理由（1 至 {_REASON_MAX} 个字），如“灵活就业人员无用人单位”"
    if str(rule["from"]) not in PREFILL_PATHS:
        return f"“{rule['from']}”不是共享数据提供的字段"
    return ""


def _scenario_entry(
    reader: ValueReader, checker: _ItemChecker, row: LineDict, *, where: str, questions: set[str]
) -> list[BundleItemSpec]:
    """An item row, or an item group that expands into its members (see `_group`)."""
    if "group" in row:
        return _group(reader, checker, row, where=where, questions=questions)
    return [_bundle_item(reader, checker, row, where=where, questions=questions)]


def _group(
    reader: ValueReader, checker: _ItemChecker, row: LineDict, *, where: str, questions: set[str]
) -> list[BundleItemSpec]:
    """`group:` — a seed row naming several items (“养老保险关系转移接续（含A；B）”).

    Each member becomes an item of the scenario on its own, so it reaches the form, the
    materials and the routing. A group of one member is that item. In a group of several, each
    member is optional and applies when its own question (`when`, else the group's) is answered
    yes or when it is ticked; a 必做 group then needs at least one chosen member (planning).
    """
    label = reader.text(row, "group", where=f"{where}的事项组")
    group_where = f"{where}的事项组“{label}”"
    required = reader.flag(row, "required", where=group_where)
    group_when = reader.text(row, "when", where=group_where, required=False)
    if group_when and group_when not in questions:
        reader.problem(row.line_of("when"), f"{group_where}引用了未定义的问题“{group_when}”")
    if group_when and required:
        reader.problem(row.line_of("when"), f"{group_where}是必做事项，不应设置触发问题")
    stage = _stage(reader, row, where=group_where)
    source = reader.source(row, where=group_where)
    members = reader.mappings(row, "members", where=group_where, required=True)
    if not members:
        reader.problem(row.line, f"{group_where}没有成员事项")
    single = len(members) == 1
    specs = []
    for member in members:
        code, seed_name = checker.check(member, where=f"{group_where}的成员")
        member_where = f"{group_where}的成员“{code}”"
        when = reader.text(member, "when", where=member_where, required=False)
        if when and when not in questions:
            reader.problem(member.line_of("when"), f"{member_where}引用了未定义的问题“{when}”")
        # A member the situation always needs (一次性工亡补助金 on every 工亡) may be required
        # on its own; only a member of a 必做 group can be.
        member_required = reader.flag(member, "required", where=member_where, default=False)
        if member_required and not required:
            reader.problem(
                member.line_of("required"), f"{member_where}所在事项组不是必做，成员不能必做"
            )
        member_required = member_required or (required and single)
        if when and member_required:
            reader.problem(member.line_of("when"), f"{member_where}是必做事项，不应设置触发问题")
        specs.append(
            BundleItemSpec(
                item=code,
                seed_name=seed_name,
                required=member_required,
                stage=stage,
                when="" if member_required else when or group_when,
                source=source,
                line=member.line,
                group=label,
                group_required=required,
            )
        )
    return specs


def _stage(reader: ValueReader, row: LineDict, *, where: str) -> int:
    stage = row.get("stage")
    if stage is not None and (isinstance(stage, bool) or not isinstance(stage, int) or stage < 1):
        reader.problem(row.line_of("stage"), f"{where}的阶段应为从1开始的整数")
        stage = 1
    return stage or 0


def _bundle_item(
    reader: ValueReader, checker: _ItemChecker, row: LineDict, *, where: str, questions: set[str]
) -> BundleItemSpec:
    code, seed_name = checker.check(row, where=f"{where}的事项")
    required = reader.flag(row, "required", where=f"{where}的事项“{code}”")
    when = reader.text(row, "when", where=where, required=False)
    if when and when not in questions:
        reader.problem(row.line_of("when"), f"{where}的事项“{code}”引用了未定义的问题“{when}”")
    if when and required:
        reader.problem(row.line_of("when"), f"{where}的事项“{code}”是必做事项，不应设置触发问题")
    return BundleItemSpec(
        item=code,
        seed_name=seed_name,
        required=required,
        stage=_stage(reader, row, where=f"{where}的事项“{code}”"),
        target=reader.choice(
            row, "target", ItemTarget.values, where=f"{where}的事项“{code}”", required=False
        ),
        when=when,
        source=reader.source(row, where=f"{where}的事项“{code}”"),
        line=row.line,
    )


def _check_stages(reader: ValueReader, scenario: ScenarioSpec, *, where: str) -> None:
    """Serial scenarios need stages 1..N without gaps; parallel ones have one stage."""
    missing = [i for i in scenario.items if i.stage == 0]
    if scenario.mode == Mode.SERIAL:
        for item in missing:
            reader.problem(item.line, f"{where}为串行办理，但事项“{item.item}”没有阶段（stage）")
        stages = sorted({i.stage for i in scenario.items if i.stage})
        if stages and stages != list(range(1, len(stages) + 1)):
            reader.problem(scenario.line, f"{where}的阶段应从1开始连续编号，实际为 {stages}")
        if len(scenario.items) > 1 and len(stages) == 1:
            reader.problem(scenario.line, f"{where}为串行办理，但所有事项都在同一阶段")
    else:
        for item in scenario.items:
            if item.stage > 1:
                reader.problem(
                    item.line, f"{where}为并行或整合办理，事项“{item.item}”不应有第{item.stage}阶段"
                )


def _check_unique(reader: ValueReader, keyed: list[tuple[str, int]], what: str) -> None:
    """Report each repeat at its own line, pointing back at the first entry."""
    first: dict[str, int] = {}
    for key, line in keyed:
        if not key:
            continue
        if key in first:
            reader.problem(line, f"{what}“{key}”重复（首次出现在第{first[key]}行）")
        else:
            first[key] = line


def _speedup(reader: ValueReader, checker: _ItemChecker, row: LineDict) -> list[SpeedUpSpec]:
    """One 提速办 row; a row naming a group (`group:` with `members:`) applies to every member."""
    seq = reader.integer(row, "seq", where="提速办事项")
    where = f"提速办事项序号{seq}"
    group = ""
    if "group" in row:
        group = reader.text(row, "group", where=where)
        members = reader.mappings(row, "members", where=where, required=True)
        if not members:
            reader.problem(row.line, f"{where}的事项组没有成员事项")
        named = [checker.check(m, where=f"{where}的成员") for m in members]
    else:
        named = [checker.check(row, where=where)]
    promised = reader.limit(
        row, "promised_limit", where=where, missing=f"{where}缺少提速后时限数值 promised_limit"
    ) or TimeLimit(LimitUnit.WORKING_DAYS, 0)
    legal = reader.limit(row, "legal_limit", where=where)
    if promised_within_legal(promised=promised, legal=legal):
        reader.problem(row.line_of("promised_limit"), f"{where}的提速后时限长于法定时限")
    legal_text = reader.text(row, "legal_text", where=where)
    promised_text = reader.text(row, "promised_text", where=where)
    set_by = reader.choice(row, "promised_set_by", LimitSetBy.values, where=where)
    source = reader.source(row, where=where)
    return [
        SpeedUpSpec(
            seq=seq,
            item=code,
            seed_name=seed_name,
            legal_text=legal_text,
            promised_text=promised_text,
            legal_limit=legal,
            promised_limit=promised,
            promised_set_by=set_by,
            source=source,
            line=row.line,
            group=group,
        )
        for code, seed_name in named
    ]


def _hot_item(reader: ValueReader, checker: _ItemChecker, row: LineDict) -> HotItemSpec:
    seq = reader.integer(row, "seq", where="热门高频事项")
    where = f"热门高频事项序号{seq}"
    code, seed_name = checker.check(row, where=where)
    channels = tuple(reader.strings(row, "channels", where=where))
    if not channels:
        reader.problem(row.line, f"{where}没有列出对接渠道")
    return HotItemSpec(
        seq=seq,
        item=code,
        seed_name=seed_name,
        channels=channels,
        source=reader.source(row, where=where),
        line=row.line,
    )


def _contact_point(reader: ValueReader, row: LineDict) -> ContactPointSpec:
    name = reader.text(row, "name", where="联系点")
    return ContactPointSpec(
        name=name,
        level=reader.text(row, "level", where=f"联系点“{name}”"),
        source=reader.source(row, where=f"联系点“{name}”"),
        line=row.line,
    )


def _check_lists_unique(reader: ValueReader, pack: PackSpec) -> None:
    # The members of one group row share its 序号 and its line.
    rows = list(dict.fromkeys((str(s.seq), s.line) for s in pack.speedups))
    _check_unique(reader, rows, "提速办事项序号")
    _check_unique(reader, [(s.item, s.line) for s in pack.speedups], "提速办清单中的事项")
    _check_unique(reader, [(str(h.seq), h.line) for h in pack.hot_items], "热门高频事项序号")
    _check_unique(reader, [(c.name, c.line) for c in pack.contact_points], "联系点")


def _check_bundle_limit(
    reader: ValueReader, pack: PackSpec, catalogue: CatalogueSpec, bundle: BundleSpec, *, line: int
) -> None:
    """Jiangsu rule: a parallel bundle's promised limit may not exceed its longest item's."""
    if bundle.promised_limit is None:
        return
    for scenario in bundle.scenarios:
        if scenario.mode == Mode.SERIAL:
            continue
        limits = [
            pack.promised_limit_of(catalogue.items[i.item])
            for i in scenario.items
            if i.item in catalogue.items
        ]
        if parallel_within_longest(promised=bundle.promised_limit, item_limits=limits):
            reader.problem(
                line,
                f"一件事“{bundle.code} {bundle.name}”并行办理，其承诺时限"
                f"{bundle.promised_limit.label()}超过了场景“{scenario.code}”中最长的单个事项时限",
            )
