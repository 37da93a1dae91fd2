"""`checks:` on catalogue items: read into plain data, and every mistake reported at its line."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.bundles.packfile.files import read_catalogue
from kuaiban.catalogue.models import ServiceItem
from kuaiban.catalogue.services import _item_values, catalogue_sync, spec_hash
from tests.bundles.helpers import (
    CATALOGUE_TEXT,
    catalogue_problems,
    find_problem,
    line_of,
    replace_once,
    write_files,
)

# The fixture's 1.6.1 has the fields person_name, id_number, phone, contribution_months
# (integer) and retire_type (choice 正常退休 / 提前退休); hire_date belongs to 1.1.5 only.
RETIRE_SOURCES = '    sources: ["900 附件1 序号7 必做事项1"]\n'
GOOD_CHECKS = """\
    checks:
      - key: retirement_age
        label: 达到法定退休年龄
        kind: age_min
        field: id_number
        by_gender: {男: 60, 女: 50}
      - {key: contribution_15_years, label: 累计缴费满15年, kind: min, field: contribution_months, value: 180}
      - {key: normal, label: 正常退休, kind: in, field: retire_type, values: [正常退休]}
      - {key: phone_given, label: 联系电话已提供, kind: present, field: phone}
"""
REAL_CATALOGUE = Path(settings.KUAIBAN_PACKS_DIR) / "catalogue.yaml"


def with_checks(tmp_path: Path, checks: str) -> tuple[Path, str]:
    """The fixture catalogue with ``checks`` on item 1.6.1; its path and text."""
    text = replace_once(CATALOGUE_TEXT, RETIRE_SOURCES, RETIRE_SOURCES + checks)
    write_files(tmp_path, catalogue=text)
    return tmp_path / "catalogue.yaml", text


def test_checks_are_read_as_plain_json_ready_data(tmp_path: Path) -> None:
    path, _ = with_checks(tmp_path, GOOD_CHECKS)
    item = read_catalogue(path).items["1.6.1"]
    assert item.checks == (
        {
            "key": "retirement_age",
            "label": "达到法定退休年龄",
            "kind": "age_min",
            "field": "id_number",
            "by_gender": {"男": 60, "女": 50},
        },
        {
            "key": "contribution_15_years",
            "label": "累计缴费满15年",
            "kind": "min",
            "field": "contribution_months",
            "value": 180,
        },
        {
            "key": "normal",
            "label": "正常退休",
            "kind": "in",
            "field": "retire_type",
            "values": ["正常退休"],
        },
        {"key": "phone_given", "label": "联系电话已提供", "kind": "present", "field": "phone"},
    )
    assert read_catalogue(path).items["1.1.5"].checks == ()
    assert json.loads(json.dumps(_item_values(item)["checks"])) == list(item.checks)


def test_an_unknown_kind_is_reported_at_its_line(tmp_path: Path) -> None:
    path, text = with_checks(
        tmp_path,
        """\
    checks:
      - key: retirement_age
        label: 达到法定退休年龄
        kind: age_max
        field: id_number
        value: 60
""",
    )
    problems = catalogue_problems(path)
    assert len(problems) == 1
    problem = find_problem(
        problems, file=path, line=line_of(text, "kind: age_max"), contains="类型“age_max”未知"
    )
    assert problem.message.startswith("事项“1.6.1”的审核规则“retirement_age”：")
    assert "present / min / max / equals / in / age_min" in problem.message


@pytest.mark.parametrize(
    ("check", "needle", "message"),
    [
        # A field of the catalogue, but not one of this item's fields.
        (
            "{key: a, label: 入职, kind: present, field: hire_date}",
            "field: hire_date",
            "字段“hire_date”不在本事项的 fields 列表中",
        ),
        # No such field anywhere.
        (
            "{key: a, label: 缴费, kind: min, field: contribution_years, value: 15}",
            "field: contribution_years",
            "字段“contribution_years”不在本事项的 fields 列表中",
        ),
        # A number rule on a choice field.
        (
            "{key: a, label: 类型, kind: min, field: retire_type, value: 1}",
            "field: retire_type",
            "字段“retire_type”的类型为 choice，min 类规则需要 integer / money",
        ),
        # An age rule needs an ID number.
        (
            "{key: a, label: 年龄, kind: age_min, field: phone, value: 60}",
            "field: phone",
            "字段“phone”的类型为 phone，age_min 类规则需要 id_number",
        ),
        # `at` names a date field of the item.
        (
            "{key: a, label: 年龄, kind: age_min, field: id_number, value: 60, at: phone}",
            "at: phone",
            "字段“phone”的类型为 phone，age_min 类规则需要 date",
        ),
    ],
)
def test_a_field_the_item_does_not_have_or_cannot_use(
    tmp_path: Path, check: str, needle: str, message: str
) -> None:
    path, text = with_checks(tmp_path, f"    checks:\n      - {check}\n")
    problems = catalogue_problems(path)
    assert len(problems) == 1, problems
    find_problem(problems, file=path, line=line_of(text, needle), contains=message)


def test_bad_parameters_each_at_their_own_line(tmp_path: Path) -> None:
    path, text = with_checks(
        tmp_path,
        """\
    checks:
      - key: contribution
        label: 累计缴费满15年
        kind: min
        field: contribution_months
        value: 一百八十
      - key: typo
        label: 缴费
        kind: max
        field: contribution_months
        vaule: 600
      - key: age_both
        label: 年龄
        kind: age_min
        field: id_number
        value: 60
        by_gender: {男: 60, 女: 50}
      - key: age_one_gender
        label: 年龄
        kind: age_min
        field: id_number
        by_gender: {男: 60}
      - key: age_silly
        label: 年龄
        kind: age_min
        field: id_number
        value: 600
      - key: since
        label: 日期
        kind: date_not_before
        field: id_number
        value: "2025-02-30"
      - key: choice
        label: 类型
        kind: equals
        field: retire_type
        value: 内退
      - key: empty_list
        label: 类型
        kind: in
        field: retire_type
        values: []
""",
    )
    problems = catalogue_problems(path)
    expected = [
        ("value: 一百八十", "审核规则“contribution”：参数“value”应为数字"),
        ("vaule: 600", "max 类规则没有参数“vaule”（可用参数：value）"),
        ("- key: typo", "审核规则“typo”：缺少参数“value”"),
        ("- key: age_both", "须给出 value 或 by_gender 中的一个（且只能一个）"),
        ("by_gender: {男: 60}", "参数“by_gender”应为 {男: 周岁, 女: 周岁}，两个性别都要给出"),
        ("value: 600", "参数“value”应为 1 至 150 之间的整数（周岁）"),
        ('value: "2025-02-30"', "参数“value”应为日期 YYYY-MM-DD"),
        ('field: id_number\n        value: "2025', "date_not_before 类规则需要 date"),
        ("value: 内退", "“内退”不是字段“retire_type”的可选值（正常退休、提前退休）"),
        ("values: []", "参数“values”应为非空列表"),
    ]
    for needle, message in expected:
        find_problem(problems, file=path, line=line_of(text, needle), contains=message)
    assert len(problems) == len(expected), "\n".join(map(str, problems))


def test_key_label_and_shape_mistakes(tmp_path: Path) -> None:
    path, text = with_checks(
        tmp_path,
        """\
    checks:
      - {key: phone_given, label: 电话, kind: present, field: phone}
      - {key: phone_given, label: 电话, kind: present, field: phone}
      - {key: Phone-Given, label: 电话, kind: present, field: phone}
      - {key: no_label, kind: present, field: phone}
      - {label: 无键, kind: present, field: phone}
      - 年龄 >= 60
""",
    )
    problems = catalogue_problems(path)
    find_problem(
        problems,
        file=path,
        line=line_of(text, "{key: phone_given", nth=2),
        contains="事项“1.6.1”的审核规则键“phone_given”重复",
    )
    find_problem(
        problems,
        file=path,
        line=line_of(text, "{key: Phone-Given"),
        contains="“key”应由小写字母、数字和下划线组成",
    )
    find_problem(problems, file=path, line=line_of(text, "{key: no_label"), contains="缺少“label”")
    find_problem(
        problems,
        file=path,
        line=line_of(text, "{label: 无键"),
        contains="事项“1.6.1”的第5条审核规则：缺少“key”",
    )
    find_problem(
        problems,
        file=path,
        line=line_of(text, "    checks:"),
        contains="事项“1.6.1”的“checks”中每一项都应为键值映射",
    )
    assert len(problems) == 5, "\n".join(map(str, problems))


def test_checks_must_be_a_list(tmp_path: Path) -> None:
    path, text = with_checks(tmp_path, "    checks: {kind: present, field: phone}\n")
    problems = catalogue_problems(path)
    assert len(problems) == 1
    find_problem(problems, file=path, line=line_of(text, "checks:"), contains="“checks”应为列表")


# ---------------------------------------------------------------------------------------------
# The real catalogue


def test_the_real_catalogue_has_the_expected_checks() -> None:
    items = read_catalogue(REAL_CATALOGUE).items
    retirement = {c["key"]: c for c in items["1.6.1"].checks}
    assert retirement["retirement_age"]["kind"] == "retirement_age"
    assert retirement["retirement_age"]["at"] == "retirement_date"
    assert retirement["contribution_min_years"]["kind"] == "contribution_min"
    assert retirement["contribution_min_years"]["at"] == "retirement_date"
    # The women's category field offers exactly the values the schedules are tied to.
    category = read_catalogue(REAL_CATALOGUE).fields["female_original_retirement_age"]
    tied = [s["choice"] for s in retirement["retirement_age"]["women"]]
    assert list(category.choices) == tied and not category.required
    unemployment = {c["field"] for c in items["1.8.1"].checks if c["kind"] == "present"}
    assert unemployment == {"termination_date", "unemployment_reason"}
    for code in ("1.10.1", "1.10.2", "1.10.7"):
        assert items[code].promised_limit.is_instant
        assert {c["field"] for c in items[code].checks} == {"id_number", "phone"}
    password = items["1.10.6"]
    assert {c["field"] for c in password.checks} == {"id_number", "phone", "card_password_request"}
    # No item is done by the system alone today: the platform performs none of their acts.
    assert [code for code, item in items.items() if item.system_performs] == []
    # Every field a check names is one of its item's fields (the validator guarantees it).
    for item in items.values():
        for check in item.checks:
            assert check["field"] in item.fields


def test_retirement_age_reform_is_sourced_next_to_the_data() -> None:
    text = REAL_CATALOGUE.read_text(encoding="utf-8")
    block = text[text.index('- code: "1.6.1"') : text.index('- code: "1.6.3"')]
    assert "# 判断:" in block and "不是种子" in block
    assert "《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》" in block
    assert "《国务院关于渐进式延迟法定退休年龄的办法》" in block
    # The pre-reform thresholds and the note that they await an update are gone; the original
    # ages remain only as the floor that even 弹性提前退休 may not go below, checked on submit.
    assert "改革前" not in block and block.count("by_gender") == 1
    floor = block[block.index("key: retirement_original_age") :]
    assert floor.index("by_gender: {男: 60, 女: 50}") < floor.index("on_submit: refuse")


LATER_ATTRIBUTES = {"checks", "system_performs", "fee", "first_issue"}


def test_an_item_without_checks_hashes_as_before_checks_existed() -> None:
    # Otherwise the first reload after this change would overwrite every administrator's edit.
    # The same holds for the later 秒办 and fee attributes at their defaults.
    item = read_catalogue(REAL_CATALOGUE).items["1.1.1"]
    assert item.checks == () and not item.system_performs and item.fee == ""
    before = {k: v for k, v in dataclasses.asdict(item).items() if k not in LATER_ATTRIBUTES}
    payload = json.dumps(before, sort_keys=True, ensure_ascii=False, default=str)
    assert spec_hash(item) == hashlib.sha256(payload.encode()).hexdigest()
    with_checks = read_catalogue(REAL_CATALOGUE).items["1.6.1"]
    without = dataclasses.replace(with_checks, checks=())
    assert spec_hash(with_checks) != spec_hash(without)
    assert spec_hash(dataclasses.replace(item, fee="工本费20元")) != spec_hash(item)
    assert spec_hash(dataclasses.replace(item, system_performs=True)) != spec_hash(item)
    issuing = dataclasses.replace(item, first_issue=("social_security_card",))
    assert spec_hash(issuing) != spec_hash(item)


@pytest.mark.django_db
def test_catalogue_sync_stores_the_checks(tmp_path: Path) -> None:
    path, _ = with_checks(tmp_path, GOOD_CHECKS)
    catalogue_sync(catalogue=read_catalogue(path))
    stored = ServiceItem.objects.get(code="1.6.1")
    assert [c["key"] for c in stored.checks] == [
        "retirement_age",
        "contribution_15_years",
        "normal",
        "phone_given",
    ]
    assert ServiceItem.objects.get(code="1.1.5").checks == []
    # Changing a check changes the entry: the next load updates the row.
    path, _ = with_checks(tmp_path, GOOD_CHECKS.replace("value: 180", "value: 240"))
    counts = catalogue_sync(catalogue=read_catalogue(path))
    assert counts["items"].updated == ["1.6.1"]
    stored.refresh_from_db()
    assert stored.checks[1]["value"] == 240
