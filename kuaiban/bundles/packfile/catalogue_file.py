"""Parse and check `packs/catalogue.yaml`: materials, form fields and service items."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kuaiban.bundles.citations import citation_problem
from kuaiban.bundles.packfile.reader import LineDict, Problem
from kuaiban.bundles.packfile.values import ValueReader
from kuaiban.calendar.limits import LimitUnit, TimeLimit, promised_within_legal
from kuaiban.catalogue.checks import check_normalize
from kuaiban.catalogue.models import (
    CASE_AGENCY_KINDS,
    FieldType,
    ItemTarget,
    MaterialKind,
    SharedSource,
    system_approval_problem,
)
from kuaiban.catalogue.specs import CatalogueSpec, FieldSpec, ItemSpec, MaterialSpec
from kuaiban.shareddata.connectors import PREFILL_PATHS


def parse_catalogue(data: LineDict, *, file: str) -> tuple[CatalogueSpec, list[Problem]]:
    reader = ValueReader(file)
    catalogue = CatalogueSpec(version=reader.text(data, "version", where="目录文件"))
    conditions: dict[str, LineDict] = {}  # material code → its `needed_when`, read once fields are
    for row in reader.mappings(data, "materials", where="目录文件", required=True):
        _add_material(reader, catalogue, row, conditions)
    for row in reader.mappings(data, "fields", where="目录文件", required=True):
        _add_field(reader, catalogue, row)
    for code, raw in conditions.items():
        _material_condition(reader, catalogue, code, raw)
    owners: dict[str, str] = {}  # name or alias → the item that uses it first
    for row in reader.mappings(data, "items", where="目录文件", required=True):
        item = _add_item(reader, catalogue, row)
        if item is not None:
            _check_unique_names(reader, item, row, owners)
    return catalogue, reader.problems


def _add_material(
    reader: ValueReader, catalogue: CatalogueSpec, row: LineDict, conditions: dict[str, LineDict]
) -> None:
    code = reader.text(row, "code", where="材料")
    where = f"材料“{code}”"
    spec = MaterialSpec(
        code=code,
        name=reader.text(row, "name", where=where),
        kind=reader.choice(row, "kind", MaterialKind.values, where=where),
        shared_source=reader.choice(
            row, "shared_source", SharedSource.values, where=where, required=False
        ),
        commitment_allowed=reader.flag(row, "commitment_allowed", where=where, default=False),
        key=reader.flag(row, "key", where=where, default=False),
    )
    if code in catalogue.materials:
        reader.problem(row.line, f"材料代码“{code}”重复")
    elif code:
        catalogue.materials[code] = spec
        condition = row.get("needed_when")
        if isinstance(condition, LineDict):
            conditions[code] = condition
        elif condition is not None:
            reader.problem(row.line_of("needed_when"), f"{where}的“needed_when”应为键值映射")


def _material_condition(
    reader: ValueReader, catalogue: CatalogueSpec, code: str, raw: LineDict
) -> None:
    """`needed_when`: one 智能审核 rule on a catalogue field (its key and label are implied)."""
    spec = catalogue.materials[code]
    where = f"材料“{code}”的需要条件"
    for name in ("key", "label", "on_submit"):
        if name in raw:
            reader.problem(raw.line_of(name), f"{where}不用写“{name}”")
    rule = {k: v for k, v in raw.items() if k not in ("key", "label", "on_submit")}
    rule |= {"key": "needed_when", "label": f"需提供“{spec.name}”"}
    known = isinstance(rule.get("field"), str) and rule["field"] in catalogue.fields
    if not known and "field" in rule:
        reader.problem(
            raw.line_of("field"), f"{where}：字段“{rule['field']}”未在目录的 fields 中定义"
        )
    check, problems = check_normalize(rule, fields=catalogue.fields if known else None)
    for problem in problems:
        reader.problem(raw.line_of(problem.param), f"{where}：{problem.message}")
    if known and not problems:
        catalogue.materials[code] = replace(spec, needed_when=check)


def _add_field(reader: ValueReader, catalogue: CatalogueSpec, row: LineDict) -> None:
    key = reader.text(row, "key", where="字段")
    where = f"字段“{key}”"
    field_type = reader.choice(row, "type", FieldType.values, where=where)
    choices = tuple(reader.strings(row, "choices", where=where))
    if field_type == FieldType.CHOICE and not choices:
        reader.problem(row.line, f"{where}为选项类字段，但没有给出 choices")
    prefill = reader.text(row, "prefill", where=where, required=False)
    if prefill and prefill not in PREFILL_PATHS:
        reader.problem(
            row.line_of("prefill"), f"{where}的预填来源“{prefill}”不是共享数据提供的字段"
        )
    spec = FieldSpec(
        key=key,
        label=reader.text(row, "label", where=where),
        field_type=field_type,
        required=reader.flag(row, "required", where=where, default=True),
        prefill=prefill,
        choices=choices,
        only_gender=reader.choice(row, "only_gender", ["男", "女"], where=where, required=False),
    )
    if key in catalogue.fields:
        reader.problem(row.line, f"字段键“{key}”重复")
    elif key:
        catalogue.fields[key] = spec


def _add_item(reader: ValueReader, catalogue: CatalogueSpec, row: LineDict) -> ItemSpec | None:
    code = reader.text(row, "code", where="事项")
    where = f"事项“{code}”"
    promised = reader.limit(
        row, "promised_limit", where=where, missing=f"{where}缺少承诺时限 promised_limit"
    ) or TimeLimit(LimitUnit.WORKING_DAYS, 0)
    legal = reader.limit(row, "legal_limit", where=where)
    problem = promised_within_legal(promised=promised, legal=legal)
    if problem:
        reader.problem(row.line_of("promised_limit"), f"{where}的{problem}")
    fields = tuple(reader.strings(row, "fields", where=where))
    spec = ItemSpec(
        code=code,
        name=reader.text(row, "name", where=where),
        aliases=tuple(reader.strings(row, "aliases", where=where)),
        category=reader.text(row, "category", where=where),
        agency_kind=reader.choice(row, "agency", [k.value for k in CASE_AGENCY_KINDS], where=where),
        target=reader.choice(row, "target", ItemTarget.values, where=where),
        legal_limit=legal,
        promised_limit=promised,
        online=reader.flag(row, "online", where=where, default=True),
        onsite_required=reader.flag(row, "onsite_required", where=where, default=False),
        pays_money=reader.flag(row, "pays_money", where=where, default=False),
        materials=tuple(reader.strings(row, "materials", where=where)),
        fields=fields,
        sources=_sources(reader, row, where=where),
        checks=_item_checks(reader, catalogue, row, fields, where=where),
        system_performs=reader.flag(row, "system_performs", where=where, default=False),
        fee=reader.text(row, "fee", where=where, required=False),
        first_issue=tuple(reader.strings(row, "first_issue", where=where)),
    )
    for material in spec.first_issue:
        issued = catalogue.materials.get(material)
        if issued is None or issued.kind != MaterialKind.CERTIFICATE:
            reader.problem(
                row.line_of("first_issue"), f"{where}的 first_issue“{material}”不是目录中的证照材料"
            )
    problem = system_approval_problem(
        system_performs=spec.system_performs, pays_money=spec.pays_money
    )
    if problem:
        reader.problem(row.line_of("system_performs"), f"{where}：{problem}")
    for material in spec.materials:
        if material not in catalogue.materials:
            reader.problem(row.line_of("materials"), f"{where}引用了未定义的材料“{material}”")
    for key in spec.fields:
        if key not in catalogue.fields:
            reader.problem(row.line_of("fields"), f"{where}引用了未定义的字段“{key}”")
    for material in spec.materials:
        condition = (
            catalogue.materials[material].needed_when if material in catalogue.materials else {}
        )
        if condition and condition["field"] not in spec.fields:
            reader.problem(
                row.line_of("materials"),
                f"{where}的材料“{material}”按字段“{condition['field']}”决定是否需要，"
                "但该事项的表单没有这个字段",
            )
    if len(set(spec.materials)) != len(spec.materials):
        reader.problem(row.line_of("materials"), f"{where}的材料列表有重复")
    if len(set(spec.fields)) != len(spec.fields):
        reader.problem(row.line_of("fields"), f"{where}的字段列表有重复")
    if code in catalogue.items:
        reader.problem(row.line, f"事项编码“{code}”重复")
        return None
    if not code:
        return None
    catalogue.items[code] = spec
    return spec


def _item_checks(
    reader: ValueReader,
    catalogue: CatalogueSpec,
    row: LineDict,
    own: tuple[str, ...],
    *,
    where: str,
) -> tuple[dict[str, Any], ...]:
    """The item's 智能审核 rules, each checked against the item's own fields."""
    fields = {key: catalogue.fields[key] for key in own if key in catalogue.fields}
    checks: list[dict[str, Any]] = []
    for n, raw in enumerate(reader.mappings(row, "checks", where=where), start=1):
        check, problems = check_normalize(raw, fields=fields)
        name = f"审核规则“{check['key']}”" if check.get("key") else f"第{n}条审核规则"
        for problem in problems:
            reader.problem(raw.line_of(problem.param), f"{where}的{name}：{problem.message}")
        if check.get("key") and check["key"] in {c.get("key") for c in checks}:
            reader.problem(raw.line_of("key"), f"{where}的审核规则键“{check['key']}”重复")
        checks.append(check)
    return tuple(checks)


def _check_unique_names(
    reader: ValueReader, item: ItemSpec, row: LineDict, owners: dict[str, str]
) -> None:
    """One item, one name: a name or alias used by two items would make packs ambiguous.

    Reported at the later item's `name` or `aliases` line, where the reuse is.
    """
    for key, names in (("name", (item.name,)), ("aliases", item.aliases)):
        for name in names:
            owner = owners.setdefault(name, item.code)
            if owner != item.code:
                reader.problem(
                    row.line_of(key), f"名称“{name}”同时属于事项“{owner}”和“{item.code}”"
                )


def _sources(reader: ValueReader, row: LineDict, *, where: str) -> tuple[str, ...]:
    """The item's citation labels, each checked against the one scheme."""
    labels = tuple(reader.strings(row, "sources", where=where))
    for label in labels:
        problem = citation_problem(label)
        if problem:
            reader.problem(row.line_of("sources"), f"{where}：{problem}")
    return labels
