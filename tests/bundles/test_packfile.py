"""Reading and checking pack and catalogue files: every problem with its file, line and message."""

from __future__ import annotations

import hashlib

import pytest

from kuaiban.bundles.packfile.files import PackInvalid, read_catalogue, read_pack
from kuaiban.bundles.packfile.reader import PackFileError, parse_yaml
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from tests.bundles.helpers import (
    CATALOGUE_PATH,
    CATALOGUE_TEXT,
    PACK_PATH,
    PACK_TEXT,
    catalogue_problems,
    find_problem,
    line_of,
    pack_problems,
    replace_once,
    write_files,
)

# ---------------------------------------------------------------------------------------------
# The valid fixtures


def test_fixture_pack_is_valid_and_read_completely():
    pack_file = read_pack(PACK_PATH)
    spec = pack_file.spec

    assert (spec.code, spec.region_code, spec.region_name, spec.version) == (
        "test-2020",
        "370000",
        "山东省",
        "1",
    )
    assert spec.issued is not None and spec.issued.isoformat() == "2020-12-31"
    assert [b.code for b in spec.bundles] == ["1", "7", "9"]
    serial = spec.bundles[1]
    assert serial.mode == "serial"
    assert [q.key for q in serial.questions] == ["has_other_pension"]
    assert [s.code for s in serial.scenarios] == ["7-1", "7-2"]
    normal = serial.scenarios[0]
    assert normal.mode == "serial"  # inherited from the bundle
    assert [(i.item, i.required, i.stage, i.when) for i in normal.items] == [
        ("1.6.12", False, 1, "has_other_pension"),
        ("1.6.1", True, 1, ""),
        ("L-pension-account", True, 2, ""),
        ("3.1.1", False, 2, ""),
    ]
    assert spec.bundles[2].promised_limit == TimeLimit(LimitUnit.WORKING_DAYS, 5)
    assert [(s.seq, s.item, s.promised_limit.value) for s in spec.speedups] == [
        (1, "1.6.1", 5),
        (2, "1.6.12", 15),
    ]
    assert [h.item for h in spec.hot_items] == ["3.1.1"]
    assert [c.name for c in spec.contact_points] == ["测试市"]
    # The catalogue beside the pack was read with it.
    assert sorted(pack_file.catalogue.items) == [
        "1.1.5",
        "1.6.1",
        "1.6.12",
        "2.1.1",
        "3.1.1",
        "L-pension-account",
    ]
    assert pack_file.content_hash == hashlib.sha256(PACK_PATH.read_bytes()).hexdigest()


def test_speedup_overrides_catalogue_limit_in_the_pack():
    pack_file = read_pack(PACK_PATH)
    retire = pack_file.catalogue.items["1.6.1"]
    assert retire.promised_limit == TimeLimit(LimitUnit.WORKING_DAYS, 10)
    assert pack_file.spec.promised_limit_of(retire) == TimeLimit(LimitUnit.WORKING_DAYS, 5)
    insurance = pack_file.catalogue.items["1.1.5"]
    assert pack_file.spec.promised_limit_of(insurance) == TimeLimit(LimitUnit.WORKING_DAYS, 5)


def test_fixture_catalogue_is_valid():
    catalogue = read_catalogue(CATALOGUE_PATH)
    assert catalogue.version == "test-1"
    assert len(catalogue.materials) == 6
    assert len(catalogue.fields) == 8
    assert catalogue.items["2.1.1"].promised_limit.is_instant
    assert catalogue.items["1.1.5"].known_as("用人单位用工参保登记")
    assert catalogue.fields["retire_type"].choices == ("正常退休", "提前退休")


def test_a_catalogue_changed_on_disk_is_read_again_and_each_reader_has_its_own(tmp_path):
    """The catalogue is parsed once per text: an edit of the file is seen at the next read, a
    broken edit is reported, and what one caller does to its spec is not what the next gets."""
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE_TEXT, encoding="utf-8")
    first = read_catalogue(path)
    first.items.clear()
    again = read_catalogue(path)
    assert again is not first and len(again.items) == len(read_catalogue(CATALOGUE_PATH).items)

    path.write_text(replace_once(CATALOGUE_TEXT, 'version: "test-1"', 'version: "test-2"'), "utf-8")
    assert read_catalogue(path).version == "test-2"
    path.write_text(replace_once(CATALOGUE_TEXT, 'version: "test-1"', "version: [1"), "utf-8")
    assert catalogue_problems(path)
    path.write_text(CATALOGUE_TEXT, encoding="utf-8")
    assert read_catalogue(path).version == "test-1"


def test_a_catalogue_passed_explicitly_is_used(tmp_path):
    pack = tmp_path / "packs" / "test-2020.yaml"
    pack.parent.mkdir()
    pack.write_text(PACK_TEXT, encoding="utf-8")
    with pytest.raises(PackInvalid) as caught:
        read_pack(pack)  # no catalogue.yaml beside it
    assert [(p.file, p.line) for p in caught.value.problems] == [
        (str(pack.parent / "catalogue.yaml"), 0)
    ]
    assert "文件不存在" in caught.value.problems[0].message
    assert read_pack(pack, catalogue_path=CATALOGUE_PATH).spec.code == "test-2020"


# ---------------------------------------------------------------------------------------------
# Files that cannot be read at all


def test_yaml_syntax_error_is_located(tmp_path):
    text = replace_once(
        PACK_TEXT, "    name: 企业招聘用工\n", "    name: 企业招聘用工: 又一个冒号\n"
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    problem = find_problem(
        problems, file=path, line=line_of(text, "name: 企业招聘用工:"), contains="YAML 格式错误"
    )
    assert str(problem).startswith(f"{path}:{problem.line}: YAML 格式错误")


def test_unclosed_quote_is_a_yaml_error(tmp_path):
    text = replace_once(PACK_TEXT, '  version: "1"\n', '  version: "1\n')
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    assert problems[0].message.startswith("YAML 格式错误")
    assert problems[0].line >= line_of(text, 'version: "1')


def test_duplicate_key_is_located_at_the_second_key(tmp_path):
    text = replace_once(
        PACK_TEXT, "    name: 企业招聘用工\n", "    name: 企业招聘用工\n    name: 重复的名称\n"
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems, file=path, line=line_of(text, "name: 重复的名称"), contains="键“name”重复"
    )


def test_duplicate_key_in_catalogue(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT, "    label: 入职日期\n", "    label: 入职日期\n    label: 到岗日期\n"
    )
    path = write_files(tmp_path, catalogue=text)
    problems = catalogue_problems(tmp_path / "catalogue.yaml")
    assert len(problems) == 1
    find_problem(
        problems,
        file=tmp_path / "catalogue.yaml",
        line=line_of(text, "label: 到岗日期"),
        contains="键“label”重复",
    )
    # The pack is not checked against a catalogue that cannot be read: the problem is the catalogue's.
    assert pack_problems(path) == problems


def test_missing_file_and_wrong_top_level(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(PackFileError) as caught:
        parse_yaml("- just\n- a list\n", name="list.yaml")
    assert (caught.value.problem.file, caught.value.problem.line) == ("list.yaml", 1)
    assert "键值映射" in caught.value.problem.message
    write_files(tmp_path)
    problems = pack_problems(missing)
    assert [(p.file, p.line, p.message) for p in problems] == [(str(missing), 0, "文件不存在")]


def test_file_not_utf8(tmp_path):
    path = write_files(tmp_path)
    path.write_bytes(PACK_TEXT.encode("gb18030"))
    problems = pack_problems(path)
    assert len(problems) == 1
    assert "UTF-8" in problems[0].message


# ---------------------------------------------------------------------------------------------
# Item references


def test_unknown_item_code(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '- item: "2.1.1"\n            as: 就业登记\n            required: true\n'
        '            source: "900 附件1 序号1 1-1 必做事项2"',
        '- item: "9.9.9"\n            as: 就业登记\n            required: true\n'
        '            source: "900 附件1 序号1 1-1 必做事项2"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, 'item: "9.9.9"'),
        contains="引用了目录中不存在的事项“9.9.9”",
    )


def test_seed_name_must_be_the_items_name_or_alias(tmp_path):
    text = replace_once(PACK_TEXT, "as: 用人单位用工参保登记", "as: 用人单位参保登记")
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    problem = find_problem(
        problems, file=path, line=line_of(text, "as: 用人单位参保登记"), contains="用人单位参保登记"
    )
    assert "既不是事项“1.1.5 职工参保登记”的名称也不是其别名" in problem.message


def test_seed_name_checked_in_speedups_too(tmp_path):
    text = replace_once(
        PACK_TEXT,
        "    as: 城镇职工基本养老保险关系转移接续申请\n    legal_text: 45个工作日",
        "    as: 养老保险关系转移接续\n    legal_text: 45个工作日",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "as: 养老保险关系转移接续\n"),
        contains="提速办事项序号2",
    )


# ---------------------------------------------------------------------------------------------
# Duplicates. A duplicate is reported where it repeats (the later entry), as the catalogue does.


def test_duplicate_bundle_code(tmp_path):
    text = replace_once(PACK_TEXT, '  - code: "9"\n', '  - code: "7"\n')
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    assert "一件事序号“7”重复" in problems[0].message
    find_problem(
        problems, file=path, line=line_of(text, '  - code: "7"\n', nth=2), contains="“7”重复"
    )


def test_duplicate_scenario_code(tmp_path):
    text = replace_once(PACK_TEXT, '      - code: "7-2"\n', '      - code: "7-1"\n')
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    assert "场景编号“7-1”重复" in problems[0].message
    find_problem(
        problems, file=path, line=line_of(text, '- code: "7-1"', nth=2), contains="“7-1”重复"
    )


def test_duplicate_item_in_a_scenario(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '- item: "3.1.1"\n            as: 申领社会保障卡',
        '- item: "2.1.1"\n            as: 就业登记',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    assert "场景“1-1”中的事项“2.1.1”重复" in problems[0].message
    find_problem(
        problems, file=path, line=line_of(text, '- item: "2.1.1"', nth=2), contains="“2.1.1”重复"
    )


def test_duplicate_points_back_at_the_first_entry(tmp_path):
    text = replace_once(PACK_TEXT, '  - code: "9"\n', '  - code: "7"\n')
    path = write_files(tmp_path, pack=text)
    (problem,) = pack_problems(path)
    first = line_of(text, '  - code: "7"\n')
    assert problem.message == f"一件事序号“7”重复（首次出现在第{first}行）"


def test_every_repeat_is_reported_where_it_repeats(tmp_path):
    # Three bundles coded "7": the second and the third are each reported, both at their own line.
    text = replace_once(PACK_TEXT, '  - code: "9"\n', '  - code: "7"\n')
    text = replace_once(text, '  - code: "1"\n', '  - code: "7"\n')
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    first = line_of(text, '  - code: "7"\n')
    assert [(p.line, p.message) for p in problems] == [
        (line_of(text, '  - code: "7"\n', nth=n), f"一件事序号“7”重复（首次出现在第{first}行）")
        for n in (2, 3)
    ]


def test_duplicate_speedup_seq_and_item_are_reported_at_the_repeat(tmp_path):
    # The second speed-up entry repeats the first one's seq and item.
    text = replace_once(
        PACK_TEXT, '  - seq: 2\n    item: "1.6.12"', '  - seq: 1\n    item: "1.6.1"'
    )
    text = replace_once(
        text,
        "    as: 城镇职工基本养老保险关系转移接续申请\n    legal_text",
        "    as: 职工正常退休申请\n    legal_text",
    )
    path = write_files(tmp_path, pack=text)
    first, repeat = (
        line_of(text, "  - seq: 1\n    item"),
        line_of(text, "  - seq: 1\n    item", nth=2),
    )
    assert [(p.line, p.message) for p in pack_problems(path)] == [
        (repeat, f"提速办事项序号“1”重复（首次出现在第{first}行）"),
        (repeat, f"提速办清单中的事项“1.6.1”重复（首次出现在第{first}行）"),
    ]


def test_duplicate_contact_point_is_reported_at_the_repeat(tmp_path):
    text = PACK_TEXT + '  - name: 测试市\n    level: 省级联系点\n    source: "900 附件3"\n'
    path = write_files(tmp_path, pack=text)
    first, repeat = line_of(text, "  - name: 测试市"), line_of(text, "  - name: 测试市", nth=2)
    assert [(p.line, p.message) for p in pack_problems(path)] == [
        (repeat, f"联系点“测试市”重复（首次出现在第{first}行）")
    ]


# ---------------------------------------------------------------------------------------------
# Modes and stages


def test_invalid_mode(tmp_path):
    text = replace_once(
        PACK_TEXT,
        "    mode: parallel\n    promised_limit: null\n    lead: 就业人才服务中心牵头。",
        "    mode: sequential\n    promised_limit: null\n    lead: 就业人才服务中心牵头。",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    problem = find_problem(
        problems, file=path, line=line_of(text, "mode: sequential"), contains="“sequential”"
    )
    assert "parallel / serial / integrated" in problem.message


def test_serial_item_without_stage(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '            stage: 2\n            source: "900 附件1 序号7 7-1 情形事项2"',
        '            source: "900 附件1 序号7 7-1 情形事项2"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(
            text,
            '- item: "3.1.1"\n            as: 社会保障卡申领\n            required: false\n            source: "900 附件1 序号7',
        ),
        contains="串行办理，但事项“3.1.1”没有阶段（stage）",
    )


def test_serial_stages_with_a_gap(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '            stage: 2\n            source: "900 附件1 序号7 7-2 必做事项2"',
        '            stage: 3\n            source: "900 附件1 序号7 7-2 必做事项2"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, '- code: "7-2"'),
        contains="阶段应从1开始连续编号，实际为 [1, 3]",
    )


def test_serial_scenario_with_everything_in_stage_one(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '            stage: 2\n            source: "900 附件1 序号7 7-2 必做事项2"',
        '            stage: 1\n            source: "900 附件1 序号7 7-2 必做事项2"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems, file=path, line=line_of(text, '- code: "7-2"'), contains="所有事项都在同一阶段"
    )


def test_stage_must_be_a_positive_integer(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '            stage: 2\n            source: "900 附件1 序号7 7-2 必做事项2"',
        '            stage: 0\n            source: "900 附件1 序号7 7-2 必做事项2"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    find_problem(
        problems, file=path, line=line_of(text, "stage: 0"), contains="阶段应为从1开始的整数"
    )


def test_parallel_scenario_with_a_second_stage(tmp_path):
    text = replace_once(
        PACK_TEXT,
        "            as: 申领社会保障卡\n            required: false\n",
        "            as: 申领社会保障卡\n            required: false\n            stage: 2\n",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, '- item: "3.1.1"\n            as: 申领社会保障卡'),
        contains="事项“3.1.1”不应有第2阶段",
    )


def test_a_scenario_may_override_the_bundle_mode(tmp_path):
    # Bundle 1 is parallel; a serial scenario inside it needs stages, and gets checked as serial.
    text = replace_once(
        PACK_TEXT,
        "        name: 企业招聘高校毕业生\n",
        "        name: 企业招聘高校毕业生\n        mode: serial\n",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert {p.message.split("，")[0] for p in problems} == {"场景“1-1”为串行办理"}
    assert len(problems) == 3  # each of its three items lacks a stage


# ---------------------------------------------------------------------------------------------
# Questions


def test_when_names_an_unknown_question(tmp_path):
    text = replace_once(PACK_TEXT, "when: has_other_pension", "when: has_other_job")
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "when: has_other_job"),
        contains="未定义的问题“has_other_job”",
    )


def test_when_on_a_required_item(tmp_path):
    text = replace_once(
        PACK_TEXT,
        "            as: 职工正常退休（职）申请核准\n            required: true\n",
        "            as: 职工正常退休（职）申请核准\n            required: true\n"
        "            when: has_other_pension\n",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "when: has_other_pension", nth=2),
        contains="事项“1.6.1”是必做事项，不应设置触发问题",
    )


# ---------------------------------------------------------------------------------------------
# Time limits


_BUNDLE_9_LIMIT = (
    '    promised_limit: {value: 5, unit: working_days}\n    source: "900 附件1 序号9"'
)


def test_parallel_bundle_limit_may_not_exceed_the_longest_item(tmp_path):
    text = replace_once(
        PACK_TEXT,
        _BUNDLE_9_LIMIT,
        '    promised_limit: {value: 6, unit: working_days}\n    source: "900 附件1 序号9"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(path)
    # The bundle, or better its promised_limit key.
    assert problem.line in {line_of(text, '  - code: "9"'), line_of(text, "{value: 6, unit")}
    assert "一件事“9 灵活就业人员参保”并行办理" in problem.message
    assert "6工作日超过了场景“9-1”中最长的单个事项时限" in problem.message


def test_parallel_bundle_limit_equal_to_the_longest_item_is_fine(tmp_path):
    # 9-1's longest item is 3.1.1, 7 calendar days ≈ 5 working days: the fixture's 5 is allowed.
    assert pack_problems(write_files(tmp_path)) == []


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("5个工作日", "的“promised_limit”应为 {value: N, unit: working_days} 或 null"),
        (
            "{value: 5, unit: weeks}",
            "单位“weeks”无效，应为 working_days / calendar_days / months / instant 之一",
        ),
        ("{value: 0, unit: working_days}", "的“promised_limit”数值应为正整数"),
        ("{value: 2.5, unit: working_days}", "的“promised_limit”数值应为正整数"),
        ("{unit: working_days}", "的“promised_limit”数值应为正整数"),
    ],
)
def test_bad_limit_in_a_pack(tmp_path, limit, message):
    text = replace_once(
        PACK_TEXT, _BUNDLE_9_LIMIT, f'    promised_limit: {limit}\n    source: "900 附件1 序号9"'
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    problem = find_problem(
        problems, file=path, line=line_of(text, f"promised_limit: {limit}"), contains=message
    )
    assert problem.message.startswith("一件事“9”")


def test_catalogue_item_promising_more_than_its_legal_limit(tmp_path):
    old = "    legal_limit: {value: 20, unit: working_days}\n    promised_limit: {value: 10, unit: working_days}"
    text = replace_once(
        CATALOGUE_TEXT,
        old,
        old.replace("{value: 10, unit: working_days}", "{value: 22, unit: working_days}"),
    )
    path = write_files(tmp_path, catalogue=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path.parent / "catalogue.yaml",
        line=line_of(text, "promised_limit: {value: 22"),
        contains="事项“1.6.1”的承诺时限22工作日长于法定时限20工作日",
    )


def test_speedup_longer_than_the_legal_limit(tmp_path):
    text = replace_once(
        PACK_TEXT,
        "    legal_limit: {value: 20, unit: working_days}\n    promised_limit: {value: 5, unit: working_days}",
        "    legal_limit: {value: 20, unit: working_days}\n    promised_limit: {value: 25, unit: working_days}",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "promised_limit: {value: 25"),
        contains="提速办事项序号1的提速后时限长于法定时限",
    )


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("5个工作日", "的“promised_limit”应为 {value: N, unit: working_days} 或 null"),
        ("{value: 5, unit: weeks}", "的“promised_limit”单位“weeks”无效"),
        ("{value: 0, unit: working_days}", "的“promised_limit”数值应为正整数"),
    ],
)
def test_bad_speedup_limit_is_reported_once(tmp_path, limit, message):
    # Present but malformed: one problem, not also "缺少提速后时限数值".
    text = replace_once(
        PACK_TEXT,
        "    promised_limit: {value: 5, unit: working_days}\n    promised_set_by: seed",
        f"    promised_limit: {limit}\n    promised_set_by: seed",
    )
    path = write_files(tmp_path, pack=text)
    (problem,) = pack_problems(path)
    assert problem.line == line_of(text, f"promised_limit: {limit}")
    assert problem.message.startswith("提速办事项序号1")
    assert message in problem.message


@pytest.mark.parametrize("removed", ["", "null"])
def test_speedup_without_promised_limit(tmp_path, removed):
    text = replace_once(
        PACK_TEXT,
        "    promised_limit: {value: 5, unit: working_days}\n    promised_set_by: seed\n",
        (f"    promised_limit: {removed}\n" if removed else "") + "    promised_set_by: seed\n",
    )
    path = write_files(tmp_path, pack=text)
    (problem,) = pack_problems(path)
    assert problem.message == "提速办事项序号1缺少提速后时限数值 promised_limit"


def test_bad_limit_in_the_catalogue(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "    promised_limit: {value: 3, unit: working_days}",
        "    promised_limit: {value: 3, unit: days}",
    )
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    problems = catalogue_problems(path)
    find_problem(
        problems,
        file=path,
        line=line_of(text, "unit: days}"),
        contains="事项“L-pension-account”的“promised_limit”单位“days”无效",
    )


def test_bad_catalogue_limit_is_reported_once(tmp_path):
    # A limit that is present but malformed is one problem, not also "missing promised_limit".
    text = replace_once(
        CATALOGUE_TEXT,
        "    promised_limit: {value: 3, unit: working_days}",
        "    promised_limit: {value: 3, unit: days}",
    )
    write_files(tmp_path, catalogue=text)
    problems = catalogue_problems(tmp_path / "catalogue.yaml")
    assert [p.message for p in problems] == [
        "事项“L-pension-account”的“promised_limit”单位“days”无效，"
        "应为 working_days / calendar_days / months / instant 之一"
    ]


def test_catalogue_item_without_promised_limit(tmp_path):
    text = replace_once(CATALOGUE_TEXT, "    promised_limit: {value: 3, unit: working_days}\n", "")
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    problems = catalogue_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, '- code: "L-pension-account"'),
        contains="事项“L-pension-account”缺少承诺时限 promised_limit",
    )


# ---------------------------------------------------------------------------------------------
# Missing keys


def test_bundle_without_name(tmp_path):
    text = replace_once(PACK_TEXT, "    name: 企业招聘用工\n", "")
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems, file=path, line=line_of(text, '  - code: "1"'), contains="一件事“1”缺少“name”"
    )


def test_pack_head_without_code(tmp_path):
    text = replace_once(PACK_TEXT, "  code: test-2020\n", "")
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    assert len(problems) == 1
    # Reported at the start of the `pack:` mapping (its first remaining key).
    find_problem(
        problems, file=path, line=line_of(text, "  name: 测试省"), contains="pack缺少“code”"
    )


def test_bundle_item_without_source_and_required(tmp_path):
    text = replace_once(
        PACK_TEXT,
        '            required: true\n            source: "900 附件1 序号1 1-1 必做事项1"\n',
        "",
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    item_line = line_of(text, '- item: "1.1.5"')
    find_problem(problems, file=path, line=item_line, contains="“required”应为 true 或 false")
    find_problem(problems, file=path, line=item_line, contains="事项“1.1.5”缺少“source”")
    assert len(problems) == 2


def test_pack_without_bundles(tmp_path):
    head, _, _ = PACK_TEXT.partition("bundles:\n")
    path = write_files(tmp_path, pack=head)
    problems = pack_problems(path)
    assert len(problems) == 1
    find_problem(
        problems, file=path, line=line_of(head, "pack:"), contains="政策包文件缺少“bundles”列表"
    )


def test_scenario_without_items(tmp_path):
    start = PACK_TEXT.index(
        '        items:\n          - item: "2.1.1"\n            as: 就业登记\n            required: true\n            source: "900 附件1 序号9'
    )
    end = PACK_TEXT.index("speedups:")
    text = PACK_TEXT[:start] + "        items: []\n" + PACK_TEXT[end:]
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)
    find_problem(
        problems, file=path, line=line_of(text, '- code: "9-1"'), contains="场景“9-1”没有任何事项"
    )


def test_scenario_with_only_optional_items_is_allowed(tmp_path):
    # Jiangsu's 全部可选 一件事: the applicant ticks at least one item (planning enforces it).
    text = PACK_TEXT.replace(
        '            required: true\n            source: "900 附件1 序号9 9-1',
        '            required: false\n            source: "900 附件1 序号9 9-1',
    )
    assert text.count("required: false") == PACK_TEXT.count("required: false") + 2
    assert pack_problems(write_files(tmp_path, pack=text)) == []


# ---------------------------------------------------------------------------------------------
# Catalogue problems


def _catalogue_check(tmp_path, text):
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    return path, catalogue_problems(path)


def test_catalogue_undefined_material(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "materials: [id_card, labour_contract]",
        "materials: [id_card, labor_contract]",
    )
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "materials: [id_card, labor_contract]"),
        contains="事项“1.1.5”引用了未定义的材料“labor_contract”",
    )


def test_catalogue_undefined_field(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "fields: [unit_name, person_name, id_number, hire_date]",
        "fields: [unit_name, person_name, id_number, start_date]",
    )
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "start_date]"),
        contains="事项“1.1.5”引用了未定义的字段“start_date”",
    )


def test_catalogue_duplicate_material_code(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "fields:\n  - key: person_name",
        "  - code: id_card\n    name: 身份证复印件\n    kind: identity\nfields:\n  - key: person_name",
    )
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "- code: id_card", nth=2),
        contains="材料代码“id_card”重复",
    )


def test_catalogue_duplicate_field_key(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "items:\n",
        "  - key: phone\n    label: 联系电话\n    type: phone\nitems:\n",
    )
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems, file=path, line=line_of(text, "- key: phone", nth=2), contains="字段键“phone”重复"
    )


def test_catalogue_duplicate_item_code(tmp_path):
    text = replace_once(CATALOGUE_TEXT, 'code: "L-pension-account"', 'code: "2.1.1"')
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, 'code: "2.1.1"', nth=2),
        contains="事项编码“2.1.1”重复",
    )


def test_catalogue_name_shared_by_two_items(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "    name: 就业登记\n    aliases: []",
        "    name: 就业登记\n    aliases: [职工参保登记]",
    )
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.message == "名称“职工参保登记”同时属于事项“1.1.5”和“2.1.1”"
    # Point at the item that reuses the name (its entry or its aliases), not at `items:`.
    assert problem.line in {
        line_of(text, '- code: "2.1.1"'),
        line_of(text, "aliases: [职工参保登记]"),
    }


def test_catalogue_name_reused_as_a_name_is_reported_at_the_name(tmp_path):
    text = replace_once(CATALOGUE_TEXT, "    name: 就业登记\n", "    name: 职工参保登记\n")
    path, problems = _catalogue_check(tmp_path, text)
    assert {p.file for p in problems} == {str(path)}
    assert [(p.line, p.message) for p in problems] == [
        (
            line_of(text, "name: 职工参保登记", nth=2),
            "名称“职工参保登记”同时属于事项“1.1.5”和“2.1.1”",
        )
    ]


def test_catalogue_item_missing_category_and_bad_agency(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT, "    category: 就业创业\n    agency: employment\n", "    agency: jobs\n"
    )
    path, problems = _catalogue_check(tmp_path, text)
    item_line = line_of(text, '- code: "2.1.1"')
    find_problem(problems, file=path, line=item_line, contains="事项“2.1.1”缺少“category”")
    find_problem(
        problems,
        file=path,
        line=line_of(text, "agency: jobs"),
        contains="事项“2.1.1”的“agency”为“jobs”",
    )
    assert len(problems) == 2


def test_catalogue_choice_field_without_choices(tmp_path):
    text = replace_once(CATALOGUE_TEXT, "    choices: [正常退休, 提前退休]\n", "")
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "- key: retire_type"),
        contains="选项类字段，但没有给出 choices",
    )


def test_catalogue_prefill_must_be_a_shared_data_path(tmp_path):
    text = replace_once(CATALOGUE_TEXT, "prefill: person.phone", "prefill: person.mobile")
    path, problems = _catalogue_check(tmp_path, text)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "prefill: person.mobile"),
        contains="字段“phone”的预填来源“person.mobile”不是共享数据提供的字段",
    )


def test_catalogue_problem_reported_when_validating_a_pack(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "materials: [id_card, labour_contract]",
        "materials: [id_card, labor_contract]",
    )
    path = write_files(tmp_path, catalogue=text)
    problems = pack_problems(path)
    assert [p.file for p in problems] == [str(tmp_path / "catalogue.yaml")]


# ---------------------------------------------------------------------------------------------
# All problems at once


def test_all_pack_problems_are_reported_at_once(tmp_path):
    text = PACK_TEXT
    text = replace_once(
        text,
        '- item: "2.1.1"\n            as: 就业登记\n            required: true\n'
        '            source: "900 附件1 序号1 1-1 必做事项2"',
        '- item: "9.9.9"\n            as: 就业登记\n            required: true\n'
        '            source: "900 附件1 序号1 1-1 必做事项2"',
    )
    text = replace_once(text, "as: 用人单位用工参保登记", "as: 用人单位参保登记")
    text = replace_once(text, "when: has_other_pension", "when: has_other_job")
    text = replace_once(
        text,
        '            stage: 2\n            source: "900 附件1 序号7 7-2 必做事项2"',
        '            stage: 3\n            source: "900 附件1 序号7 7-2 必做事项2"',
    )
    text = replace_once(
        text,
        _BUNDLE_9_LIMIT,
        '    promised_limit: {value: 5, unit: weeks}\n    source: "900 附件1 序号9"',
    )
    path = write_files(tmp_path, pack=text)
    problems = pack_problems(path)

    find_problem(problems, file=path, line=line_of(text, 'item: "9.9.9"'), contains="“9.9.9”")
    find_problem(problems, file=path, line=line_of(text, "as: 用人单位参保登记"), contains="别名")
    find_problem(
        problems, file=path, line=line_of(text, "when: has_other_job"), contains="未定义的问题"
    )
    find_problem(problems, file=path, line=line_of(text, '- code: "7-2"'), contains="[1, 3]")
    find_problem(problems, file=path, line=line_of(text, "unit: weeks}"), contains="“weeks”无效")
    assert len(problems) == 5


def test_all_catalogue_problems_are_reported_at_once(tmp_path):
    text = CATALOGUE_TEXT
    text = replace_once(text, "    kind: contract\n", "    kind: agreement\n")
    text = replace_once(
        text, "materials: [id_card, labour_contract]", "materials: [id_card, labor_contract]"
    )
    text = replace_once(
        text,
        "fields: [unit_name, person_name, id_number, hire_date]",
        "fields: [unit_name, person_name, id_number, start_date]",
    )
    text = replace_once(text, "    category: 就业创业\n", "")
    path, problems = _catalogue_check(tmp_path, text)

    find_problem(problems, file=path, line=line_of(text, "kind: agreement"), contains="“agreement”")
    find_problem(
        problems, file=path, line=line_of(text, "labor_contract]"), contains="labor_contract"
    )
    find_problem(problems, file=path, line=line_of(text, "start_date]"), contains="start_date")
    find_problem(
        problems, file=path, line=line_of(text, '- code: "2.1.1"'), contains="缺少“category”"
    )
    assert len(problems) == 4


def test_an_impossible_date_is_a_problem_at_its_line(tmp_path):
    from kuaiban.bundles.packfile.reader import PackFileError, parse_yaml

    with pytest.raises(PackFileError) as info:
        parse_yaml("pack:\n  code: x\n  issued: 2025-02-30\n", name="p.yaml")
    assert info.value.problem.line == 3
    assert "2025-02-30" in info.value.problem.message


# ---------------------------------------------------------------------------------------------
# 秒办 and fees in the catalogue


def test_an_item_that_pays_money_may_not_be_performed_by_the_system(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "    pays_money: false\n    materials: [retire_form, id_card, insurance_proof]",
        "    pays_money: true\n    system_performs: true\n"
        "    materials: [retire_form, id_card, insurance_proof]",
    )
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    problems = catalogue_problems(path)
    assert len(problems) == 1
    find_problem(
        problems,
        file=path,
        line=line_of(text, "    system_performs: true"),
        contains="事项“1.6.1”：涉及资金支付的事项不能由系统直接办理（秒办），须由经办人员审核",
    )


def test_system_performs_and_fee_are_read_from_the_catalogue(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "    pays_money: false\n    materials: [retire_form, id_card, insurance_proof]",
        "    pays_money: false\n    system_performs: true\n    fee: 工本费20元\n"
        "    materials: [retire_form, id_card, insurance_proof]",
    )
    write_files(tmp_path, catalogue=text)
    item = read_catalogue(tmp_path / "catalogue.yaml").items["1.6.1"]
    assert item.system_performs is True and item.fee == "工本费20元"
    others = read_catalogue(CATALOGUE_PATH).items
    assert not any(i.system_performs for i in others.values())
    assert {i.fee for i in others.values()} == {""}


# ---------------------------------------------------------------------------------------------
# A material needed only on some answers (`needed_when`)

_PHOTO = "  - code: photo\n    name: 近期免冠照片\n    kind: other\n"


def _photo_needed_when(condition: str) -> str:
    return replace_once(CATALOGUE_TEXT, _PHOTO, f"{_PHOTO}    needed_when: {condition}\n")


def test_a_material_condition_is_read_as_a_rule(tmp_path):
    write_files(tmp_path, catalogue=_photo_needed_when("{kind: present, field: phone}"))
    catalogue = read_catalogue(tmp_path / "catalogue.yaml")
    assert catalogue.materials["photo"].needed_when == {
        "key": "needed_when",
        "label": "需提供“近期免冠照片”",
        "kind": "present",
        "field": "phone",
    }
    assert catalogue.materials["id_card"].needed_when == {}


@pytest.mark.parametrize(
    ("condition", "needle", "contains"),
    [
        (
            "{kind: min, field: no_such_field, value: 1}",
            "needed_when:",
            "材料“photo”的需要条件：字段“no_such_field”未在目录的 fields 中定义",
        ),
        ("{kind: min, field: phone, value: 1}", "needed_when:", "min 类规则需要 integer / money"),
        ("{kind: min, field: contribution_months}", "needed_when:", "缺少参数“value”"),
        ("[phone]", "needed_when:", "材料“photo”的“needed_when”应为键值映射"),
        (
            "{kind: min, field: contribution_months, value: 1}",
            "materials: [id_card, photo]",
            "材料“photo”按字段“contribution_months”决定是否需要，但该事项的表单没有这个字段",
        ),
    ],
)
def test_a_bad_material_condition_is_located(tmp_path, condition, needle, contains):
    text = _photo_needed_when(condition)
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    find_problem(catalogue_problems(path), file=path, line=line_of(text, needle), contains=contains)


def test_a_first_issue_must_be_a_certificate_of_the_catalogue(tmp_path):
    text = replace_once(
        CATALOGUE_TEXT,
        "    materials: [id_card, photo]\n",
        "    materials: [id_card, photo]\n    first_issue: [photo]\n",
    )
    write_files(tmp_path, catalogue=text)
    path = tmp_path / "catalogue.yaml"
    find_problem(
        catalogue_problems(path),
        file=path,
        line=line_of(text, "first_issue:"),
        contains="的 first_issue“photo”不是目录中的证照材料",
    )
