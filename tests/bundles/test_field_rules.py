"""A scenario's `fields:` — values it settles so the applicant is not asked — read and checked
with file:line messages; and the catalogue's `only_gender`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.bundles.packfile.files import read_pack
from tests.bundles.helpers import (
    CATALOGUE_TEXT,
    PACK_TEXT,
    catalogue_problems,
    find_problem,
    line_of,
    pack_problems,
    replace_once,
    write_files,
)

ANCHOR = '        source: "900 附件1 序号7 7-1"\n'


def _with_rules(tmp_path: Path, rules: str) -> tuple[Path, str]:
    text = replace_once(PACK_TEXT, ANCHOR, ANCHOR + "        fields:\n" + rules)
    return write_files(tmp_path, pack=text), text


def test_every_kind_of_rule_is_read(tmp_path: Path) -> None:
    path, _ = _with_rules(
        tmp_path,
        "          retire_type: {value: 正常退休}\n"
        "          phone: {from: employment.unit_name}\n"
        "          unit_name: {party: employer}\n"
        "          bank_account: {same_as: phone}\n",
    )
    # bank_account has another type than phone: reported; the rest read.
    problems = pack_problems(path)
    assert [p.message for p in problems] == [
        "场景“7-1”的字段规则“bank_account”：与“phone”的类型不同（bank_account / phone）"
    ]
    path, _ = _with_rules(
        tmp_path,
        "          retire_type: {value: 正常退休}\n"
        "          phone: {from: employment.unit_name}\n"
        "          unit_name: {party: employer}\n"
        "          bank_account: {not_applicable: 本情形不发放待遇}\n",
    )
    [scenario] = [s for s in read_pack(path).spec.bundles[1].scenarios if s.code == "7-1"]
    assert scenario.field_rules == {
        "retire_type": {"value": "正常退休"},
        "phone": {"from": "employment.unit_name"},
        "unit_name": {"party": "employer"},
        "bank_account": {"not_applicable": "本情形不发放待遇"},
    }


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("retire_type: {value: 灵活就业}", "“灵活就业”不是该字段的可选值（正常退休、提前退休）"),
        ("hire_date: {value: 2025-01-01}", "不是本场景任何事项的字段"),
        ("retire_type: {value: 正常退休, party: employer}", "中的一种"),
        ("retire_type: 正常退休", "中的一种"),
        ("phone: {from: person.shoe_size}", "“person.shoe_size”不是共享数据提供的字段"),
        ("unit_name: {party: unit}", "“party”只能为 employer"),
        ("phone: {same_as: phone}", "“phone”不是本场景的另一个字段"),
        ("unit_name: {not_applicable: ''}", "“not_applicable”应写明不适用的理由"),
        ("unit_name: {not_applicable: " + "理" * 41 + "}", "（1 至 40 个字）"),
    ],
)
def test_a_wrong_rule_is_reported_at_its_line(tmp_path: Path, rule: str, says: str) -> None:
    path, text = _with_rules(tmp_path, f"          {rule}\n")
    find_problem(pack_problems(path), file=path, line=line_of(text, rule), contains=says)


def test_a_copy_of_a_field_nobody_types_is_reported(tmp_path: Path) -> None:
    path, text = _with_rules(
        tmp_path,
        "          unit_name: {party: employer}\n          person_name: {same_as: unit_name}\n",
    )
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(text, "person_name: {same_as"),
        contains="“unit_name”本身不由申请人填写",
    )


def test_a_copy_of_a_field_that_does_not_apply_is_reported(tmp_path: Path) -> None:
    path, text = _with_rules(
        tmp_path,
        "          unit_name: {not_applicable: 无用人单位}\n"
        "          person_name: {same_as: unit_name}\n",
    )
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(text, "person_name: {same_as"),
        contains="“unit_name”本身不由申请人填写",
    )


def test_only_gender_is_man_or_woman(tmp_path: Path) -> None:
    good = replace_once(
        CATALOGUE_TEXT, "    label: 退休类型\n", "    label: 退休类型\n    only_gender: 女\n"
    )
    write_files(tmp_path / "good", catalogue=good)
    assert catalogue_problems(tmp_path / "good" / "catalogue.yaml") == []
    bad = replace_once(
        CATALOGUE_TEXT, "    label: 退休类型\n", "    label: 退休类型\n    only_gender: 女性\n"
    )
    write_files(tmp_path / "bad", catalogue=bad)
    path = tmp_path / "bad" / "catalogue.yaml"
    find_problem(
        catalogue_problems(path),
        file=path,
        line=line_of(bad, "only_gender"),
        contains="应为 男 / 女",
    )
