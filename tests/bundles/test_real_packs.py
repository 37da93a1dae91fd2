"""The real policy packs in packs/: they validate, load, and say what the seed documents say.

Expected figures come from the seeds (../shared/seeds/): Shandong 000 (10 bundles, scenarios
1-1 … 10-5, 24 提速办 items, 13 热门高频事项), Shanxi 001 (10 bundles, 25 提速办 rows naming 27 items,
23 联系点), Jiangsu 003 (14 一件事).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.bundles.models import Bundle, BundleItem, Pack, Scenario
from kuaiban.bundles.packfile.files import read_catalogue, read_pack
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.bundles.services import pack_load
from kuaiban.core.errors import Unprocessable
from tests.bundles.helpers import SPRING_2025

PACKS_DIR = Path(settings.KUAIBAN_PACKS_DIR)
PACK_FILES = {
    "shandong-2020": "shandong-2020.yaml",
    "shanxi-2020": "shanxi-2020.yaml",
    "jiangsu-2021": "jiangsu-2021.yaml",
}
BUNDLE_COUNTS = {"shandong-2020": 10, "shanxi-2020": 10, "jiangsu-2021": 14}

# Seed 000 附件1. Bundles 8 and 9 have no scenario in the seed; the pack gives each one
# scenario named after the bundle (8-1, 9-1).
SHANDONG_SCENARIOS = {
    "1": ["1-1", "1-2", "1-3"],
    "2": ["2-1", "2-2"],
    "3": ["3-1"],
    "4": ["4-1"],
    "5": ["5-1", "5-2", "5-3", "5-4", "5-5", "5-6", "5-7"],
    "6": ["6-1", "6-2", "6-3"],
    "7": ["7-1", "7-2", "7-3", "7-4"],
    "8": ["8-1"],
    "9": ["9-1"],
    "10": ["10-1", "10-2", "10-3", "10-4", "10-5"],
}


def _path(code: str) -> Path:
    path = PACKS_DIR / PACK_FILES[code]
    if not path.exists():
        pytest.fail(f"waiting on the pack file {path}")
    return path


@pytest.fixture
def all_packs(province_packs_world):  # type: ignore[no-untyped-def]
    """Every real pack, loaded by `pack_load` once per session (tests/worlds.py)."""
    return {code: Pack.objects.get(code=code) for code in PACK_FILES}


def test_the_catalogue_validates():
    catalogue = read_catalogue(PACKS_DIR / "catalogue.yaml")
    assert catalogue.items
    # Every item is traceable to a seed.
    assert [code for code, item in catalogue.items.items() if not item.sources] == []


@pytest.mark.parametrize("code", list(PACK_FILES))
def test_every_real_pack_validates(code):
    pack_file = read_pack(_path(code))  # raises PackInvalid listing every problem
    assert pack_file.spec.code == code
    assert len(pack_file.spec.bundles) == BUNDLE_COUNTS[code]


def test_loading_all_three(all_packs):
    assert sorted(Pack.objects.values_list("code", flat=True)) == sorted(PACK_FILES)
    for code, expected in BUNDLE_COUNTS.items():
        assert Bundle.objects.filter(pack__code=code).count() == expected, code


def test_loading_again_changes_nothing(all_packs):
    before = (Bundle.objects.count(), Scenario.objects.count(), BundleItem.objects.count())
    for code in PACK_FILES:
        assert pack_load(path=_path(code)).changed is False
    assert (Bundle.objects.count(), Scenario.objects.count(), BundleItem.objects.count()) == before


def test_shandong(all_packs):
    pack = all_packs["shandong-2020"]
    scenarios = {
        bundle.code: [s.code for s in bundle.scenarios.order_by("position")]
        for bundle in pack.bundles.order_by("position")
    }
    assert scenarios == SHANDONG_SCENARIOS
    assert pack.speedups.count() == 24
    assert sorted(pack.speedups.values_list("seq", flat=True)) == list(range(1, 25))
    assert pack.hot_items.count() == 13
    assert sorted(pack.hot_items.values_list("seq", flat=True)) == list(range(1, 14))
    assert all(h.channels for h in pack.hot_items.all())


def test_shanxi(all_packs):
    pack = all_packs["shanxi-2020"]
    # 25 rows; row 5 is the group 劳动能力鉴定申请（含1.7.5…；1.7.6…；1.7.7…）, one limit for all three.
    assert sorted(set(pack.speedups.values_list("seq", flat=True))) == list(range(1, 26))
    assert pack.speedups.count() == 27
    five = pack.speedups.filter(seq=5).order_by("item__code")
    assert [(s.item.code, s.seed_name) for s in five] == [
        ("1.7.5", "劳动能力鉴定申请"),
        ("1.7.6", "劳动能力再次鉴定申请"),
        ("1.7.7", "劳动能力复查鉴定申请"),
    ]
    assert {(s.promised_limit_value, s.promised_limit_unit, s.group) for s in five} == {
        (
            30,
            "calendar_days",
            "劳动能力鉴定申请（含1.7.5劳动能力鉴定申请；1.7.6劳动能力再次鉴定申请；1.7.7劳动能力复查鉴定申请）",
        )
    }
    assert pack.contact_points.count() == 23
    assert pack.hot_items.count() == 0


def test_jiangsu(all_packs):
    pack = all_packs["jiangsu-2021"]
    assert pack.bundles.count() == 14
    assert pack.contact_points.count() == 0
    # Every Jiangsu 一件事 has a mode from the seed (整合办 / 打包办 并行 / 串行).
    assert set(pack.bundles.values_list("mode", flat=True)) <= {"parallel", "serial", "integrated"}


def test_everything_has_a_source(all_packs):
    assert not BundleItem.objects.filter(source="").exists()
    assert not Scenario.objects.filter(source="").exists()
    assert not Bundle.objects.filter(source="").exists()


@pytest.mark.usefixtures("seeded_calendar")
def test_planning_shandong_retirement_saves_work(all_packs):
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="7")
    plan = bundle_plan(bundle=bundle, scenario_code="7-1", start=SPRING_2025)
    burden = {k: (v.separate, v.bundled) for k, v in plan.burden.items()}
    for kind in ("fields", "materials", "applications"):
        separate, bundled = burden[kind]
        assert bundled < separate, (kind, burden)
    assert burden["applications"] == (len(plan.subitems), 1)
    assert plan.promised_due_date > SPRING_2025.date()


# Seed 000 附件1 序号5: the pension-transfer group of each 5-x scenario, verbatim. It names
# 1.6.15 (and in 5-1, 5-2 also 1.6.17), never 1.6.12 城镇职工基本养老保险关系转移接续申请.
SHANDONG_5_TRANSFER = {
    "5-1": (
        "养老保险关系转移接续（含机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请；"
        "军地养老保险关系转移接续申请）",
        ["1.6.15", "1.6.17"],
    ),
    "5-2": (
        "养老保险关系转移接续（含机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请；"
        "军地养老保险关系转移接续申请）",
        ["1.6.15", "1.6.17"],
    ),
    **{
        code: (
            "养老保险关系转移接续（含机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请）",
            ["1.6.15"],
        )
        for code in ("5-3", "5-5", "5-6")
    },
}


@pytest.mark.parametrize("scenario_code", list(SHANDONG_5_TRANSFER))
def test_shandong_5_pension_transfer_is_the_items_the_seed_names(all_packs, scenario_code):
    wording, codes = SHANDONG_5_TRANSFER[scenario_code]
    scenario = Scenario.objects.get(
        bundle__pack__code="shandong-2020", bundle__code="5", code=scenario_code
    )
    rows = [bi for bi in scenario.bundle_items.all() if bi.item.code.startswith("1.6.1")]
    assert sorted(bi.item.code for bi in rows) == codes
    for bi in rows:
        # The group is the seed's wording; each member's name is one the wording contains.
        assert bi.group == wording
        assert bi.seed_name in wording and bi.seed_name in [bi.item.name, *bi.item.aliases]


@pytest.mark.usefixtures("seeded_calendar")
def test_shandong_5_3_does_not_take_the_1_6_12_speed_up(all_packs):
    # 附件2 序号2 speeds up 1.6.12 (45 → 15 working days); 5-3's transfer is 1.6.15, which the
    # 提速办 list does not name, so its limit is the catalogue's own.
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="5")
    plan = bundle_plan(bundle=bundle, scenario_code="5-3", start=SPRING_2025)
    transfer = next(s for s in plan.subitems if s.code == "1.6.15")
    assert "1.6.12" not in [s.code for s in plan.subitems]
    assert transfer.limits.speedup is None


# Every “…（含A；B）” group of the seeds, with the members it names (seed 000 附件1, 001 附件1).
GROUPS = {
    ("shandong-2020", "1", "1-2", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.17"],
    ("shandong-2020", "1", "1-3", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.17"],
    ("shandong-2020", "8", "8-1", "工伤医疗费用申报（含"): ["1.7.21", "1.7.22", "1.7.13", "1.7.23"],
    ("shandong-2020", "8", "8-1", "一次性及长期待遇申领（含"): ["1.7.27", "1.7.28"],
    ("shanxi-2020", "1", "1-1", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.17"],
    ("shanxi-2020", "5", "5-1", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.17"],
    ("shanxi-2020", "6", "6-1", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.17"],
    ("shanxi-2020", "7", "7-1", "养老保险关系转移接续（含"): ["1.6.12", "1.6.15", "1.6.16"],
    ("shanxi-2020", "8", "8-1", "工伤备案登记（含"): ["1.7.2", "1.7.3"],
    ("shanxi-2020", "8", "8-1", "工伤医疗费用申报（含"): ["1.7.21", "1.7.22", "1.7.13", "1.7.23"],
    ("shanxi-2020", "8", "8-1", "一次性及长期待遇申领（含"): ["1.7.27", "1.7.28"],
}


@pytest.mark.parametrize("key", list(GROUPS), ids=lambda k: f"{k[0]}-{k[2]}-{k[3]}")
def test_every_member_of_a_seed_group_is_an_item_of_its_scenario(all_packs, key):
    pack, bundle, scenario, head = key
    rows = BundleItem.objects.filter(
        scenario__bundle__pack__code=pack,
        scenario__bundle__code=bundle,
        scenario__code=scenario,
        group__startswith=head,
    ).order_by("position")
    assert [bi.item.code for bi in rows] == GROUPS[key]
    (wording,) = {bi.group for bi in rows}
    for bi in rows:
        # Shanxi prefixes each member with its code (“1.6.15机关事业单位…”).
        assert bi.seed_name in wording, (bi.item.code, bi.seed_name)


@pytest.mark.usefixtures("seeded_calendar")
def test_shandong_8_1_asks_which_costs_and_pays_the_death_grant_always(all_packs):
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="8")
    with pytest.raises(Unprocessable) as caught:
        bundle_plan(bundle=bundle, scenario_code="8-1", start=SPRING_2025)
    assert "工伤医疗费用申报（含" in caught.value.fields["items"][0]  # type: ignore[index]
    plan = bundle_plan(
        bundle=bundle,
        scenario_code="8-1",
        start=SPRING_2025,
        optional_items=["1.7.22", "1.7.23"],
        answers={"has_dependants": True},
    )
    assert sorted(s.code for s in plan.subitems) == ["1.7.22", "1.7.23", "1.7.27", "1.7.28"]
    # 1.7.21 and 1.7.13 were not ticked: the seed's group is not one item standing for all.
    assert all(s.group for s in plan.subitems)


def test_shandong_5_notes_belong_to_their_scenarios(all_packs):
    bundle = Bundle.objects.get(pack__code="shandong-2020", code="5")
    notes = {s.code: s.notes for s in bundle.scenarios.all()}
    # Seed 000 附件1 序号5, 5-7's 备注 2 and 3: only 5-7 (退休) pays a pension.
    pension = "支持联动获取社会保障卡持卡人社会保障卡银行账户，并默认通过该账户发放养老保险待遇，发放账户维护申请可不必重新办理。"
    assert [code for code, n in notes.items() if pension in n] == ["5-7"]
    assert notes["5-2"][0] == "核定工资待遇后，联动办理养老保险、失业保险、工伤保险业务。"
    assert len(notes["5-1"]) == 5 and len(notes["5-7"]) == 3
    assert bundle.notes == []


def test_jiangsu_2_items_keep_their_own_targets(all_packs):
    # Seed 003 附件1 序号2: 用人单位退工停保登记 “单位”, 一次性工伤医疗补助金申领 “个人(单位)”.
    rows = BundleItem.objects.filter(
        scenario__bundle__pack__code="jiangsu-2021", scenario__bundle__code="2"
    ).order_by("position")
    assert [(bi.seed_name, bi.target) for bi in rows] == [
        ("用人单位退工停保登记", "unit"),
        ("一次性工伤医疗补助金申领", "both"),
    ]


def test_shandong_1_situation_items_are_offered_in_every_scenario(all_packs):
    # Seed 000 附件1 序号1 has two 情形 cells for three scenarios and assigns them to none:
    # each item is behind its own question, so every scenario offers both cells.
    situational = {"3.4.1", "3.4.7", "1.6.12", "1.6.15", "1.6.17", "1.8.8"}
    for code in ("1-1", "1-2", "1-3"):
        rows = BundleItem.objects.filter(
            scenario__bundle__pack__code="shandong-2020",
            scenario__bundle__code="1",
            scenario__code=code,
        )
        optional = {bi.item.code for bi in rows if not bi.required}
        assert optional == situational, code
        assert all(bi.when for bi in rows if not bi.required), code


def test_shandong_3_1_skills_training_is_a_service_the_person_chooses(all_packs):
    # Seed 000 附件1 序号3 3-1 必做事项7 “技能培训”: training, not the 1.8.3 subsidy (money).
    (row,) = BundleItem.objects.filter(
        scenario__bundle__pack__code="shandong-2020", scenario__code="3-1", seed_name="技能培训"
    )
    assert (row.item.code, row.item.pays_money, row.required) == ("L-skills-training", False, False)
    assert "1.8.3" not in {
        bi.item.code
        for bi in BundleItem.objects.filter(
            scenario__bundle__pack__code="shandong-2020", scenario__code="3-1"
        )
    }


def test_shanxi_speed_up_19_is_bureau_set_like_16(all_packs):
    # Seed 001 附件2: 16 and 19 both give the province's own step and leave 市、县 to set theirs.
    rows = {s.seq: s for s in all_packs["shanxi-2020"].speedups.filter(seq__in=(16, 19))}
    assert "各市、县结合实际制定提速目标" in rows[16].promised_text
    assert "各市、县结合实际制定提速目标" in rows[19].promised_text
    assert {s.promised_set_by for s in rows.values()} == {"bureau"}


def test_shanxi_1_6_1_is_instant_at_the_window_but_never_done_by_the_system(all_packs):
    # Seed 001 附件2 序号1 “申报材料完整，即时办理”: a clerk finishes it at once (即办); it pays
    # a pension, so the system never approves it alone (秒办).
    row = all_packs["shanxi-2020"].speedups.get(seq=1)
    assert (row.item.code, row.promised_limit_unit) == ("1.6.1", "instant")
    assert row.item.pays_money and not row.item.system_performs


@pytest.mark.parametrize("code", ["shandong-2020", "shanxi-2020"])
def test_card_on_the_spot_is_a_coverage_target_not_every_county_limit(all_packs, code):
    # “批量制发30个工作日；70%以上区县零星制发实现立等可取”: up to 30% of counties may not,
    # so the default stays at the legal 5 working days, set by the bureau.
    row = all_packs[code].speedups.get(item__code="1.10.1")
    assert "70%以上区县零星制发实现立等可取" in row.promised_text
    assert (row.promised_limit_value, row.promised_limit_unit, row.promised_set_by) == (
        5,
        "working_days",
        "bureau",
    )
