"""Reading a proactive rules file (`packs/proactive/*.yaml`): every problem with file:line.

The format is in docs/PACK_FORMAT.md ("免申即办规则"). A rule's conditions are the 智能审核
language over shared-data paths (`language/conditions.py`); a `retirement_age` condition may
take its schedules from a catalogue item's own check (`schedules_of: "1.6.1"`), so the 2025
reform schedule has one source. Nothing is stored here: `services.rules_load` stores drafts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kuaiban.bundles.packfile.files import CATALOGUE_FILE_NAME, PackInvalid, read_catalogue
from kuaiban.bundles.packfile.reader import LineDict, PackFileError, read_yaml
from kuaiban.bundles.packfile.values import ValueReader
from kuaiban.catalogue.specs import CatalogueSpec
from kuaiban.core.identifiers import id_number_error
from kuaiban.proactive.language.amounts import amount_normalize
from kuaiban.proactive.language.conditions import condition_normalize
from kuaiban.proactive.language.fields import FIELDS, PERSON
from kuaiban.proactive.models import DeliveryMode, Target

_CODE = re.compile(r"^[a-z][a-z0-9-]*$")
PERIODS = ("once", "year", "month")
TRIGGERS = ("periodic", "retirement_age", "death_record")
SUBJECTS = ("self", "next_of_kin")
# A form value that is no shared-data path: the first day of next month (a retirement date).
NEXT_MONTH_START = "@next_month_start"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    line: int
    definition: dict[str, Any]

    @property
    def content_hash(self) -> str:
        text = json.dumps(self.definition, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def rules_read(path: Path, *, catalogue_path: Path | None = None) -> list[RuleSpec]:
    """The rules of a file, or `PackInvalid` with every problem (file:line: message)."""
    catalogue = read_catalogue(catalogue_path or path.parent.parent / CATALOGUE_FILE_NAME)
    try:
        data = read_yaml(path)
    except PackFileError as exc:
        raise PackInvalid([exc.problem]) from None
    reader = ValueReader(str(path))
    rules = reader.mappings(data, "rules", where="规则文件")
    specs: list[RuleSpec] = []
    seen: set[str] = set()
    for raw in rules:
        spec = _rule_read(reader, raw, catalogue=catalogue)
        if spec is None:
            continue
        if spec.code in seen:
            reader.problem(raw.line_of("code"), f"规则代码“{spec.code}”重复")
        seen.add(spec.code)
        specs.append(spec)
    if reader.problems:
        raise PackInvalid(reader.problems)
    return specs


def _rule_read(reader: ValueReader, raw: LineDict, *, catalogue: CatalogueSpec) -> RuleSpec | None:
    before = len(reader.problems)
    code = reader.text(raw, "code", where="规则")
    where = f"规则“{code}”"
    if code and not _CODE.match(code):
        reader.problem(raw.line_of("code"), f"{where}的代码应由小写字母、数字和连字符组成")
    target = reader.choice(raw, "target", Target.values, where=where)
    fields = FIELDS.get(target or PERSON, FIELDS[PERSON])
    out: dict[str, Any] = {
        "code": code,
        "title": reader.text(raw, "title", where=where),
        "target": target,
        "subject": reader.choice(raw, "subject", SUBJECTS, where=where, required=False) or "self",
        "period": reader.choice(raw, "period", PERIODS, where=where),
        "trigger": reader.choice(raw, "trigger", TRIGGERS, where=where, required=False)
        or "periodic",
        "region": reader.text(raw, "region", where=where, required=False),
        "exclusion_group": reader.text(raw, "exclusion_group", where=where, required=False) or None,
        "summary": reader.text(raw, "summary", where=where),
    }
    if out["subject"] == "next_of_kin" and target != PERSON:
        reader.problem(raw.line_of("subject"), f"{where}：next_of_kin 只用于个人规则")
    if out["region"] and not re.fullmatch(r"\d{2}(\d{2}){0,2}", out["region"]):
        reader.problem(raw.line_of("region"), f"{where}的 region 应为 2、4 或 6 位地区代码前缀")
    _basis_read(reader, raw, where=where, out=out)
    out["delivery"] = _delivery_read(reader, raw, where=where)
    out["service"] = _service_read(reader, raw, where=where, catalogue=catalogue)
    out["conditions"] = _conditions_read(
        reader, raw, where=where, fields=fields, catalogue=catalogue
    )
    formula, problems = amount_normalize(raw.get("amount"), fields=fields)
    for message in problems:
        reader.problem(raw.line_of("amount"), f"{where}的金额公式：{message}")
    out["amount"] = formula
    out["form"] = _form_read(reader, raw, where=where, fields=fields)
    out["materials_held"] = (
        reader.strings(raw, "materials_held", where=where) if "materials_held" in raw else []
    )
    for material in out["materials_held"]:
        if material not in catalogue.materials:
            reader.problem(
                raw.line_of("materials_held"), f"{where}：材料“{material}”不在事项目录中"
            )
    if len(reader.problems) > before:
        return None
    out["tests"] = _tests_read(reader, raw, where=where, rule=out, fields=fields)
    if len(reader.problems) > before:
        return None
    return RuleSpec(code=code, line=raw.line, definition=out)


def _basis_read(reader: ValueReader, raw: LineDict, *, where: str, out: dict[str, Any]) -> None:
    """Every rule has a `source` into its seed, or is the bureau's own with its `basis`."""
    source = reader.text(raw, "source", where=where, required=False)
    bureau = raw.get("bureau_rule")
    basis = reader.text(raw, "basis", where=where, required=False)
    if bool(source) == (bureau is True):
        reader.problem(
            raw.line,
            f"{where}须给出 source（种子出处）或 bureau_rule: true（本局自定），且只能其一",
        )
    if bureau is True and not basis:
        reader.problem(raw.line, f"{where}为本局自定规则，须写明 basis（依据）")
    out["source"], out["bureau_rule"], out["basis"] = source, bureau is True, basis


def _delivery_read(reader: ValueReader, raw: LineDict, *, where: str) -> dict[str, Any]:
    data = reader.mapping(raw, "delivery", where=where)
    if not data:
        return {}
    mode = reader.choice(data, "mode", DeliveryMode.values, where=f"{where}的 delivery")
    days = reader.integer(data, "days", where=f"{where}的 delivery", default=0)
    if mode == DeliveryMode.CONFIRM and days < 1:
        reader.problem(data.line_of("days"), f"{where}：confirm 须给出确认期限 days（≥1）")
    if mode == DeliveryMode.NOTIFY and days:
        reader.problem(data.line_of("days"), f"{where}：notify 没有期限，不应给出 days")
    return {"mode": mode, "days": days}


def _service_read(
    reader: ValueReader, raw: LineDict, *, where: str, catalogue: CatalogueSpec
) -> dict[str, Any] | None:
    if raw.get("service") is None:
        return None
    data = reader.mapping(raw, "service", where=where)
    if "item" in data:
        item = reader.text(data, "item", where=f"{where}的 service")
        if item and item not in catalogue.items:
            reader.problem(data.line_of("item"), f"{where}：事项“{item}”不在事项目录中")
        out: dict[str, Any] = {"item": item}
        if "pays" in data:
            # The single-item bundle whose application pays a granted amount (免申即享).
            pays = reader.mapping(data, "pays", where=f"{where}的 service")
            out["pays"] = {
                key: reader.text(pays, key, where=f"{where}的 service.pays")
                for key in ("pack", "bundle", "scenario")
            }
            mode = (raw.get("delivery") or {}).get("mode")
            if mode != DeliveryMode.GRANT or raw.get("amount") is None:
                reader.problem(
                    data.line_of("pays"), f"{where}：service.pays 只用于有金额的 grant 规则"
                )
        return out
    service = {
        "pack": reader.text(data, "pack", where=f"{where}的 service"),
        "bundle": reader.text(data, "bundle", where=f"{where}的 service"),
        "scenario": reader.text(data, "scenario", where=f"{where}的 service"),
        "items": reader.strings(data, "items", where=f"{where}的 service")
        if "items" in data
        else [],
        "answers": {},
    }
    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping) or not all(isinstance(v, bool) for v in answers.values()):
        reader.problem(data.line_of("answers"), f"{where}：answers 应为 {{问题键: true/false}}")
    else:
        service["answers"] = {str(k): v for k, v in answers.items()}
    return service


def _conditions_read(
    reader: ValueReader,
    raw: LineDict,
    *,
    where: str,
    fields: Mapping[str, Any],
    catalogue: CatalogueSpec,
) -> list[dict[str, Any]]:
    out = []
    keys: set[str] = set()
    for data in reader.mappings(raw, "conditions", where=where):
        data = _schedules_resolve(reader, data, where=where, catalogue=catalogue)
        condition, problems = condition_normalize(data, fields=fields)
        for problem in problems:
            line = (
                data.line_of(problem.path.split("[")[0].split(".")[0])
                if problem.path
                else data.line
            )
            reader.problem(line, f"{where}的条件“{data.get('key', '?')}”：{problem.message}")
        if condition.get("key") in keys:
            reader.problem(data.line_of("key"), f"{where}：条件 key“{condition['key']}”重复")
        keys.add(condition.get("key", ""))
        out.append(condition)
    if not out:
        reader.problem(raw.line_of("conditions"), f"{where}至少要有一个条件")
    return out


def _schedules_resolve(
    reader: ValueReader, data: LineDict, *, where: str, catalogue: CatalogueSpec
) -> LineDict:
    """`schedules_of: "<item>"` copies men/women of that item's `retirement_age` check."""
    if "schedules_of" not in data:
        return data
    code = str(data["schedules_of"])
    item = catalogue.items.get(code)
    check = next(
        (c for c in (item.checks if item else ()) if c.get("kind") == "retirement_age"), None
    )
    resolved = LineDict({k: v for k, v in data.items() if k != "schedules_of"})
    resolved.line, resolved.key_lines = data.line, dict(data.key_lines)
    if check is None:
        reader.problem(
            data.line_of("schedules_of"), f"{where}：事项“{code}”没有 retirement_age 审核规则"
        )
        return resolved
    resolved["men"] = dict(check["men"])
    resolved["women"] = [{k: v for k, v in check["women"][0].items() if k != "choice"}]
    return resolved


def _form_read(
    reader: ValueReader, raw: LineDict, *, where: str, fields: Mapping[str, Any]
) -> dict[str, str]:
    data = raw.get("form") or {}
    if not isinstance(data, Mapping):
        reader.problem(raw.line_of("form"), f"{where}：form 应为 {{表单字段: 共享数据路径}}")
        return {}
    out = {}
    for key, path in data.items():
        if str(path) not in fields and str(path) != NEXT_MONTH_START:
            reader.problem(
                raw.line_of("form"), f"{where}：form 中“{key}”的“{path}”不是共享数据字段"
            )
        out[str(key)] = str(path)
    return out


def _tests_read(
    reader: ValueReader,
    raw: LineDict,
    *,
    where: str,
    rule: Mapping[str, Any],
    fields: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Test cases: a subject's data → eligible or not (and the amount); each is run here."""
    out = []
    for data in reader.mappings(raw, "tests", where=where):
        name = reader.text(data, "name", where=f"{where}的测试用例")
        on = data.get("as_of")
        if not isinstance(on, dt.date):
            reader.problem(data.line_of("as_of"), f"{where}的测试用例“{name}”：as_of 应为日期")
            continue
        values = data.get("data")
        if not isinstance(values, Mapping):
            reader.problem(
                data.line_of("data"), f"{where}的测试用例“{name}”：data 应为 {{路径: 值}}"
            )
            continue
        unknown = [k for k in values if k not in fields]
        bad = [
            f"{k}“{v}”：{id_number_error(str(v))}"
            for k, v in values.items()
            if k in fields and fields[k].field_type == "id_number" and id_number_error(str(v))
        ]
        if bad:
            reader.problem(data.line_of("data"), f"{where}的测试用例“{name}”：{'；'.join(bad)}")
            continue
        if unknown:
            reader.problem(
                data.line_of("data"), f"{where}的测试用例“{name}”：未知字段 {'、'.join(unknown)}"
            )
            continue
        case = {
            "name": name,
            "on": on.isoformat(),
            "data": {
                k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
            },
            "eligible": data.get("eligible"),
            "amount": None
            if data.get("amount") is None
            else str(Decimal(str(data["amount"])).quantize(Decimal("0.01"))),
        }
        if not isinstance(case["eligible"], bool):
            reader.problem(
                data.line_of("eligible"), f"{where}的测试用例“{name}”：eligible 应为 true/false"
            )
            continue
        outcome = rule_case_run(rule=rule, case=case)
        if not outcome["passed"]:
            reader.problem(data.line, f"{where}的测试用例“{name}”未通过：{outcome['detail']}")
        out.append(case)
    if not out and not reader.problems:
        reader.problem(raw.line_of("tests"), f"{where}至少要有一个测试用例")
    return out


def rule_case_run(*, rule: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, Any]:
    """One test case against the rule in Python: passed, and what differed."""
    from kuaiban.proactive.explain import rule_evaluate

    verdict = rule_evaluate(rule=rule, values=case["data"], on=dt.date.fromisoformat(case["on"]))
    problems = []
    if verdict.eligible != case["eligible"]:
        failed = "；".join(f"{r.label}：{r.detail}" for r in verdict.results if not r.passed)
        problems.append(
            f"应{'符合' if case['eligible'] else '不符合'}条件，实际{'符合' if verdict.eligible else '不符合'}（{failed or '全部条件满足'}）"
        )
    if (
        case["eligible"]
        and case.get("amount") is not None
        and str(verdict.amount) != case["amount"]
    ):
        problems.append(f"金额应为 {case['amount']}，实际 {verdict.amount}")
    return {"name": case["name"], "passed": not problems, "detail": "；".join(problems)}
