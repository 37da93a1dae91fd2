"""The 2025 retirement reform as data: `retirement_age` and `contribution_min` checks.

The expected ages and months below are copied from the tables annexed to 《国务院关于渐进式延迟
法定退休年龄的办法》 (2024), not computed with the code's formula, so a wrong formula fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kuaiban.bundles.packfile.files import read_catalogue
from kuaiban.catalogue.checks import check_normalize, contribution_months_required, evaluate_checks
from tests.bundles.helpers import (
    CATALOGUE_TEXT,
    catalogue_problems,
    find_problem,
    line_of,
    replace_once,
    write_files,
)
from tests.conftest import make_id_number

ON = dt.date(2025, 1, 6)
LABELS = {
    "id_number": "公民身份号码",
    "retirement_date": "退休日期",
    "female_original_retirement_age": "女职工原法定退休年龄",
    "contribution_months": "累计缴费月数",
}
WORKER, CADRE = "50周岁（女工人）", "55周岁（女干部、管理和技术岗位）"
MEN: dict[str, Any] = {"original": 60, "from": "1965-01", "step": 4, "cap": 36}
WOMEN_50: dict[str, Any] = {"original": 50, "from": "1975-01", "step": 2, "cap": 60}
WOMEN_55: dict[str, Any] = {"original": 55, "from": "1970-01", "step": 4, "cap": 36}
RETIREMENT: dict[str, Any] = {
    "key": "retirement_age",
    "label": "退休时达到法定退休年龄",
    "kind": "retirement_age",
    "field": "id_number",
    "at": "retirement_date",
    "men": MEN,
    "women_field": "female_original_retirement_age",
    "women": [{**WOMEN_50, "choice": WORKER}, {**WOMEN_55, "choice": CADRE}],
}
CONTRIBUTION: dict[str, Any] = {
    "key": "contribution_min_years",
    "label": "累计缴费达到最低缴费年限",
    "kind": "contribution_min",
    "field": "contribution_months",
    "at": "retirement_date",
    "value": 180,
    "from": 2030,
    "per_year": 6,
    "max": 240,
}


def one(check: dict[str, Any], form: dict[str, str], *, on: dt.date = ON) -> tuple[bool, str]:
    [result] = evaluate_checks(checks=[check], form=form, on=on, labels=LABELS)
    return result["passed"], result["detail"]


def person(born: str, gender: str) -> str:
    """An ID number born on ``born`` (YYYYMMDD); the 17th digit odd for 男, even for 女."""
    return make_id_number(birth=born, seq="123" if gender == "男" else "124")


def month_start(month: str) -> dt.date:
    return dt.date.fromisoformat(f"{month}-01")


def month_before(month: str) -> dt.date:
    return month_start(month) - dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# retirement_age: the official tables' landmarks

LANDMARKS = [
    # gender, women's category, born (YYYYMM), new statutory age, month to retire
    ("男", "", "196412", "60岁", "2024-12"),
    ("男", "", "196501", "60岁1个月", "2025-02"),
    ("男", "", "196504", "60岁1个月", "2025-05"),
    ("男", "", "196505", "60岁2个月", "2025-07"),
    ("男", "", "196603", "60岁4个月", "2026-07"),
    ("男", "", "197608", "62岁11个月", "2039-07"),
    ("男", "", "197609", "63岁", "2039-09"),
    ("男", "", "198506", "63岁", "2048-06"),
    ("女", WORKER, "197412", "50岁", "2024-12"),
    ("女", WORKER, "197501", "50岁1个月", "2025-02"),
    ("女", WORKER, "197503", "50岁2个月", "2025-05"),
    ("女", WORKER, "198410", "54岁11个月", "2039-09"),
    ("女", WORKER, "198411", "55岁", "2039-11"),
    ("女", CADRE, "196912", "55岁", "2024-12"),
    ("女", CADRE, "197001", "55岁1个月", "2025-02"),
    ("女", CADRE, "197005", "55岁2个月", "2025-07"),
    ("女", CADRE, "198109", "58岁", "2039-09"),
]


@pytest.mark.parametrize(("gender", "category", "born", "age", "retire"), LANDMARKS)
def test_the_new_statutory_age_and_month_match_the_official_tables(
    gender: str, category: str, born: str, age: str, retire: str
) -> None:
    form = {
        "id_number": person(f"{born}15", gender),
        "retirement_date": month_start(retire).isoformat(),
        "female_original_retirement_age": category,
    }
    how = f"女职工原法定退休年龄为“{category}”，" if category else ""
    year, month = retire.split("-")
    facts = (
        f"{gender}，{born[:4]}年{born[4:]}月出生，{how}法定退休年龄{age}，"
        f"应于{year}年{month}月退休；至退休日期"
    )
    assert one(RETIREMENT, form) == (True, f"{facts}{month_start(retire).isoformat()}已达到")
    # The last day of the month before: one month short, and the rule says so.
    short = {**form, "retirement_date": month_before(retire).isoformat()}
    passed, detail = one(RETIREMENT, short)
    assert passed is False
    assert detail.startswith(f"{facts}{month_before(retire).isoformat()}未达到（差1个月）")


def test_a_man_born_in_may_1965_one_month_short_fails_and_the_officer_decides() -> None:
    form = {"id_number": person("19650520", "男"), "retirement_date": "2025-06-30"}
    assert one(RETIREMENT, form) == (
        False,
        "男，1965年05月出生，法定退休年龄60岁2个月，应于2025年07月退休；"
        "至退休日期2025-06-30未达到（差1个月）；"
        "已达到原法定退休年龄60周岁，如属弹性提前退休，由经办人员审核",
    )
    # Months count, not days: born on the 20th, he may retire from the 1st of his month.
    assert one(RETIREMENT, {**form, "retirement_date": "2025-07-01"})[0] is True


def test_below_the_original_age_there_is_no_word_of_flexible_retirement() -> None:
    form = {"id_number": person("19650520", "男"), "retirement_date": "2025-04-30"}
    assert one(RETIREMENT, form) == (
        False,
        "男，1965年05月出生，法定退休年龄60岁2个月，应于2025年07月退休；"
        "至退休日期2025-04-30未达到（差3个月）",
    )


def test_without_the_womans_category_the_50_schedule_applies_and_the_detail_says_so() -> None:
    woman_1970 = person("19700110", "女")
    form = {"id_number": woman_1970, "retirement_date": "2025-02-01"}
    # Blank: as a female worker (50 → 55), whose schedule had not started for births in 1970.
    assert one(RETIREMENT, form) == (
        True,
        "女，1970年01月出生，未提供女职工原法定退休年龄，按原法定退休年龄50周岁计算，"
        "法定退休年龄50岁，应于2020年01月退休；至退休日期2025-02-01已达到",
    )
    # A value no schedule names counts as not given, and is shown.
    assert one(RETIREMENT, {**form, "female_original_retirement_age": "不适用"})[1].startswith(
        "女，1970年01月出生，女职工原法定退休年龄为“不适用”，按原法定退休年龄50周岁计算，"
    )
    # As a cadre (55 → 58) the same woman retires at 55 and 1 month, in 2025-02.
    cadre = {**form, "female_original_retirement_age": CADRE}
    assert one(RETIREMENT, cadre) == (
        True,
        f"女，1970年01月出生，女职工原法定退休年龄为“{CADRE}”，"
        "法定退休年龄55岁1个月，应于2025年02月退休；至退休日期2025-02-01已达到",
    )
    assert one(RETIREMENT, {**cadre, "retirement_date": "2025-01-31"})[0] is False


def test_a_rule_without_a_category_field_uses_the_first_womens_schedule() -> None:
    check = {k: v for k, v in RETIREMENT.items() if k != "women_field"}
    check["women"] = WOMEN_50
    form = {"id_number": person("19841105", "女"), "retirement_date": "2039-11-01"}
    assert one(check, form) == (
        True,
        "女，1984年11月出生，按原法定退休年龄50周岁计算，"
        "法定退休年龄55岁，应于2039年11月退休；至退休日期2039-11-01已达到",
    )


def test_a_man_is_never_read_as_a_woman_whatever_the_category_field_says() -> None:
    form = {
        "id_number": person("19650115", "男"),
        "retirement_date": "2025-02-01",
        "female_original_retirement_age": WORKER,
    }
    assert one(RETIREMENT, form) == (
        True,
        "男，1965年01月出生，法定退休年龄60岁1个月，应于2025年02月退休；至退休日期2025-02-01已达到",
    )


def test_without_at_the_application_date_counts() -> None:
    check = {k: v for k, v in RETIREMENT.items() if k != "at"}
    form = {"id_number": person("19650115", "男")}
    assert one(check, form, on=dt.date(2025, 2, 3)) == (
        True,
        "男，1965年01月出生，法定退休年龄60岁1个月，应于2025年02月退休；至申请日2025-02-03已达到",
    )
    assert one(check, form, on=dt.date(2025, 1, 31))[0] is False


def test_the_schedule_is_data_not_code() -> None:
    # A bureau-side change of the numbers changes the outcome, with no change of code.
    slower = {**RETIREMENT, "men": {**MEN, "step": 6, "cap": 24}}
    form = {"id_number": person("19900101", "男"), "retirement_date": "2052-01-01"}
    assert one(RETIREMENT, form)[0] is False  # 63 under the law: 2053-01
    assert one(slower, form) == (
        True,
        "男，1990年01月出生，法定退休年龄62岁，应于2052年01月退休；至退休日期2052-01-01已达到",
    )


@pytest.mark.parametrize(
    ("form", "detail"),
    [
        ({"id_number": "12345"}, "公民身份号码不是有效的居民身份证号，无法计算法定退休年龄"),
        ({"id_number": make_id_number(birth="19650115")}, "未提供退休日期"),
        (
            {"id_number": make_id_number(birth="19650115"), "retirement_date": "2025-02-30"},
            "退休日期“2025-02-30”不是日期",
        ),
        ({}, "未提供公民身份号码"),
    ],
)
def test_retirement_age_fails_clearly_on_missing_or_bad_values(
    form: dict[str, str], detail: str
) -> None:
    assert one(RETIREMENT, form) == (False, detail)


# ---------------------------------------------------------------------------------------------
# contribution_min


@pytest.mark.parametrize(
    ("year", "months"),
    [
        (2025, 180),
        (2029, 180),
        (2030, 186),
        (2031, 192),
        (2035, 216),
        (2038, 234),
        (2039, 240),
        (2040, 240),
        (2045, 240),
    ],
)
def test_the_minimum_contribution_rises_6_months_a_year_from_2030_to_20_years(
    year: int, months: int
) -> None:
    check, problems = check_normalize(CONTRIBUTION)
    assert problems == []
    assert contribution_months_required(check, year=year) == months
    date = f"{year}-06-30"
    assert one(CONTRIBUTION, {"contribution_months": str(months), "retirement_date": date})[0]
    short = {"contribution_months": str(months - 1), "retirement_date": date}
    assert one(CONTRIBUTION, short)[1].endswith("，差1个月")


def test_contribution_min_details_give_the_year_and_the_figures() -> None:
    form = {"contribution_months": "180", "retirement_date": "2030-05-01"}
    assert one(CONTRIBUTION, form) == (
        False,
        "退休日期2030-05-01，2030年最低缴费年限为186个月（15年6个月）；累计缴费月数为180，差6个月",
    )
    assert one(CONTRIBUTION, {**form, "retirement_date": "2029-12-31"}) == (
        True,
        "退休日期2029-12-31，2029年最低缴费年限为180个月（15年）；累计缴费月数为180，已达到",
    )
    assert one(CONTRIBUTION, {**form, "contribution_months": "十五年"}) == (
        False,
        "累计缴费月数“十五年”不是数字",
    )
    assert one(CONTRIBUTION, {"contribution_months": "200"}) == (False, "未提供退休日期")
    without_at = {k: v for k, v in CONTRIBUTION.items() if k != "at"}
    assert one(without_at, {"contribution_months": "240"}, on=dt.date(2041, 3, 1)) == (
        True,
        "申请日2041-03-01，2041年最低缴费年限为240个月（20年）；累计缴费月数为240，已达到",
    )


# ---------------------------------------------------------------------------------------------
# Validation of the rule itself


def problems_of(check: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.param, p.message) for p in check_normalize(check)[1]]


def test_good_rules_read_into_json_ready_data_that_reads_back_the_same() -> None:
    for raw in (RETIREMENT, CONTRIBUTION):
        check, problems = check_normalize(raw)
        assert problems == []
        assert json.loads(json.dumps(check, ensure_ascii=False)) == check
        assert check_normalize(check) == (check, [])  # stored, then read again by the evaluator
    # One women's schedule may be given without a list.
    single = {k: v for k, v in RETIREMENT.items() if k != "women_field"}
    check, problems = check_normalize({**single, "women": WOMEN_50})
    assert problems == [] and check["women"] == [WOMEN_50]


@pytest.mark.parametrize(
    ("men", "message"),
    [
        (
            [60, 63],
            "参数“men”应为 {original: 原法定退休年龄, from: YYYY-MM, step: 月数, cap: 月数}",
        ),
        (
            {"original": 60, "from": "1965-13", "step": 0, "capp": 36},
            "参数“men”有误：没有“capp”（可用：original / from / step / cap）；"
            "“from”应为年月 YYYY-MM，如 1965-01；“step”应为 1 至 120 之间的整数（出生月数）；"
            "缺少“cap”",
        ),
        ({**MEN, "from": dt.date(1965, 1, 1)}, "参数“men”有误：“from”应为年月 YYYY-MM，如 1965-01"),
        ({**MEN, "from": "1965-1"}, "参数“men”有误：“from”应为年月 YYYY-MM，如 1965-01"),
        ({**MEN, "original": True}, "参数“men”有误：“original”应为 1 至 150 之间的整数（周岁）"),
        ({**MEN, "cap": 0}, "参数“men”有误：“cap”应为 1 至 120 之间的整数（月）"),
        ({**MEN, "cap": 3.5}, "参数“men”有误：“cap”应为 1 至 120 之间的整数（月）"),
        (
            {**MEN, "choice": "男"},
            "参数“men”有误：没有“choice”（可用：original / from / step / cap）",
        ),
    ],
)
def test_a_bad_mens_schedule_is_reported_with_every_mistake_named(men: Any, message: str) -> None:
    assert problems_of({**RETIREMENT, "men": men}) == [("men", message)]


@pytest.mark.parametrize(
    ("women", "message"),
    [
        (
            [],
            "参数“women”应为 {original: 原法定退休年龄, from: YYYY-MM, step: 月数, cap: 月数} 或其非空列表（第一项为默认）",
        ),
        (
            [{**WOMEN_50, "choice": WORKER}, {"original": 55, "from": "1970-01", "choice": CADRE}],
            "参数“women”第2项有误：缺少“step”；缺少“cap”",
        ),
        (
            [{**WOMEN_50, "choice": WORKER}, {**WOMEN_55, "choice": WORKER}],
            f"参数“women”choice“{WORKER}”重复",
        ),
        (
            [{**WOMEN_50, "choice": [WORKER]}],
            "参数“women”第1项有误：“choice”应为文字、数字或 true / false",
        ),
    ],
)
def test_a_bad_womens_schedule_is_reported(women: Any, message: str) -> None:
    assert problems_of({**RETIREMENT, "women": women}) == [("women", message)]


def test_the_category_field_and_the_choices_go_together() -> None:
    untied = {**RETIREMENT, "women": [WOMEN_50, WOMEN_55]}
    assert problems_of(untied) == [("women_field", "women 中没有一项用 choice 注明对应的字段值")]
    no_field = {k: v for k, v in RETIREMENT.items() if k != "women_field"}
    assert problems_of(no_field) == [("women", "women 中的 choice 须与参数“women_field”一起使用")]


def test_missing_parameters_and_a_bad_contribution_schedule() -> None:
    bare = {k: RETIREMENT[k] for k in ("key", "label", "kind", "field")}
    assert problems_of(bare) == [("", "缺少参数“men”"), ("", "缺少参数“women”")]
    assert problems_of({**CONTRIBUTION, "max": 120, "from": "2030", "per_year": 0}) == [
        ("from", "参数“from”应为 1900 至 2200 之间的整数（年份）"),
        ("per_year", "参数“per_year”应为 1 至 600 之间的整数（月）"),
        ("max", "参数“max”（120）不应小于“value”（180）"),
    ]
    assert problems_of({**CONTRIBUTION, "until": 2029}) == [
        (
            "until",
            "contribution_min 类规则没有参数“until”（可用参数：value / from / per_year / max / at）",
        )
    ]


def test_a_rule_broken_later_fails_its_check_instead_of_passing() -> None:
    broken = {**RETIREMENT, "men": {**MEN, "step": 0}}
    form = {"id_number": person("19500101", "男"), "retirement_date": "2025-01-01"}
    passed, detail = one(broken, form)
    assert passed is False
    assert detail == (
        "审核规则有误（参数“men”有误：“step”应为 1 至 120 之间的整数（出生月数）），请人工审核"
    )


# ---------------------------------------------------------------------------------------------
# In a catalogue file: each mistake at its line

RETIRE_SOURCES = '    sources: ["900 附件1 序号7 必做事项1"]\n'


def test_schedule_mistakes_in_a_catalogue_are_reported_at_their_lines(tmp_path: Path) -> None:
    # The fixture's 1.6.1 has id_number, phone, contribution_months (integer) and the choice
    # field retire_type (正常退休 / 提前退休), and no date field.
    checks = """\
    checks:
      - key: retirement_age
        label: 法定退休年龄
        kind: retirement_age
        field: id_number
        men: {original: 60, from: 1965-01, step: 4, cap: 360}
        women_field: retire_type
        women:
          - {original: 50, from: 1975-01, step: 2, cap: 60, choice: 正常退休}
          - {original: 55, from: 1970-01, step: 4, choice: 女干部}
      - key: wrong_fields
        label: 法定退休年龄
        kind: retirement_age
        field: phone
        men: {original: 60, from: 1965-01, step: 4, cap: 36}
        women: {original: 50, from: 1975-01, step: 2, cap: 60, choice: 女工人}
        women_field: retire_type
        at: phone
      - key: contribution
        label: 最低缴费年限
        kind: contribution_min
        field: retire_type
        value: 180
        from: 2030
        per_year: 6
        max: 150
"""
    text = replace_once(CATALOGUE_TEXT, RETIRE_SOURCES, RETIRE_SOURCES + checks)
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    problems = catalogue_problems(path)
    expected = [
        (
            "cap: 360}",
            "审核规则“retirement_age”：参数“men”有误：“cap”应为 1 至 120 之间的整数（月）",
        ),
        ("women:\n          - {", "参数“women”第2项有误：缺少“cap”"),
        ("field: phone", "字段“phone”的类型为 phone，retirement_age 类规则需要 id_number"),
        ("at: phone", "字段“phone”的类型为 phone，retirement_age 类规则需要 date"),
        (
            "women: {original: 50",
            "“女工人”不是字段“retire_type”的可选值（正常退休、提前退休）",
        ),
        (
            "field: retire_type\n        value",
            "字段“retire_type”的类型为 choice，contribution_min 类规则需要 integer",
        ),
        ("max: 150", "审核规则“contribution”：参数“max”（150）不应小于“value”（180）"),
    ]
    for needle, message in expected:
        find_problem(problems, file=path, line=line_of(text, needle), contains=message)
    assert len(problems) == len(expected), "\n".join(map(str, problems))


# ---------------------------------------------------------------------------------------------
# The real catalogue's 1.6.1 carries the law's numbers


def test_the_real_retirement_item_applies_the_reform() -> None:
    item = read_catalogue(Path(settings.KUAIBAN_PACKS_DIR) / "catalogue.yaml").items["1.6.1"]
    checks = {c["key"]: c for c in item.checks}
    age, contribution = checks["retirement_age"], checks["contribution_min_years"]
    assert (age["men"], age["women"]) == (
        MEN,
        [{**WOMEN_50, "choice": WORKER}, {**WOMEN_55, "choice": CADRE}],
    )
    assert [contribution_months_required(contribution, year=y) for y in (2029, 2030, 2039)] == [
        180,
        186,
        240,
    ]
    form = {
        "id_number": person("19650520", "男"),
        "retirement_date": "2025-07-01",
        "retirement_type": "达到法定退休年龄",
        "contribution_months": "186",
    }
    results = evaluate_checks(checks=item.checks, form=form, on=ON, labels=LABELS)
    assert all(r["passed"] for r in results)
    results = evaluate_checks(
        checks=item.checks, form={**form, "retirement_date": "2025-06-30"}, on=ON, labels=LABELS
    )
    assert [(r["key"], r["passed"]) for r in results] == [
        ("retirement_type_normal", True),
        ("retirement_original_age", True),
        ("retirement_date_near", True),
        ("retirement_age", False),
        ("contribution_min_years", True),
    ]
