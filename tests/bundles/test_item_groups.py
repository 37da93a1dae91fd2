"""Item groups (“…（含A；B）”): a group expands into its members, each an item on its own that
reaches the form, the materials and the routing; a 必做 group needs at least one member."""

from __future__ import annotations

import pytest

from kuaiban.bundles.models import BundleItem
from kuaiban.bundles.packfile.files import read_pack
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.bundles.services import pack_load
from kuaiban.core.errors import Unprocessable
from tests.bundles.helpers import (
    PACK_TEXT,
    SPRING_2025,
    find_problem,
    line_of,
    pack_problems,
    replace_once,
    write_files,
)

LABEL = "养老保险关系转移接续（含城镇职工基本养老保险关系转移接续申请；就业登记）"
ROW = """          - item: "1.6.12"
            as: 养老保险关系转移
            required: false
            stage: 1
            when: has_other_pension
            source: "900 附件1 序号7 7-1 情形事项1"
"""


def _group(*, required: str = "true", members: str = "") -> str:
    members = members or (
        '              - {item: "1.6.12", as: 城镇职工基本养老保险关系转移接续申请,'
        " when: has_other_pension}\n"
        '              - {item: "2.1.1", as: 就业登记}\n'
    )
    return (
        f"          - group: {LABEL}\n"
        f"            required: {required}\n"
        "            stage: 1\n"
        '            source: "900 附件1 序号7 7-1 必做事项3"\n'
        "            members:\n" + members
    )


def test_a_group_expands_into_its_members(tmp_path):
    path = write_files(tmp_path, pack=replace_once(PACK_TEXT, ROW, _group()))
    scenario = read_pack(path).spec.bundles[1].scenarios[0]
    members = [i for i in scenario.items if i.group]
    assert [(i.item, i.seed_name, i.required, i.when, i.stage) for i in members] == [
        ("1.6.12", "城镇职工基本养老保险关系转移接续申请", False, "has_other_pension", 1),
        ("2.1.1", "就业登记", False, "", 1),
    ]
    assert {(i.group, i.group_required, i.source) for i in members} == {
        (LABEL, True, "900 附件1 序号7 7-1 必做事项3")
    }


def test_the_one_member_of_a_required_group_is_required(tmp_path):
    one = '              - {item: "2.1.1", as: 就业登记}\n'
    path = write_files(tmp_path, pack=replace_once(PACK_TEXT, ROW, _group(members=one)))
    scenario = read_pack(path).spec.bundles[1].scenarios[0]
    (member,) = [i for i in scenario.items if i.group]
    assert (member.item, member.required, member.group_required) == ("2.1.1", True, True)


@pytest.mark.parametrize(
    ("members", "needle", "message"),
    [
        (
            '              - {item: "9.9.9", as: 不存在的事项}\n',
            '"9.9.9"',
            "引用了目录中不存在的事项“9.9.9”",
        ),
        (
            '              - {item: "2.1.1", as: 职工参保登记}\n',
            "as: 职工参保登记",
            "既不是事项“2.1.1 就业登记”的名称也不是其别名",
        ),
        (
            '              - {item: "2.1.1", as: 就业登记, when: no_such_question}\n'
            '              - {item: "1.6.12", as: 养老保险关系转移}\n',
            "no_such_question",
            "引用了未定义的问题“no_such_question”",
        ),
    ],
)
def test_every_member_is_checked_against_the_catalogue(tmp_path, members, needle, message):
    text = replace_once(PACK_TEXT, ROW, _group(members=members))
    path = write_files(tmp_path, pack=text)
    find_problem(pack_problems(path), file=path, line=line_of(text, needle), contains=message)


def test_a_required_member_needs_a_required_group(tmp_path):
    members = (
        '              - {item: "2.1.1", as: 就业登记, required: true}\n'
        '              - {item: "1.6.12", as: 养老保险关系转移}\n'
    )
    text = replace_once(PACK_TEXT, ROW, _group(required="false", members=members))
    path = write_files(tmp_path, pack=text)
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(text, "required: true}"),
        contains="所在事项组不是必做，成员不能必做",
    )


@pytest.fixture
def grouped(db, tmp_path):
    path = write_files(tmp_path, pack=replace_once(PACK_TEXT, ROW, _group()))
    return pack_load(path=path).pack


def _plan(**kwargs):
    bundle = bundle_get(pack_code="test-2020", bundle_code="7")
    return bundle_plan(bundle=bundle, scenario_code="7-1", start=SPRING_2025, **kwargs)


@pytest.mark.usefixtures("seeded_calendar", "grouped")
def test_each_member_is_stored_as_an_item_of_the_scenario():
    rows = BundleItem.objects.filter(scenario__code="7-1", group=LABEL).order_by("position")
    assert [(r.item.code, r.required, r.group_required) for r in rows] == [
        ("1.6.12", False, True),
        ("2.1.1", False, True),
    ]


@pytest.mark.usefixtures("seeded_calendar", "grouped")
def test_a_required_group_with_no_member_chosen_is_unprocessable():
    with pytest.raises(Unprocessable) as caught:
        _plan()
    assert caught.value.status == 422
    assert caught.value.fields == {"items": [f"“{LABEL}”为必做事项，请至少选择其中一项"]}


@pytest.mark.usefixtures("seeded_calendar", "grouped")
def test_the_answers_or_ticks_pick_the_members_that_apply():
    by_answer = _plan(answers={"has_other_pension": True})
    assert [(s.code, s.group) for s in by_answer.subitems if s.group] == [("1.6.12", LABEL)]
    by_tick = _plan(optional_items=["2.1.1"])
    assert [s.code for s in by_tick.subitems if s.group] == ["2.1.1"]

    # The chosen member's own materials and fields reach the merged form, the other's do not.
    def asked_for(plan, code):
        materials = {m.code for m in plan.materials if code in m.items}
        return materials, {f.key for f in plan.fields if code in f.items}

    assert asked_for(by_answer, "1.6.12") == (
        {"id_card", "insurance_proof"},
        {"person_name", "id_number", "unit_name"},
    )
    assert asked_for(by_answer, "2.1.1") == (set(), set())
    assert asked_for(by_tick, "2.1.1") == ({"id_card"}, {"person_name", "id_number", "phone"})
    assert asked_for(by_tick, "1.6.12") == (set(), set())


SPEEDUP_ROW = """  - seq: 2
    item: "1.6.12"
    as: 城镇职工基本养老保险关系转移接续申请
"""
SPEEDUP_GROUP = """  - seq: 2
    group: 转移接续（含城镇职工基本养老保险关系转移接续申请；就业登记）
    members:
      - {item: "1.6.12", as: 城镇职工基本养老保险关系转移接续申请}
      - {item: "%s", as: 就业登记}
"""


def test_a_speed_up_row_naming_a_group_applies_to_every_member(tmp_path):
    path = write_files(tmp_path, pack=replace_once(PACK_TEXT, SPEEDUP_ROW, SPEEDUP_GROUP % "2.1.1"))
    rows = [s for s in read_pack(path).spec.speedups if s.seq == 2]
    assert [(s.item, s.seed_name) for s in rows] == [
        ("1.6.12", "城镇职工基本养老保险关系转移接续申请"),
        ("2.1.1", "就业登记"),
    ]
    assert {(s.promised_limit.value, s.group, s.source) for s in rows} == {
        (15, "转移接续（含城镇职工基本养老保险关系转移接续申请；就业登记）", "900 附件2 序号2")
    }


@pytest.mark.usefixtures("seeded_calendar")
def test_a_group_speed_up_gives_each_member_its_limit(db, tmp_path):
    path = write_files(tmp_path, pack=replace_once(PACK_TEXT, SPEEDUP_ROW, SPEEDUP_GROUP % "2.1.1"))
    pack = pack_load(path=path).pack
    limits = {s.item.code: (s.seq, s.promised_limit_value) for s in pack.speedups.all()}
    assert limits == {"1.6.1": (1, 5), "1.6.12": (2, 15), "2.1.1": (2, 15)}


def test_a_speed_up_group_member_must_be_a_catalogue_item(tmp_path):
    text = replace_once(PACK_TEXT, SPEEDUP_ROW, SPEEDUP_GROUP % "9.9.9")
    path = write_files(tmp_path, pack=text)
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(text, '"9.9.9"'),
        contains="提速办事项序号2的成员引用了目录中不存在的事项“9.9.9”",
    )
