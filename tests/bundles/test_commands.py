"""`kuaiban pack validate | load | diff`, run through call_command on the real database."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kuaiban.bundles.models import (
    Bundle,
    BundleItem,
    ContactPoint,
    HotItem,
    Pack,
    Question,
    Scenario,
    SpeedUp,
)
from kuaiban.catalogue.models import (
    FormField,
    ItemField,
    ItemMaterial,
    Material,
    Region,
    ServiceItem,
)
from tests.bundles.helpers import (
    CATALOGUE_PATH,
    CATALOGUE_TEXT,
    OTHER_PACK_PATH,
    PACK_PATH,
    PACK_TEXT,
    line_of,
    replace_once,
    write_files,
)

PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>.+)$")

MODELS = [
    Pack,
    Bundle,
    Question,
    Scenario,
    BundleItem,
    SpeedUp,
    HotItem,
    ContactPoint,
    Region,
    ServiceItem,
    Material,
    FormField,
    ItemMaterial,
    ItemField,
]

# What tests/bundles/fixtures/test-2020.yaml and its catalogue put in the database.
FIXTURE_COUNTS = {
    "Pack": 1,
    "Bundle": 3,
    "Question": 1,
    "Scenario": 4,  # 1-1, 7-1, 7-2, 9-1
    "BundleItem": 11,  # 3 + 4 + 2 + 2
    "SpeedUp": 2,
    "HotItem": 1,
    "ContactPoint": 1,
    "Region": 1,
    "ServiceItem": 6,
    "Material": 6,
    "FormField": 8,
    "ItemMaterial": 12,  # 2 + 3 + 2 + 1 + 2 + 2
    "ItemField": 21,  # 4 + 5 + 3 + 3 + 3 + 3
}
EMPTY = dict.fromkeys(FIXTURE_COUNTS, 0)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("pack", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[CommandError, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("pack", *args, stdout=out, stderr=err)
    return caught.value, out.getvalue(), err.getvalue()


def _without(text: str, start: str, end: str) -> str:
    """``text`` without the part from ``start`` up to (not including) ``end``."""
    i = text.index(start)
    j = text.index(end, i)
    return text[:i] + text[j:]


# ---------------------------------------------------------------------------------------------
# validate


@pytest.mark.django_db  # validate also checks the routing table in the database
def test_validate_good_files():
    out, err = run("validate", str(PACK_PATH), str(OTHER_PACK_PATH), str(CATALOGUE_PATH))
    assert out.splitlines() == [
        f"{PACK_PATH}: 通过校验",
        f"{OTHER_PACK_PATH}: 通过校验",
        f"{CATALOGUE_PATH}: 通过校验",
    ]
    assert err == ""


def test_validate_bad_file_lists_every_problem_as_path_line_message(tmp_path):
    text = replace_once(PACK_TEXT, "as: 用人单位用工参保登记", "as: 用人单位参保登记")
    text = replace_once(text, "when: has_other_pension", "when: has_other_job")
    path = write_files(tmp_path, pack=text)

    error, out, err = run_failing("validate", str(path))

    assert str(error) == "1 个文件未通过校验"
    assert out == ""
    lines = err.splitlines()
    assert lines[-1] == f"{path}: 发现 2 个问题"
    problems = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    assert all(problems), lines
    assert [(m["file"], int(m["line"])) for m in problems] == [
        (str(path), line_of(text, "as: 用人单位参保登记")),
        (str(path), line_of(text, "when: has_other_job")),
    ]
    assert "既不是事项“1.1.5 职工参保登记”的名称也不是其别名" in problems[0]["message"]
    assert "未定义的问题“has_other_job”" in problems[1]["message"]


@pytest.mark.django_db  # validate also checks the routing table in the database
def test_validate_checks_every_file_even_after_a_bad_one(tmp_path):
    bad = write_files(tmp_path, pack=replace_once(PACK_TEXT, '  - code: "9"\n', '  - code: "7"\n'))
    error, out, err = run_failing("validate", str(bad), str(PACK_PATH))
    assert str(error) == "1 个文件未通过校验"
    assert out.splitlines() == [f"{PACK_PATH}: 通过校验"]
    assert f"{bad}: 发现 1 个问题" in err.splitlines()


def test_validate_missing_file(tmp_path):
    write_files(tmp_path)
    missing = tmp_path / "missing.yaml"
    _, _, err = run_failing("validate", str(missing))
    assert err.splitlines()[0] == f"{missing}:0: 文件不存在"


@pytest.mark.django_db  # validate also checks the routing table in the database
def test_validate_with_explicit_catalogue(tmp_path):
    path = tmp_path / "alone.yaml"
    path.write_text(PACK_TEXT, encoding="utf-8")
    out, _ = run("validate", str(path), "--catalogue", str(CATALOGUE_PATH))
    assert out.strip() == f"{path}: 通过校验"


def test_validate_stores_nothing(db):
    run("validate", str(PACK_PATH))
    assert counts() == EMPTY


# ---------------------------------------------------------------------------------------------
# load


def test_load_creates_everything(db):
    out, _ = run("load", str(PACK_PATH))
    assert counts() == FIXTURE_COUNTS
    assert out.strip() == (
        "政策包 test-2020（版本 1）已加载；目录 materials: 新增6，更新0，未变0；"
        "fields: 新增8，更新0，未变0；items: 新增6，更新0，未变0"
    )
    pack = Pack.objects.get()
    assert (pack.region.code, pack.file_name, pack.document) == (
        "370000",
        "test-2020.yaml",
        "测人社字〔2020〕1号",
    )
    retire = Scenario.objects.get(bundle__code="7", code="7-1")
    assert [(bi.item.code, bi.required, bi.stage, bi.when) for bi in retire.bundle_items.all()] == [
        ("1.6.12", False, 1, "has_other_pension"),
        ("1.6.1", True, 1, ""),
        ("L-pension-account", True, 2, ""),
        ("3.1.1", False, 2, ""),
    ]
    # Parallel items are stored as stage 1.
    assert set(BundleItem.objects.filter(scenario__code="1-1").values_list("stage", flat=True)) == {
        1
    }
    assert Bundle.objects.get(code="9").promised_limit_value == 5
    assert Bundle.objects.get(code="1").promised_limit is None
    speedup = SpeedUp.objects.get(seq=1)
    assert (speedup.item.code, speedup.promised_limit_value, speedup.legal_limit_value) == (
        "1.6.1",
        5,
        20,
    )
    assert list(
        ItemMaterial.objects.filter(item__code="1.6.1").values_list("material__code", flat=True)
    ) == ["retire_form", "id_card", "insurance_proof"]


def test_loading_twice_changes_nothing(db):
    run("load", str(PACK_PATH))
    before = counts()
    bundle_ids = sorted(Bundle.objects.values_list("pk", flat=True))
    item_ids = sorted(BundleItem.objects.values_list("pk", flat=True))

    out, _ = run("load", str(PACK_PATH))

    assert counts() == before == FIXTURE_COUNTS
    assert sorted(Bundle.objects.values_list("pk", flat=True)) == bundle_ids
    assert sorted(BundleItem.objects.values_list("pk", flat=True)) == item_ids
    assert out.strip() == (
        "政策包 test-2020（版本 1）未变化，未做修改；目录 materials: 新增0，更新0，未变6；"
        "fields: 新增0，更新0，未变8；items: 新增0，更新0，未变6"
    )


def test_reloading_a_changed_file_updates_rows_and_deletes_removed_ones(tmp_path, db):
    path = write_files(tmp_path)
    run("load", str(path))
    bundle_1 = Bundle.objects.get(code="1")
    bundle_7 = Bundle.objects.get(code="7")

    text = _without(PACK_TEXT, '      - code: "7-2"\n', '  - code: "9"\n')
    text = _without(text, '  - code: "9"\n', "speedups:\n")
    text = replace_once(text, "    name: 企业招聘用工\n", "    name: 企业招聘用工（修订）\n")
    text = replace_once(
        text,
        "            as: 申领社会保障卡\n            required: false\n",
        "            as: 申领社会保障卡\n            required: true\n",
    )
    text = _without(text, "  - seq: 2\n", "hot_items:\n")
    path.write_text(text, encoding="utf-8")

    out, _ = run("load", str(path))

    assert "已加载" in out
    assert list(Bundle.objects.order_by("position").values_list("code", "name")) == [
        ("1", "企业招聘用工（修订）"),
        ("7", "职工退休"),
    ]
    # Updated in place, not deleted and re-created.
    assert Bundle.objects.get(code="1").pk == bundle_1.pk
    assert Bundle.objects.get(code="7").pk == bundle_7.pk
    assert list(
        Scenario.objects.order_by("bundle__position", "position").values_list("code", flat=True)
    ) == [
        "1-1",
        "7-1",
    ]
    assert BundleItem.objects.count() == 7
    assert not BundleItem.objects.filter(scenario__code__in=["7-2", "9-1"]).exists()
    assert BundleItem.objects.get(scenario__code="1-1", item__code="3.1.1").required is True
    assert list(SpeedUp.objects.values_list("seq", flat=True)) == [1]
    assert Pack.objects.count() == 1


def test_admin_edit_survives_a_reload_while_the_file_entry_is_unchanged(tmp_path, db):
    path = write_files(tmp_path)
    run("load", str(path))
    ServiceItem.objects.filter(code="1.1.5").update(promised_limit_value=2)  # an admin's edit
    ServiceItem.objects.filter(code="3.1.1").update(online=False)

    # The pack changes (so it is reloaded); the catalogue does not.
    path.write_text(
        replace_once(PACK_TEXT, "    name: 企业招聘用工\n", "    name: 企业用工\n"),
        encoding="utf-8",
    )
    out, _ = run("load", str(path))

    assert "已加载" in out
    assert "items: 新增0，更新0，未变6" in out
    assert ServiceItem.objects.get(code="1.1.5").promised_limit_value == 2
    assert ServiceItem.objects.get(code="3.1.1").online is False


def test_admin_edit_is_overwritten_when_the_file_entry_changed(tmp_path, db):
    path = write_files(tmp_path)
    run("load", str(path))
    ServiceItem.objects.filter(code="1.1.5").update(promised_limit_value=2)
    ServiceItem.objects.filter(code="3.1.1").update(online=False)

    text = replace_once(
        CATALOGUE_TEXT,
        "    promised_limit: {value: 5, unit: working_days}\n    online: true\n"
        "    onsite_required: false\n    pays_money: false\n    materials: [id_card, labour_contract]",
        "    promised_limit: {value: 4, unit: working_days}\n    online: true\n"
        "    onsite_required: false\n    pays_money: false\n    materials: [id_card]",
    )
    (tmp_path / "catalogue.yaml").write_text(text, encoding="utf-8")
    out, _ = run("load", str(path))

    assert "未变化" in out  # the pack itself did not change
    assert "items: 新增0，更新1，未变5" in out
    item = ServiceItem.objects.get(code="1.1.5")
    assert item.promised_limit_value == 4
    assert list(item.materials.values_list("code", flat=True)) == ["id_card"]
    # Another item's edit is left alone.
    assert ServiceItem.objects.get(code="3.1.1").online is False
    assert ItemMaterial.objects.count() == FIXTURE_COUNTS["ItemMaterial"] - 1


def test_a_bad_file_loads_nothing(tmp_path, db):
    text = replace_once(PACK_TEXT, "when: has_other_pension", "when: has_other_job")
    path = write_files(tmp_path, pack=text)

    error, out, err = run_failing("load", str(path))

    assert str(error) == f"{path}: 未通过校验，未加载任何内容"
    assert out == ""
    match = PROBLEM_LINE.match(err.splitlines()[0])
    assert match and int(match["line"]) == line_of(text, "when: has_other_job")
    # Not even the (valid) catalogue was stored.
    assert counts() == EMPTY


def test_a_bad_catalogue_loads_nothing(tmp_path, db):
    catalogue = replace_once(CATALOGUE_TEXT, "    kind: contract\n", "    kind: agreement\n")
    path = write_files(tmp_path, catalogue=catalogue)
    run_failing("load", str(path))
    assert counts() == EMPTY


def test_a_bad_new_version_leaves_the_loaded_one_untouched(tmp_path, db):
    path = write_files(tmp_path)
    run("load", str(path))
    text = replace_once(PACK_TEXT, "    name: 企业招聘用工\n", "    name: 新名称\n")
    text = replace_once(text, '      - code: "7-2"\n', '      - code: "7-1"\n')
    path.write_text(text, encoding="utf-8")

    run_failing("load", str(path))

    assert counts() == FIXTURE_COUNTS
    assert Bundle.objects.get(code="1").name == "企业招聘用工"


def test_load_checks_every_file_before_loading_any(tmp_path, db):
    # The good pack comes first: it is not loaded, because the second one is bad.
    bad_text = replace_once(PACK_TEXT, "when: has_other_pension", "when: has_other_job")
    bad = write_files(tmp_path / "bad", pack=bad_text)
    missing = bad.with_name("missing.yaml")  # beside a good catalogue

    error, out, err = run_failing("load", str(PACK_PATH), str(bad), str(missing))

    assert str(error) == f"{bad}、{missing}: 未通过校验，未加载任何内容"
    assert out == ""
    problems = [PROBLEM_LINE.match(line) for line in err.splitlines()]
    assert [(m["file"], int(m["line"])) for m in problems if m] == [
        (str(bad), line_of(bad_text, "when: has_other_job")),
        (str(missing), 0),
    ]
    assert counts() == EMPTY


def test_load_of_several_good_files_loads_them_all(db):
    out, _ = run("load", str(PACK_PATH), str(OTHER_PACK_PATH))
    assert sorted(Pack.objects.values_list("code", flat=True)) == ["other-2021", "test-2020"]
    assert [line.split("（")[0] for line in out.splitlines()] == [
        "政策包 test-2020",
        "政策包 other-2021",
    ]


def test_load_without_arguments_loads_every_pack_of_the_packs_directory(tmp_path, db, settings):
    shutil.copy(CATALOGUE_PATH, tmp_path / "catalogue.yaml")
    shutil.copy(PACK_PATH, tmp_path / "test-2020.yaml")
    shutil.copy(OTHER_PACK_PATH, tmp_path / "other-2021.yaml")
    settings.KUAIBAN_PACKS_DIR = tmp_path

    out, _ = run("load")

    assert sorted(Pack.objects.values_list("code", flat=True)) == ["other-2021", "test-2020"]
    assert len(out.splitlines()) == 2  # one summary per pack; catalogue.yaml is not a pack
    assert ServiceItem.objects.count() == 6


# ---------------------------------------------------------------------------------------------
# diff


def test_diff_pairs_bundles_and_lists_items_only_in_one_pack():
    out, _ = run("diff", str(PACK_PATH), str(OTHER_PACK_PATH))
    lines = out.splitlines()
    assert lines[0] == (
        "比较 test-2020（测试省推进“人社服务快办行动”实施办法）"
        "与 other-2021（另一省深入推进“人社服务快办行动”实施方案）"
    )
    assert lines[2:] == [
        "≈ test-2020 1 企业招聘用工  ↔  other-2021 3 企业新招用员工（相同事项 2，相似度 50%）",
        "    = 1.1.5 职工参保登记",
        "    = 2.1.1 就业登记",
        "    - 仅test-2020：3.1.1 社会保障卡申领",
        "    + 仅other-2021：1.6.12 城镇职工基本养老保险关系转移接续申请",
        "≈ test-2020 7 职工退休  ↔  other-2021 5 职工退休“一件事”（相同事项 2，相似度 50%）",
        "    = 1.6.1 职工正常退休申请",
        "    = L-pension-account 养老金领取账户登记",
        "    - 仅test-2020：1.6.12 城镇职工基本养老保险关系转移接续申请",
        "    - 仅test-2020：3.1.1 社会保障卡申领",
        "- 仅test-2020：9 灵活就业人员参保",
        "+ 仅other-2021：12 档案接收和转递",
    ]


def test_diff_reports_a_mode_difference(tmp_path):
    other = OTHER_PACK_PATH.read_text(encoding="utf-8")
    other = replace_once(other, "    mode: serial\n", "    mode: parallel\n")
    other = replace_once(other, "            stage: 2\n", "            stage: 1\n")
    path = write_files(tmp_path, pack=other, name="other-2021.yaml")
    out, _ = run("diff", str(PACK_PATH), str(path))
    assert "    办理模式：serial ↔ parallel" in out.splitlines()


def test_diff_of_two_chosen_bundles_compares_them(tmp_path):
    # `--bundle A B`: "只比较这两个一件事" — the two named bundles are compared with each other,
    # even when they have no item in common.
    out, _ = run("diff", str(PACK_PATH), str(OTHER_PACK_PATH), "--bundle", "1", "5")
    lines = out.splitlines()
    assert lines[2].startswith("≈ test-2020 1 企业招聘用工  ↔  other-2021 5 职工退休“一件事”")
    assert "    - 仅test-2020：1.1.5 职工参保登记" in lines
    assert "    + 仅other-2021：1.6.1 职工正常退休申请" in lines


def test_diff_of_two_chosen_similar_bundles_by_name():
    out, _ = run("diff", str(PACK_PATH), str(OTHER_PACK_PATH), "--bundle", "职工退休", "5")
    lines = out.splitlines()
    assert lines[2].startswith("≈ test-2020 7 职工退休  ↔  other-2021 5 职工退休“一件事”")
    assert len([line for line in lines if line.startswith(("≈", "- 仅", "+ 仅"))]) == 1


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (("99", "5"), "政策包 test-2020 中没有序号或名称为“99”的一件事"),
        (("1", "不存在的一件事"), "政策包 other-2021 中没有序号或名称为“不存在的一件事”的一件事"),
    ],
)
def test_diff_of_an_unknown_bundle_is_a_clear_error(chosen, message):
    error, out, _ = run_failing("diff", str(PACK_PATH), str(OTHER_PACK_PATH), "--bundle", *chosen)
    assert str(error) == message
    assert out == ""


def test_diff_refuses_an_invalid_pack(tmp_path):
    bad = write_files(
        tmp_path, pack=replace_once(PACK_TEXT, "as: 用人单位用工参保登记", "as: 错名")
    )
    error, out, err = run_failing("diff", str(bad), str(OTHER_PACK_PATH))
    assert str(error) == "政策包未通过校验，无法比较"
    assert out == ""
    assert PROBLEM_LINE.match(err.splitlines()[0])["line"] == str(
        line_of(PACK_TEXT, "as: 用人单位用工参保登记")
    )
