"""The rules file: every shipped rule reads and passes its own test cases; mistakes are
reported with file:line and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.bundles.packfile.files import PackInvalid
from kuaiban.proactive.rulefile import rule_case_run, rules_read
from tests.proactive.conftest import CATALOGUE, RULES

GOOD = """\
version: "1"
rules:
  - code: sample
    title: 示例
    summary: 示例服务。
    target: person
    source: "004 第22条"
    period: year
    delivery: {mode: notify}
    conditions:
      - {key: insured, label: 正常参保, kind: equals, field: insurance.status, value: 正常参保}
    tests:
      - name: 参保
        as_of: 2026-12-01
        data: {insurance.status: 正常参保}
        eligible: true
"""


def _read(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        rules_read(path, catalogue_path=CATALOGUE)
    except PackInvalid as exc:
        return [str(p).replace(str(path), "rules.yaml") for p in exc.problems]
    return []


def test_shipped_rules_read_and_every_test_case_passes() -> None:
    specs = rules_read(RULES)
    assert {s.code for s in specs} == {
        "retirement",
        "survivors",
        "disability-lump-sum",
        "graduate-insurance-subsidy",
        "silent-certification",
        "certification-reminder",
        "stabilisation-refund",
    }
    for spec in specs:
        rule = spec.definition
        assert rule["source"] or rule["bureau_rule"]
        assert rule["tests"], spec.code
        for case in rule["tests"]:
            assert rule_case_run(rule=rule, case=case)["passed"], (spec.code, case["name"])


def test_retirement_schedule_comes_from_the_catalogue_item() -> None:
    (retirement,) = [s for s in rules_read(RULES) if s.code == "retirement"]
    condition = retirement.definition["conditions"][0]
    assert condition["men"] == {"original": 60, "from": "1965-01", "step": 4, "cap": 36}
    assert condition["women"][0]["original"] == 50


def test_a_good_file_has_no_problem(tmp_path: Path) -> None:
    assert _read(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "kind: equals",
            "kind: eval",
            "rules.yaml:11: 规则“sample”的条件“insured”：类型“eval”不能用于免申即办规则",
        ),
        (
            "field: insurance.status",
            "field: insurance.salary",
            "rules.yaml:11: 规则“sample”的条件“insured”：字段“insurance.salary”不在共享数据字段中",
        ),
        (
            'source: "004 第22条"',
            "basis: 本局",
            "rules.yaml:3: 规则“sample”须给出 source（种子出处）或 bureau_rule: true（本局自定），且只能其一",
        ),
        ("mode: notify", "mode: shout", "rules.yaml:9: 规则“sample”的 delivery的“mode”为“shout”"),
        (
            "eligible: true",
            "eligible: false",
            "rules.yaml:13: 规则“sample”的测试用例“参保”未通过：应不符合条件，实际符合",
        ),
    ],
)
def test_mistakes_are_reported_with_file_and_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    problems = _read(tmp_path, GOOD.replace(old, new))
    assert any(p.startswith(expected) for p in problems), problems


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    problems = _read(tmp_path, GOOD.replace("  - code: sample", "  - code: [sample"))
    assert problems and problems[0].startswith("rules.yaml:") and "YAML" in problems[0]


def test_an_invalid_id_number_in_a_test_case_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "data: {insurance.status: 正常参保}",
        'data: {insurance.status: 正常参保, person.id_number: "370102196612011236"}',
    )
    problems = _read(tmp_path, text)
    assert any("rules.yaml:15:" in p and "校验位" in p for p in problems), problems


def test_a_paying_bundle_is_only_for_a_grant_with_an_amount(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    delivery: {mode: notify}\n",
        '    delivery: {mode: notify}\n    service: {item: "1.8.9", pays: {pack: p, bundle: b, scenario: s}}\n',
    )
    problems = _read(tmp_path, text)
    assert any("service.pays 只用于有金额的 grant 规则" in p for p in problems)
    assert all(p.startswith("rules.yaml:") for p in problems)
