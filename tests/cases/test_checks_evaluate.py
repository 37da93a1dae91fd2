"""智能审核 rules evaluated on form values: every kind, passing and failing, and nothing raises."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from kuaiban.catalogue.checks import KINDS, check_normalize, evaluate_checks
from tests.conftest import make_id_number

ON = dt.date(2025, 3, 12)
MAN_1965 = make_id_number(birth="19650312", seq="123")  # 17th digit 3: odd, 男
WOMAN_1975 = make_id_number(birth="19750312", seq="124")  # 17th digit 4: even, 女
LABELS = {
    "id_number": "公民身份号码",
    "contribution_months": "累计缴费月数",
    "retirement_date": "退休日期",
    "termination_date": "失业日期",
    "unemployment_reason": "失业原因",
    "claim_amount": "申领金额",
    "is_party_member": "是否中共党员",
    "contract_start": "合同起始日期",
    "contract_end": "合同终止日期",
}
RETIREMENT_AGE = {
    "key": "retirement_age",
    "label": "达到法定退休年龄",
    "kind": "age_min",
    "field": "id_number",
    "by_gender": {"男": 60, "女": 50},
}


def one(check: dict[str, Any], form: dict[str, str], *, on: dt.date = ON) -> tuple[bool, str]:
    [result] = evaluate_checks(checks=[check], form=form, on=on, labels=LABELS)
    assert set(result) == {"key", "label", "passed", "detail"}
    assert result["key"] == check.get("key", "?")
    return result["passed"], result["detail"]


def rule(kind: str, field: str, **params: Any) -> dict[str, Any]:
    return {"key": f"{kind}_{field}", "label": "规则", "kind": kind, "field": field, **params}


# ---------------------------------------------------------------------------------------------
# present


def test_present_passes_for_any_non_blank_value() -> None:
    assert one(rule("present", "termination_date"), {"termination_date": "2025-03-01"}) == (
        True,
        "已提供失业日期",
    )
    # "false" is an answer, not a gap.
    assert one(rule("present", "is_party_member"), {"is_party_member": "false"})[0] is True


@pytest.mark.parametrize("form", [{}, {"termination_date": ""}, {"termination_date": "   "}])
def test_present_fails_when_missing_or_blank(form: dict[str, str]) -> None:
    assert one(rule("present", "termination_date"), form) == (False, "未提供失业日期")


# ---------------------------------------------------------------------------------------------
# min / max


def test_min_passes_at_and_above_the_limit_and_fails_below() -> None:
    check = rule("min", "contribution_months", value=180)
    assert one(check, {"contribution_months": "180"}) == (True, "累计缴费月数为180，不低于180")
    assert one(check, {"contribution_months": "468"})[0] is True
    assert one(check, {"contribution_months": "179"}) == (False, "累计缴费月数为179，低于180")


def test_max_passes_at_and_below_the_limit_and_fails_above() -> None:
    check = rule("max", "claim_amount", value=5000.5)
    assert one(check, {"claim_amount": "5000.50"}) == (True, "申领金额为5000.5，不高于5000.5")
    assert one(check, {"claim_amount": "12.3"})[0] is True
    assert one(check, {"claim_amount": "5000.51"}) == (False, "申领金额为5000.51，高于5000.5")


@pytest.mark.parametrize("value", ["一百八十", "12个月", "NaN", "Infinity"])
def test_min_fails_clearly_on_a_value_that_is_not_a_number(value: str) -> None:
    passed, detail = one(
        rule("min", "contribution_months", value=180), {"contribution_months": value}
    )
    assert passed is False
    assert detail == f"累计缴费月数“{value}”不是数字"


# ---------------------------------------------------------------------------------------------
# equals / in


def test_equals_compares_text_and_shows_yes_no_in_chinese() -> None:
    check = rule("equals", "unemployment_reason", value="劳动合同期满终止")
    assert one(check, {"unemployment_reason": "劳动合同期满终止"}) == (
        True,
        "失业原因为“劳动合同期满终止”",
    )
    assert one(check, {"unemployment_reason": "本人原因离职"}) == (
        False,
        "失业原因为“本人原因离职”，应为“劳动合同期满终止”",
    )
    # A yes/no field holds "true"/"false"; YAML's true is normalised to the same text.
    party, _ = check_normalize(rule("equals", "is_party_member", value=True))
    assert party["value"] == "true"
    assert one(party, {"is_party_member": "true"}) == (True, "是否中共党员为“是”")
    assert one(party, {"is_party_member": "false"}) == (False, "是否中共党员为“否”，应为“是”")


def test_in_passes_for_a_listed_value_and_names_the_allowed_ones_otherwise() -> None:
    check = rule("in", "unemployment_reason", values=["劳动合同期满终止", "用人单位破产或关闭"])
    assert one(check, {"unemployment_reason": "用人单位破产或关闭"})[0] is True
    assert one(check, {"unemployment_reason": "本人原因离职"}) == (
        False,
        "失业原因为“本人原因离职”，不在允许的范围（劳动合同期满终止、用人单位破产或关闭）内",
    )


# ---------------------------------------------------------------------------------------------
# age_min


def test_age_min_uses_the_mans_threshold_from_the_17th_digit() -> None:
    assert one(RETIREMENT_AGE, {"id_number": MAN_1965}, on=dt.date(2025, 3, 12)) == (
        True,
        "男，1965-03-12出生，至申请日2025-03-12已满60周岁（要求60周岁）",
    )
    assert one(RETIREMENT_AGE, {"id_number": MAN_1965}, on=dt.date(2025, 3, 11)) == (
        False,
        "男，1965-03-12出生，至申请日2025-03-11为59周岁，未满60周岁",
    )


def test_age_min_uses_the_womans_threshold_from_the_17th_digit() -> None:
    assert one(RETIREMENT_AGE, {"id_number": WOMAN_1975}, on=dt.date(2025, 3, 12)) == (
        True,
        "女，1975-03-12出生，至申请日2025-03-12已满50周岁（要求50周岁）",
    )
    assert one(RETIREMENT_AGE, {"id_number": WOMAN_1975}, on=dt.date(2025, 3, 11))[0] is False
    # The same birth date is far too young for a man.
    man_1975 = make_id_number(birth="19750312", seq="011")
    assert one(RETIREMENT_AGE, {"id_number": man_1975}, on=dt.date(2025, 3, 12)) == (
        False,
        "男，1975-03-12出生，至申请日2025-03-12为50周岁，未满60周岁",
    )


def test_age_min_with_one_threshold_for_everyone_and_a_lower_case_x() -> None:
    check = rule("age_min", "id_number", value=16)
    born = "20090101"
    id_number = next(
        n for s in range(100, 999) if (n := make_id_number(birth=born, seq=str(s))).endswith("X")
    )
    assert one(check, {"id_number": id_number.lower()}, on=dt.date(2025, 1, 1))[0] is True
    assert one(check, {"id_number": id_number}, on=dt.date(2024, 12, 31))[0] is False


def test_age_min_counts_a_29_february_birthday_from_1_march_in_common_years() -> None:
    check = rule("age_min", "id_number", value=18)
    leapling = make_id_number(birth="20000229", seq="123")
    assert one(check, {"id_number": leapling}, on=dt.date(2018, 2, 28))[0] is False
    assert one(check, {"id_number": leapling}, on=dt.date(2018, 3, 1))[0] is True


def test_age_min_at_a_date_field_of_the_form() -> None:
    check = {**RETIREMENT_AGE, "at": "retirement_date"}
    form = {"id_number": MAN_1965, "retirement_date": "2025-03-12"}
    # Applied a week before the birthday, to retire on it: the age that counts is at retirement.
    assert one(check, form, on=dt.date(2025, 3, 3)) == (
        True,
        "男，1965-03-12出生，至退休日期2025-03-12已满60周岁（要求60周岁）",
    )
    assert one(check, {**form, "retirement_date": "2025-03-01"})[0] is False
    assert one(check, {"id_number": MAN_1965}) == (False, "未提供退休日期")
    assert one(check, {**form, "retirement_date": "2025-13-01"}) == (
        False,
        "退休日期“2025-13-01”不是日期",
    )


@pytest.mark.parametrize("value", ["370102196503121235", "12345", "37010219651312123X"])
def test_age_min_fails_clearly_on_an_invalid_id_number(value: str) -> None:
    assert one(RETIREMENT_AGE, {"id_number": value}) == (
        False,
        "公民身份号码不是有效的居民身份证号，无法计算年龄",
    )


# ---------------------------------------------------------------------------------------------
# dates


def test_date_not_after_today_compares_with_the_application_date() -> None:
    check = rule("date_not_after_today", "termination_date")
    assert one(check, {"termination_date": "2025-03-12"}) == (
        True,
        "失业日期为2025-03-12，不晚于申请日2025-03-12",
    )
    assert one(check, {"termination_date": "2025-03-13"}) == (
        False,
        "失业日期为2025-03-13，晚于申请日2025-03-12",
    )
    assert one(check, {"termination_date": "昨天"}) == (False, "失业日期“昨天”不是日期")


def test_date_not_before_a_fixed_date_or_another_field() -> None:
    fixed = rule("date_not_before", "termination_date", value="2024-01-01")
    assert one(fixed, {"termination_date": "2024-01-01"})[0] is True
    assert one(fixed, {"termination_date": "2023-12-31"}) == (
        False,
        "失业日期为2023-12-31，早于2024-01-01",
    )
    other = rule("date_not_before", "contract_end", other="contract_start")
    form = {"contract_start": "2025-01-01", "contract_end": "2027-12-31"}
    assert one(other, form) == (True, "合同终止日期为2027-12-31，不早于合同起始日期2025-01-01")
    assert one(other, {**form, "contract_end": "2024-12-31"})[0] is False
    assert one(other, {"contract_end": "2027-12-31"}) == (False, "未提供合同起始日期")


# ---------------------------------------------------------------------------------------------
# Missing values, labels, broken rules


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_fails_on_a_missing_value_with_a_clear_detail(kind: str) -> None:
    samples: dict[str, dict[str, Any]] = {
        "min": {"value": 1},
        "max": {"value": 1},
        "equals": {"value": "是"},
        "in": {"values": ["是"]},
        "age_min": {"value": 60},
        "retirement_age": {
            "men": {"original": 60, "from": "1965-01", "step": 4, "cap": 36},
            "women": {"original": 50, "from": "1975-01", "step": 2, "cap": 60},
        },
        "contribution_min": {"value": 180, "from": 2030, "per_year": 6, "max": 240},
        "date_not_before": {"value": "2020-01-01"},
        "date_within_months": {"months": 6},
        "not_in": {"values": ["是"]},
        "date_months_before": {"months": 12},
        "date_within_past_months": {"months": 6},
        "ratio_max": {"over": "employees_count", "value": 5.5},
    }
    params = samples.get(kind, {})
    check = rule(kind, "termination_date", **params)
    assert one(check, {"other": "x"}) == (False, "未提供失业日期")


def test_without_labels_the_field_key_is_named() -> None:
    [result] = evaluate_checks(checks=[rule("present", "phone")], form={}, on=ON)
    assert result == {
        "key": "present_phone",
        "label": "规则",
        "passed": False,
        "detail": "未提供phone",
    }


@pytest.mark.parametrize(
    "broken",
    [
        {"key": "a", "label": "年龄", "kind": "age_max", "field": "id_number", "value": 60},
        {"key": "a", "label": "年龄", "kind": "min", "field": "contribution_months"},
        {"key": "a", "label": "年龄", "kind": "min", "field": "contribution_months", "value": "x"},
        {"key": "a", "label": "年龄", "kind": "age_min", "field": "id_number"},
        {"key": "a", "label": "年龄", "kind": "present"},
        {"kind": "present", "field": "id_number"},
        {"key": "a", "label": "年龄", "kind": "present", "field": "id_number", "eval": "1+1"},
    ],
)
def test_a_broken_rule_fails_its_check_and_asks_for_a_person(broken: dict[str, Any]) -> None:
    # Rules are validated when a pack is loaded; one broken later (in the admin) must not
    # crash the review, and must never pass.
    [result] = evaluate_checks(
        checks=[broken], form={"id_number": MAN_1965, "contribution_months": "200"}, on=ON
    )
    assert result["passed"] is False
    assert result["detail"].startswith("审核规则有误（") and result["detail"].endswith("请人工审核")


def test_a_rule_that_is_not_a_mapping_fails_too() -> None:
    [result] = evaluate_checks(checks=["age >= 60"], form={}, on=ON)  # type: ignore[list-item]
    assert result == {
        "key": "?",
        "label": "?",
        "passed": False,
        "detail": "审核规则格式有误，请人工审核",
    }


def test_results_keep_the_order_of_the_checks_and_are_json() -> None:
    checks = [
        RETIREMENT_AGE,
        rule("min", "contribution_months", value=180),
        rule("present", "termination_date"),
    ]
    results = evaluate_checks(
        checks=checks,
        form={"id_number": MAN_1965, "contribution_months": "120"},
        on=ON,
        labels=LABELS,
    )
    assert [(r["key"], r["passed"]) for r in results] == [
        ("retirement_age", True),
        ("min_contribution_months", False),
        ("present_termination_date", False),
    ]
    assert json.loads(json.dumps(results, ensure_ascii=False)) == results


def test_no_checks_no_results() -> None:
    assert evaluate_checks(checks=[], form={"id_number": MAN_1965}, on=ON) == []


@pytest.mark.parametrize(
    ("kind", "params", "value", "expected"),
    [
        ("not_in", {"values": ["是"]}, "否", (True, "失业日期为“否”")),
        ("not_in", {"values": ["否"]}, "否", (False, "失业日期为“否”")),
        (
            "date_months_before",
            {"months": 12},
            "2024-03-01",
            (True, "失业日期为2024-03-01，至2025-03-01已满12个月"),
        ),
        (
            "date_months_before",
            {"months": 12},
            "2024-03-02",
            (False, "失业日期为2024-03-02，至2025-03-01不满12个月"),
        ),
        (
            "date_within_past_months",
            {"months": 6},
            "2024-09-01",
            (True, "失业日期为2024-09-01，在2025-03-01前6个月内"),
        ),
        (
            "date_within_past_months",
            {"months": 6},
            "2024-08-31",
            (False, "失业日期为2024-08-31，不在2025-03-01前6个月内"),
        ),
    ],
)
def test_the_kinds_added_for_proactive_rules(
    kind: str, params: dict[str, Any], value: str, expected: tuple[bool, str]
) -> None:
    check = rule(kind, "termination_date", **params)
    assert one(check, {"termination_date": value}, on=dt.date(2025, 3, 1)) == expected


def test_ratio_max_compares_without_dividing() -> None:
    check = rule("ratio_max", "layoffs", over="staff", value=5.5)
    assert one(check, {"layoffs": "11", "staff": "200"})[0] is True  # 5.5%
    assert one(check, {"layoffs": "12", "staff": "200"})[0] is False
    assert one(check, {"layoffs": "0", "staff": "0"})[0] is True  # no staff, no layoffs: no error
