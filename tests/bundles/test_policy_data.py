"""Targets, provisions and citation labels as pack data, and the rows fixed against the seeds'
wording (Jiangsu 12-1 and 10-1; item-level 办事对象)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.bundles.citations import CITATION, citation_problem
from kuaiban.bundles.models import Pack, Provision, Target, TargetKind
from kuaiban.bundles.packfile.files import read_catalogue, read_pack
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.bundles.services import pack_load
from kuaiban.bundles.targets import target_label, target_problem
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

PACKS = Path(settings.KUAIBAN_PACKS_DIR)
SEEDS = PACKS / "seeds"  # the policy documents the packs cite, as published
PACK_FILES = [
    "shandong-2020", "shandong-2023", "shanxi-2020", "jiangsu-2021", "jinan-2020", "taiyuan-2020"
]  # fmt: skip


def _seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    """The seed's words without its layout: spaces and line breaks dropped."""
    return re.sub(r"\s+", "", text)


def _spec(code: str):  # type: ignore[no-untyped-def]
    return read_pack(PACKS / f"{code}.yaml").spec


# ── Citation labels ──────────────────────────────────────────────────────────────────────────


def test_every_citation_label_of_the_catalogue_and_the_packs_follows_the_one_scheme():
    labels = [
        s for item in read_catalogue(PACKS / "catalogue.yaml").items.values() for s in item.sources
    ]
    for code in PACK_FILES:
        spec = _spec(code)
        labels += [b.source for b in spec.bundles]
        labels += [s.source for b in spec.bundles for s in b.scenarios]
        labels += [i.source for b in spec.bundles for s in b.scenarios for i in s.items]
        labels += [s.source for s in spec.speedups] + [h.source for h in spec.hot_items]
        labels += [c.source for c in spec.contact_points] + [t.source for t in spec.targets]
        labels += [p.source for p in spec.provisions]
    assert len(labels) > 800
    assert [label for label in labels if not CITATION.fullmatch(label)] == []
    # A seed's label names a seed that exists; a place's own pack cites itself (本地).
    assert {label[:3] for label in labels if label[:3].isdigit()} == {"000", "001", "003", "004"}
    assert {label.split()[0] for label in labels if not label[:3].isdigit()} == {"济南", "太原"}


@pytest.mark.parametrize(
    "label",
    [
        "000 附件1 序号6 6-2 行右移一列的情形事项",
        "附件1 序号1",
        "000 附件1 序号7 7-1 必做事项",
        "004 第13条",
    ],
)
def test_a_label_outside_the_scheme_is_reported_at_its_line(tmp_path, label):
    assert citation_problem(label)
    text = replace_once(PACK_TEXT, 'source: "900 附件1 序号7 7-1 必做事项1"', f'source: "{label}"')
    path = write_files(tmp_path, pack=text)
    line = line_of(text, f'source: "{label}"')
    find_problem(pack_problems(path), file=path, line=line, contains="标注格式")


# ── Targets ──────────────────────────────────────────────────────────────────────────────────


def test_shandong_targets_carry_source_scope_and_deadline_in_the_seeds_words():
    seed = _flat(_seed("000"))
    targets = {t.kind: t for t in _spec("shandong-2020").targets}
    assert set(targets) == {
        "bundles", "online_rate", "speedup_items", "instant_minutes", "callback_rate", "report_days"
    }  # fmt: skip
    online = targets["online_rate"]
    assert (online.value, online.scope, online.deadline) == (90, "省级事项", dt.date(2021, 6, 30))
    assert (targets["speedup_items"].value, targets["speedup_items"].ratio) == (10, 50)
    assert (targets["callback_rate"].value, targets["callback_rate"].deadline) == (100, None)
    assert (targets["report_days"].value, targets["instant_minutes"].value) == (5, 30)
    assert targets["bundles"].value == 10
    for target in targets.values():
        for part in target.text.split("……"):
            assert _flat(part) in seed, part


@pytest.mark.parametrize(
    ("code", "seed", "kinds"),
    [
        ("shanxi-2020", "001", ["bundles", "speedup_items", "chosen_speedups", "instant_minutes"]),
        ("jiangsu-2021", "003", ["bundles", "bundles", "cross_province_items", "instant_minutes"]),
    ],
)
def test_each_packs_targets_are_what_its_seed_says(code, seed, kinds):
    text = _flat(_seed(seed))
    targets = _spec(code).targets
    assert [t.kind for t in targets] == kinds
    for target in targets:
        assert _flat(target.text) in text, target.text
        assert str(target.value) in _flat(target.text)


def test_shanxi_asks_each_place_to_choose_ten_items_from_its_candidate_list():
    (chosen,) = [t for t in _spec("shanxi-2020").targets if t.kind == "chosen_speedups"]
    assert chosen.value == 10 and "备选清单" in chosen.text and chosen.scope == "各级人社部门"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("    value: 90\n", "value: 120\n"),
        ("    ratio: 50\n", ""),
    ],
)
def test_a_target_whose_numbers_do_not_fit_its_kind_is_refused(tmp_path, row, message):
    text = (PACKS / "shandong-2020.yaml").read_text(encoding="utf-8")
    edited = replace_once(text, row, f"    {message}" if message else "")
    catalogue = (PACKS / "catalogue.yaml").read_text(encoding="utf-8")
    path = write_files(tmp_path, pack=edited, name="shandong-2020.yaml", catalogue=catalogue)
    problems = pack_problems(path)
    assert any("工作目标" in p.message for p in problems), problems


def test_target_rule_and_label():
    assert target_problem(kind="online_rate", value=90, ratio=None) == ""
    assert "1 至 100" in target_problem(kind="online_rate", value=101, ratio=None)
    assert "ratio" in target_problem(kind="speedup_items", value=10, ratio=None)
    assert "只有" in target_problem(kind="bundles", value=10, ratio=50)
    assert target_label(kind="online_rate", value=90) == "≥ 90%"
    assert target_label(kind="speedup_items", value=10, ratio=50) == "≥ 10 个（提速 50%）"
    assert target_label(kind="report_days", value=5) == "≤ 5 日"


def test_targets_and_provisions_are_stored(db):
    pack = pack_load(path=PACKS / "shandong-2023.yaml").pack
    shandong = Pack.objects.get(code="shandong-2020")
    assert pack.supplements == shandong  # loaded first, from the file beside it
    assert not pack.bundles.exists()
    assert (
        Target.objects.filter(pack=shandong, kind=TargetKind.ONLINE_RATE).get().scope == "省级事项"
    )
    assert Provision.objects.filter(pack=pack).count() == len(_spec("shandong-2023").provisions)
    again = pack_load(path=PACKS / "shandong-2023.yaml")
    assert not again.changed


# ── Shandong 2023 ────────────────────────────────────────────────────────────────────────────


def test_shandong_2023_provisions_quote_the_seed_and_say_what_serves_them():
    seed = _flat(_seed("004"))
    spec = _spec("shandong-2023")
    assert spec.supplements == "shandong-2020" and spec.bundles == []
    by_code = {p.code: p for p in spec.provisions}
    for provision in spec.provisions:
        assert _flat(provision.text) in seed, provision.code
    for code in (
        "integrated-window", "front-back-office", "cannot-do-window", "service-circle",
        "extended-hours", "green-channel", "home-service", "bank-direct", "silent-certification",
        "job-retention-refund", "reduced-premium-rates", "disability-lump-sum", "cross-province",
        "province-wide",
    ):  # fmt: skip
        assert code in by_code
    assert "前台统一受理、后台分类审批、统一窗口出件" in by_code["front-back-office"].text
    assert by_code["front-back-office"].features == ("window_intake", "routing", "progress")
    assert "15分钟" in by_code["service-circle"].text and "5公里" in by_code["service-circle"].text
    # Not served yet, and said so.
    for code in ("cannot-do-window", "bank-direct", "reduced-premium-rates"):
        assert by_code[code].features == ()
    # Served by the service points and the hall's queue (kuaiban/servicepoints, appointments).
    assert by_code["service-circle"].features == ("nearby",)
    assert by_code["extended-hours"].features == ("nearby",)
    assert by_code["green-channel"].features == ("green_channel",)
    assert by_code["home-service"].features == ("appointments",)
    # Served by the proactive rules (packs/proactive/rules.yaml).
    assert by_code["silent-certification"].features == ("offers",)
    for code in ("job-retention-refund", "disability-lump-sum"):
        assert by_code[code].features == ("offers", "publicity")
    proactive = [p for p in spec.provisions if p.kind == "proactive"]
    assert [p.items for p in proactive] == [("1.8.9",), (), ("L-disability-benefits",)]


def test_a_supplement_must_be_of_the_same_region(tmp_path):
    text = (PACKS / "shandong-2023.yaml").read_text(encoding="utf-8")
    other = (PACKS / "shanxi-2020.yaml").read_text(encoding="utf-8")
    (tmp_path / "shanxi-2020.yaml").write_text(other, encoding="utf-8")
    edited = replace_once(text, "  supplements: shandong-2020", "  supplements: shanxi-2020")
    catalogue = (PACKS / "catalogue.yaml").read_text(encoding="utf-8")
    path = write_files(tmp_path, pack=edited, name="shandong-2023.yaml", catalogue=catalogue)
    find_problem(
        pack_problems(path),
        file=path,
        line=line_of(edited, "  supplements:"),
        contains="只能补充本地区",
    )


def test_the_pack_page_lists_each_provision_and_what_serves_it(db, client):
    pack_load(path=PACKS / "shandong-2023.yaml")
    page = client.get("/packs/shandong-2023/").content.decode()
    assert "鲁人社字〔2023〕88号" in page
    assert page.count("平台落实：尚未提供") == sum(
        1 for p in _spec("shandong-2023").provisions if not p.features
    )
    assert "综合窗口受理" in page and 'href="/window/"' in page
    assert "“办不成事”问题反映窗口" in page
    shandong = client.get("/packs/shandong-2020/").content.decode()
    assert "工作目标" in shandong and "省级事项" in shandong and "≥ 90%" in shandong


# ── Jiangsu 12-1 and 10-1, against the seed's wording ────────────────────────────────────────


def _seed_rows(seed: str, start: str, stop: str) -> list[list[str]]:
    text = seed[seed.index(start) :]
    text = text[: text.index(stop)]
    return [
        [cell.strip() for cell in line.split("\t")] for line in text.splitlines() if "\t" in line
    ]


def test_jiangsu_12_1_retirement_approval_is_the_approval_every_retiree_needs():
    rows = _seed_rows(_seed("003"), "2\t退休一件事\t企业职工", "机关事业单位人员")
    assert rows[0][3:] == ["企业职工基本养老保险退休审批", "单位", "打包办 (串行)", "必选"]
    assert rows[2][3] == "企业职工基本养老保险特殊工种提前退休审批" and rows[2][-1] == "可选"
    scenario = next(
        s for b in _spec("jiangsu-2021").bundles for s in b.scenarios if s.code == "12-1"
    )
    catalogue = read_catalogue(PACKS / "catalogue.yaml")
    approval, special = scenario.items[0], scenario.items[2]
    assert approval.seed_name == "企业职工基本养老保险退休审批" and approval.required
    assert catalogue.items[approval.item].name == "企业职工基本养老保险退休审批"
    assert "正常退休" not in catalogue.items[approval.item].name
    assert special.seed_name == "企业职工基本养老保险特殊工种提前退休审批"
    assert not special.required and special.when == "special_job"


@pytest.mark.usefixtures("shandong_jiangsu_world")
def test_a_special_job_retiree_gets_the_approval_and_the_special_job_approval_only():
    plan = bundle_plan(
        bundle=bundle_get(pack_code="jiangsu-2021", bundle_code="12"),
        scenario_code="12-1",
        answers={"special_job": True},
        start=SPRING_2025,
    )
    codes = [s.code for s in plan.subitems]
    assert codes == ["L-retire-approval", "L-retire-early-special"]
    assert "L-retire-qualification" not in codes


def test_jiangsu_10_1_stages_follow_the_seeds_serial_order():
    rows = _seed_rows(_seed("003"), "10\t事业单位新进人员", "序号\t一件事名称")
    names = [row[3] for row in rows]
    assert names == [
        "人员调入", "事业单位工作人员工资变动核定", "事业单位录用应届高校毕业生手续办理",
        "事业单位录用流动人才手续办理", "事业单位录用留学回国人员手续办理",
        "事业单位新进人员聘用核准备案", "机关事业单位养老保险人员增加登记",
    ]  # fmt: skip
    scenario = next(
        s for b in _spec("jiangsu-2021").bundles for s in b.scenarios if s.code == "10-1"
    )
    by_name = {i.seed_name: i for i in scenario.items}
    stages = [by_name[name].stage for name in names]
    assert stages == sorted(stages)  # never before an item the seed lists earlier
    assert stages == [1, 2, 3, 3, 3, 4, 5]  # the three 录用 procedures are alternatives


# ── Item-level 办事对象 (Jiangsu 序号2) ───────────────────────────────────────────────────────


@pytest.mark.usefixtures("shandong_jiangsu_world")
def test_a_person_is_not_offered_the_units_only_item():
    bundle = bundle_get(pack_code="jiangsu-2021", bundle_code="2")
    with pytest.raises(Unprocessable) as refused:
        bundle_plan(
            bundle=bundle,
            scenario_code="2-1",
            optional_items=["L-termination-stop-insurance"],
            start=SPRING_2025,
            applicant_kind="person",
        )
    assert "办事对象是单位" in str(refused.value.fields)
    plan = bundle_plan(
        bundle=bundle,
        scenario_code="2-1",
        answers={"injury_lumpsum": True},
        start=SPRING_2025,
        applicant_kind="person",
    )
    assert [s.code for s in plan.subitems] == ["L-injury-medical-lumpsum"]
    unit = bundle_plan(
        bundle=bundle,
        scenario_code="2-1",
        optional_items=["L-termination-stop-insurance", "L-injury-medical-lumpsum"],
        start=SPRING_2025,
        applicant_kind="unit",
    )
    assert len(unit.subitems) == 2


def test_the_proactive_services_of_a_region_are_listed_for_proactive_work(db):
    from kuaiban.bundles.models import ProvisionKind
    from kuaiban.bundles.selectors import provision_list

    pack = pack_load(path=PACKS / "shandong-2023.yaml").pack
    found = provision_list(kind=ProvisionKind.PROACTIVE, region_ids=[pack.region_id])
    assert [p.title for p in found] == [
        "失业保险稳岗返还“免申即享”",
        "阶段性降低失业、工伤保险费率“免申即享”",
        "一次性伤残补助金“免申即享”",
    ]
    assert list(provision_list(kind=ProvisionKind.PROACTIVE, region_ids=[-1])) == []


def test_the_admin_refuses_a_target_that_does_not_fit_its_kind(db):
    from django.forms import modelform_factory

    from kuaiban.bundles.admin import TargetAdminForm

    Form = modelform_factory(Target, form=TargetAdminForm, fields="__all__")
    pack = pack_load(path=PACKS / "shandong-2020.yaml").pack
    data = {
        "pack": pack.pk, "kind": "online_rate", "value": 120, "text": "x", "scope": "省级事项",
        "deadline_text": "持续推进", "source": "000 正文 一", "position": 0,
    }  # fmt: skip
    form = Form(data=data)
    assert not form.is_valid() and "1 至 100" in str(form.errors)
    form = Form(data={**data, "value": 90})
    assert form.is_valid(), form.errors
