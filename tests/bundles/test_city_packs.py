"""City packs that `extend` their province's pack (向上兼容): the rules, diff, load, and the most
local pack an applicant gets."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kuaiban.bundles import compat
from kuaiban.bundles.models import Bundle, LimitSetBy, Pack, Scenario, SpeedUp
from kuaiban.bundles.selectors import pack_for_region, pack_local_limits, packs_for_region
from kuaiban.bundles.services import pack_load
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.catalogue.models import Region, RegionLevel
from kuaiban.core.errors import Unprocessable
from tests.admin_forms import change_form_data
from tests.bundles.helpers import (
    PACK_TEXT,
    find_problem,
    line_of,
    pack_problems,
    replace_once,
    write_files,
)

CITY_TEXT = """\
pack:
  code: test-city
  name: 测试市本地清单
  region: {code: "370100", name: 测试市}
  extends: test-2020
  basis: 测试市人社局本地化安排
  version: "1"
bundles:
  - code: "7"
    name: 职工退休
    target: person
    mode: serial
    promised_limit: null
    source: "测试市 本地 7"
    questions:
      - key: has_other_pension
        text: 您是否在其他地区有养老保险关系？
    scenarios:
      - code: "7-1"
        name: 正常退休
        source: "测试市 本地 7-1"
        items:
          - {item: "1.6.12", as: 养老保险关系转移, required: false, stage: 1, when: has_other_pension, source: "测试市 本地 7-1 必做事项1"}
          - {item: "1.6.1", as: 职工正常退休（职）申请核准, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}
          - {item: "L-pension-account", as: 养老金领取账户登记, required: true, stage: 2, source: "测试市 本地 7-1 必做事项1"}
          - {item: "3.1.1", as: 社会保障卡申领, required: false, stage: 2, source: "测试市 本地 7-1 必做事项1"}
      - code: "7-2"
        name: 因病提前退休
        source: "测试市 本地 7-2"
        items:
          - {item: "1.6.1", as: 职工正常退休申请, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}
          - {item: "L-pension-account", as: 养老金领取账户登记, required: true, stage: 2, source: "测试市 本地 7-1 必做事项1"}
          - {item: "3.1.1", as: 社会保障卡申领, required: false, stage: 2, source: "测试市 本地 7-1 必做事项1"}
  - code: L1
    name: 本地就业报到
    target: person
    mode: parallel
    promised_limit: null
    set_by: bureau
    basis: 测试市人社局本地打包
    source: "测试市 本地 L1"
    scenarios:
      - code: L1-1
        name: 到本市就业报到
        source: "测试市 本地 L1-1"
        items:
          - {item: "2.1.1", as: 就业登记, required: true, source: "测试市 本地 L1-1 必做事项1"}
speedups:
  - province_seq: 2
    promised_text: 10个工作日
    promised_limit: {value: 10, unit: working_days}
    source: "测试市 本地 提速办 序号2"
"""


def _city(tmp_path: Path, text: str = CITY_TEXT, province: str = PACK_TEXT) -> Path:
    write_files(tmp_path, pack=province)
    path = tmp_path / "test-city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(CommandError):  # a failed validation: its report is in ``err``
        call_command("pack", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# The rules as pure functions


def test_a_promised_limit_may_be_shortened_never_lengthened():
    five, ten = TimeLimit(LimitUnit.WORKING_DAYS, 5), TimeLimit(LimitUnit.WORKING_DAYS, 10)
    assert (
        compat.limit_not_lengthened(promised=five, inherited=ten, inherited_set_by="seed") is None
    )
    problem = compat.limit_not_lengthened(promised=ten, inherited=five, inherited_set_by="seed")
    assert problem and "长于上级政策包的5工作日" in problem
    # A number the province's text leaves to each place binds nobody …
    assert (
        compat.limit_not_lengthened(promised=ten, inherited=five, inherited_set_by="bureau") is None
    )
    # … but the legal limit still does.
    assert compat.limit_problems(
        promised=ten, inherited=five, inherited_set_by="bureau", legal=five
    ) == ["承诺时限10工作日长于法定时限5工作日"]


def test_required_items_stay_and_stay_required():
    inherited = [
        compat.InheritedItem(item="a", required=True),
        compat.InheritedItem(item="b", required=True),
        compat.InheritedItem(item="c", required=False),
    ]
    assert (
        compat.required_item_problems(
            scenario="1-1", inherited=inherited, own={"a": True, "b": True, "d": False}
        )
        == []
    )
    problems = compat.required_item_problems(scenario="1-1", inherited=inherited, own={"b": False})
    assert len(problems) == 2
    assert "删去了上级政策包的必做事项“a”" in problems[0]
    assert "必做事项“b”改为可选" in problems[1]


def test_a_candidate_list_needs_enough_picks():
    assert compat.picks_problem(picked=10, min_pick=10) is None
    assert (
        compat.picks_problem(picked=9, min_pick=10) == "从备选清单中只选取了 9 项，应选取 10 项以上"
    )


# ---------------------------------------------------------------------------------------------
# The file: a good city pack resolves; every breach kind is refused at its line


def test_a_city_pack_resolves_against_its_province(tmp_path):
    from kuaiban.bundles.packfile.files import read_pack

    pack_file = read_pack(_city(tmp_path))
    spec = pack_file.spec
    assert pack_file.parent is not None and pack_file.parent.spec.code == "test-2020"
    assert [b.code for b in spec.bundles] == ["1", "7", "9", "L1"]
    local = spec.bundles[-1]
    assert local.set_by == LimitSetBy.BUREAU and local.basis == "测试市人社局本地打包"
    limits = {s.item: s for s in spec.speedups}
    assert limits["1.6.12"].promised_limit == TimeLimit(LimitUnit.WORKING_DAYS, 10)
    assert limits["1.6.1"].promised_limit == TimeLimit(LimitUnit.WORKING_DAYS, 5)  # inherited
    assert spec.extension is not None
    assert spec.extension.added_bundles == ("L1",)
    assert spec.extension.added_items == (("7", "7-2", ("3.1.1",)),)


BREACHES = [
    pytest.param(
        "speedups:\n",
        'omit: ["9"]\nspeedups:\n',
        'omit: ["9"]',
        "不得删去上级政策包的一件事“9 灵活就业人员参保”",
        id="drops-a-bundle",
    ),
    pytest.param(
        '      - code: "7-2"\n        name: 因病提前退休\n        source: "测试市 本地 7-2"\n'
        "        items:\n"
        '          - {item: "1.6.1", as: 职工正常退休申请, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}\n'
        '          - {item: "L-pension-account", as: 养老金领取账户登记, required: true, stage: 2, source: "测试市 本地 7-1 必做事项1"}\n'
        '          - {item: "3.1.1", as: 社会保障卡申领, required: false, stage: 2, source: "测试市 本地 7-1 必做事项1"}\n',
        "",
        '  - code: "7"',
        "删去了上级政策包的场景“7-2”",
        id="drops-a-scenario",
    ),
    pytest.param(
        '          - {item: "1.6.1", as: 职工正常退休（职）申请核准, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}\n',
        "",
        '      - code: "7-1"',
        "场景“7-1”删去了上级政策包的必做事项“1.6.1”",
        id="drops-a-required-item",
    ),
    pytest.param(
        '          - {item: "1.6.1", as: 职工正常退休（职）申请核准, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}\n',
        '          - {item: "1.6.1", as: 职工正常退休（职）申请核准, required: false, stage: 1, source: "测试市 本地 7-1 必做事项1"}\n',
        '      - code: "7-1"',
        "必做事项“1.6.1”改为可选",
        id="makes-a-required-item-optional",
    ),
    pytest.param(
        "    promised_limit: {value: 10, unit: working_days}\n",
        "    promised_limit: {value: 20, unit: working_days}\n",
        "    promised_limit: {value: 20",
        "承诺时限20工作日长于上级政策包的15工作日",
        id="lengthens-a-promised-limit",
    ),
    pytest.param(
        "    promised_limit: {value: 10, unit: working_days}\n",
        "    promised_limit: {value: 50, unit: working_days}\n",
        "    promised_limit: {value: 50",
        "承诺时限50工作日长于法定时限45工作日",
        id="promises-beyond-the-legal-limit",
    ),
    pytest.param(
        "    basis: 测试市人社局本地打包\n",
        "",
        "  - code: L1",
        "本地新增的一件事，应写明依据 basis",
        id="local-bundle-without-basis",
    ),
    pytest.param(
        "  - province_seq: 2\n",
        "  - province_seq: 7\n",
        "  - province_seq: 7",
        "提速办清单中没有序号7",
        id="picks-a-row-that-does-not-exist",
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "message"), BREACHES)
def test_each_breach_is_refused_at_its_line(tmp_path, old, new, needle, message):
    text = replace_once(CITY_TEXT, old, new)
    path = _city(tmp_path, text)
    find_problem(pack_problems(path), file=path, line=line_of(text, needle), contains=message)


def test_a_broken_city_pack_reports_every_breach_at_once(tmp_path):
    text = CITY_TEXT
    text = replace_once(text, "speedups:\n", 'omit: ["9"]\nspeedups:\n')
    text = replace_once(
        text,
        '          - {item: "1.6.1", as: 职工正常退休（职）申请核准, required: true, stage: 1, source: "测试市 本地 7-1 必做事项1"}\n',
        "",
    )
    text = replace_once(
        text,
        "    promised_limit: {value: 10, unit: working_days}\n",
        "    promised_limit: {value: 50, unit: working_days}\n",
    )
    path = _city(tmp_path, text)
    problems = pack_problems(path)
    expected = [
        ('omit: ["9"]', "不得删去上级政策包的一件事"),
        ('      - code: "7-1"', "必做事项“1.6.1”"),
        ("    promised_limit: {value: 50", "长于上级政策包"),
        ("    promised_limit: {value: 50", "长于法定时限"),
    ]
    for needle, message in expected:
        find_problem(problems, file=path, line=line_of(text, needle), contains=message)
    assert len(problems) == len(expected), "\n".join(str(p) for p in problems)


def test_a_row_of_the_province_list_is_named_by_its_number(tmp_path):
    text = CITY_TEXT + (
        '  - seq: 9\n    item: "1.6.1"\n    as: 职工正常退休申请\n    legal_text: 20个工作日\n'
        "    promised_text: 3个工作日\n    legal_limit: {value: 20, unit: working_days}\n"
        "    promised_limit: {value: 3, unit: working_days}\n    promised_set_by: seed\n"
        '    source: "测试市 本地 提速办 序号9"\n'
    )
    path = _city(tmp_path, text)
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(text, "  - seq: 9"),
        contains="已在上级清单序号1，应写 province_seq: 1",
    )


def test_a_missing_province_file_is_reported_at_extends(tmp_path):
    path = _city(tmp_path, replace_once(CITY_TEXT, "extends: test-2020", "extends: nowhere-2020"))
    find_problem(
        pack_problems(path), file=path, line=5, contains="找不到上级政策包文件 nowhere-2020.yaml"
    )


CANDIDATES = 'speedup_list:\n  kind: candidates\n  min_pick: 2\n  text: 选取 2 个以上事项\n  source: "900 正文 一"\nspeedups:\n'


def test_a_candidate_list_applies_only_what_the_city_picks(tmp_path):
    from kuaiban.bundles.packfile.files import read_pack

    province = replace_once(PACK_TEXT, "speedups:\n", CANDIDATES)
    text = CITY_TEXT + '  - {province_seq: 1, source: "测试市 本地 提速办 选取 900 附件2 序号1"}\n'
    spec = read_pack(_city(tmp_path, text, province)).spec
    assert spec.extension is not None and spec.extension.picked == (1, 2)
    assert {s.item for s in spec.speedups} == {"1.6.1", "1.6.12"}


def test_too_few_picks_from_a_candidate_list_are_refused(tmp_path):
    province = replace_once(PACK_TEXT, "speedups:\n", CANDIDATES)
    path = _city(tmp_path, CITY_TEXT, province)
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(CITY_TEXT, "speedups:"),
        contains="从备选清单中只选取了 1 项，应选取 2 项以上",
    )


def test_the_real_packs_validate_and_the_shanxi_list_is_a_candidate_list():
    from django.conf import settings

    from kuaiban.bundles.packfile.files import read_pack

    packs = Path(settings.KUAIBAN_PACKS_DIR)
    shanxi = read_pack(packs / "shanxi-2020.yaml").spec
    assert shanxi.speedup_list is not None
    assert (shanxi.speedup_list.kind, shanxi.speedup_list.min_pick) == ("candidates", 10)
    assert shanxi.speedup_list.source == "001 正文 二（二）"
    taiyuan = read_pack(packs / "taiyuan-2020.yaml").spec
    assert taiyuan.extension is not None and len(taiyuan.extension.picked) >= 10
    assert {s.seq for s in taiyuan.speedups} == set(taiyuan.extension.picked)
    jinan = read_pack(packs / "jinan-2020.yaml").spec
    assert jinan.extension is not None
    assert jinan.extension.added_bundles == ("L1",)
    assert len(jinan.extension.shortened) == 2


# ---------------------------------------------------------------------------------------------
# `kuaiban pack diff` and `validate`


def test_diff_shows_a_city_pack_against_its_province(tmp_path):
    out, err = _run("diff", str(_city(tmp_path)))
    assert err == ""
    lines = out.splitlines()
    assert (
        lines[0]
        == "test-city（测试市本地清单，测试市）扩展 test-2020（测试省推进“人社服务快办行动”实施办法）"
    )
    assert lines[1] == "依据：测试市人社局本地化安排"
    assert "+ 新增一件事 L1 本地就业报到（本地新增；依据：测试市人社局本地打包）" in lines
    assert "    + L1-1 2.1.1 就业登记（必做）" in lines
    assert "+ 一件事 7 职工退休 场景 7-2 新增事项：" in lines
    assert "    + 3.1.1 社会保障卡申领" in lines
    assert (
        "↓ 缩短承诺时限 序号2 1.6.12 城镇职工基本养老保险关系转移接续申请：15工作日 → 10工作日"
        in lines
    )
    assert lines[-1] == "= 沿用 test-2020 的一件事 2 件（共 4 件）"


def test_diff_of_the_taiyuan_pack_lists_its_picks():
    from django.conf import settings

    out, _ = _run("diff", str(Path(settings.KUAIBAN_PACKS_DIR) / "taiyuan-2020.yaml"))
    assert "✓ 从备选清单选取 12 项（至少 10 项，001 正文 二（二））：" in out
    assert "✎ 本地定数 序号13 2.5.1 创业补贴申领：10工作日" in out


def test_validate_reports_a_breach_with_file_and_line(tmp_path):
    text = replace_once(CITY_TEXT, "speedups:\n", 'omit: ["9"]\nspeedups:\n')
    path = _city(tmp_path, text)
    _, err = _run("validate", str(path))
    assert f"{path}:{line_of(text, 'omit:')}: 不得删去上级政策包的一件事“9 灵活就业人员参保”" in err


# ---------------------------------------------------------------------------------------------
# Loading, and the most local pack


@pytest.fixture
def city(db, tmp_path) -> Pack:
    return pack_load(path=_city(tmp_path)).pack


def test_loading_a_city_pack_loads_its_province_first(city):
    province = Pack.objects.get(code="test-2020")
    assert city.extends == province and city.local_basis == "测试市人社局本地化安排"
    assert city.region.level == RegionLevel.CITY and city.region.parent == province.region
    local = Bundle.objects.get(pack=city, code="L1")
    assert local.set_by == LimitSetBy.BUREAU and local.basis == "测试市人社局本地打包"
    assert city.bundles.count() == 4 and province.bundles.count() == 3
    assert SpeedUp.objects.get(pack=city, item__code="1.6.12").promised_limit_value == 10
    assert SpeedUp.objects.get(pack=province, item__code="1.6.12").promised_limit_value == 15
    [faster] = pack_local_limits(pack=city)
    assert (faster.item.code, faster.promised.value, faster.inherited.value) == ("1.6.12", 10, 15)


def test_loading_again_changes_nothing(city, tmp_path):
    assert pack_load(path=tmp_path / "test-city.yaml").changed is False


def test_the_most_local_pack_covers_the_applicant(city):
    province = Pack.objects.get(code="test-2020")
    district = Region.objects.create(
        code="370102", name="历下区", level=RegionLevel.COUNTY, parent=city.region
    )
    elsewhere = Region.objects.create(
        code="370200", name="青岛市", level=RegionLevel.CITY, parent=province.region
    )
    assert packs_for_region(region_id=district.pk) == [city]
    assert packs_for_region(region_id=elsewhere.pk) == [province]
    assert packs_for_region(region_id=None) == [province]
    assert pack_for_region(pack=province, region_id=district.pk) == city
    assert pack_for_region(pack=province, region_id=elsewhere.pk) == province
    assert pack_for_region(pack=city, region_id=district.pk) == city
    with pytest.raises(Unprocessable) as refused:
        pack_for_region(pack=city, region_id=elsewhere.pk)
    assert "只适用于测试市" in refused.value.message


def test_the_api_lists_what_applies_in_a_region(city, client):
    Region.objects.create(
        code="370102", name="历下区", level=RegionLevel.COUNTY, parent=city.region
    )
    packs = client.get("/api/v1/packs", {"region": "370102"}).json()
    assert [(p["code"], p["extends"], p["region_code"]) for p in packs] == [
        ("test-city", "test-2020", "370100")
    ]
    assert len(client.get("/api/v1/packs").json()) == 2
    bundles = client.get("/api/v1/bundles", {"pack": "test-2020", "region": "370102"}).json()
    assert [(b["code"], b["pack"], b["local"]) for b in bundles] == [
        ("1", "test-city", False),
        ("7", "test-city", False),
        ("9", "test-city", False),
        ("L1", "test-city", True),
    ]
    detail = client.get("/api/v1/bundles/test-city/7").json()
    promised = {i["code"]: i["promised_limit"]["value"] for i in detail["scenarios"][0]["items"]}
    assert promised["1.6.12"] == 10
    assert client.get("/api/v1/packs", {"region": "999999"}).status_code == 404
    assert client.get("/api/v1/packs", {"region": "37"}).status_code == 422
    outside = client.get("/api/v1/bundles", {"pack": "test-city", "region": "370000"})
    assert outside.status_code == 422 and outside.json()["error"]["fields"]["pack"]


# ---------------------------------------------------------------------------------------------
# The admin applies the same rules to a loaded city pack


def test_the_admin_refuses_a_city_limit_longer_than_the_provinces(admin_client, city):
    speedup = SpeedUp.objects.get(pack=city, item__code="1.6.12")  # 济南 10, province 15
    url = f"/admin/bundles/speedup/{speedup.pk}/change/"
    page = admin_client.get(url)
    response = admin_client.post(url, change_form_data(page, promised_limit_value=16))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "承诺时限16工作日长于上级政策包的15工作日" in errors
    assert (
        admin_client.post(url, change_form_data(page, promised_limit_value=12)).status_code == 302
    )
    speedup.refresh_from_db()
    assert speedup.promised_limit_value == 12


def test_the_admin_refuses_making_an_inherited_required_item_optional(admin_client, city):
    scenario = Scenario.objects.get(bundle__pack=city, bundle__code="7", code="7-1")
    url = f"/admin/bundles/scenario/{scenario.pk}/change/"
    page = admin_client.get(url)
    data = change_form_data(page)
    formset = page.context["inline_admin_formsets"][0].formset
    [row] = [f for f in formset.forms if f.instance.item.code == "1.6.1"]
    data.pop(row.add_prefix("required"))  # an unticked checkbox is not posted
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(
        str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert "必做事项“1.6.1”改为可选" in errors
    assert scenario.bundle_items.get(item__code="1.6.1").required


def test_the_admin_cannot_delete_an_inherited_bundle_of_a_city_pack(admin_client, city):
    inherited = Bundle.objects.get(pack=city, code="7")
    local = Bundle.objects.get(pack=city, code="L1")
    assert (
        admin_client.post(
            f"/admin/bundles/bundle/{inherited.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Bundle.objects.filter(pk=inherited.pk).exists()
    assert admin_client.get(f"/admin/bundles/bundle/{local.pk}/delete/").status_code == 200


def test_the_candidate_list_is_stored_and_shown(tmp_path, client, db):
    province = replace_once(PACK_TEXT, "speedups:\n", CANDIDATES)
    text = CITY_TEXT + '  - {province_seq: 1, source: "测试市 本地 提速办 选取 900 附件2 序号1"}\n'
    city = pack_load(path=_city(tmp_path, text, province)).pack
    parent = city.extends
    assert parent is not None
    assert (parent.speedup_list, parent.speedup_min_pick) == ("candidates", 2)
    assert (
        parent.speedup_list_source == "900 正文 一"
        and parent.speedup_list_text == "选取 2 个以上事项"
    )
    assert city.speedup_list == "binding"
    page = client.get("/packs/test-2020/").content.decode()
    assert "“提速办”服务事项备选清单（2 项）" in page and "各地从中选取 2 项以上" in page
    page = client.get("/packs/test-city/").content.decode()
    assert "选自山东省备选清单" in page and "本地依据：测试市人社局本地化安排" in page
    assert "测试市本地" in page
