"""A death bundle is applied for by a relative: the form's 姓名 and 公民身份号码 are the deceased's.

They are asked under the label “逝者…” and never prefilled from the applicant's own records,
while the claimant's fields are the applicant's own (prefilled)."""

from __future__ import annotations

import pytest

from kuaiban.bundles.packfile.files import PackInvalid, read_pack
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.shareddata.selectors import lookup_person

pytestmark = pytest.mark.django_db

ZHANG = "370102196503121234"  # 张建国, in the demo's shared data


@pytest.mark.parametrize(("pack", "bundle", "scenario"), [("shandong-2020", "9", "9-1")])
def test_the_deceased_is_asked_and_the_claimant_is_prefilled(world, pack, bundle, scenario) -> None:  # type: ignore[no-untyped-def]
    plan = bundle_plan(
        bundle=bundle_get(pack_code=pack, bundle_code=bundle),
        scenario_code=scenario,
        profile=lookup_person(id_number=ZHANG).profile,
        applicant_kind="person",
    )
    by_key = {f.key: f for f in plan.fields}
    for key, label in (
        ("person_name", "逝者姓名"),
        ("id_number", "逝者公民身份号码"),
        ("card_number", "逝者社会保障卡卡号"),
    ):
        assert by_key[key].label == label
        assert by_key[key].prefill is None and by_key[key].asked
    assert by_key["claimant_name"].prefill == "张建国"
    assert by_key["claimant_id_number"].prefill == ZHANG


def test_about_must_name_the_person_briefly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from django.conf import settings

    source = Path(settings.KUAIBAN_PACKS_DIR) / "shandong-2020.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "person_name: {about: 逝者}", "person_name: {about: 这位已经去世的参保人员本人}", 1
    )
    broken = tmp_path / "shandong-2020.yaml"
    broken.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "这位已经去世" in t)
    catalogue = Path(settings.KUAIBAN_PACKS_DIR) / "catalogue.yaml"
    with pytest.raises(PackInvalid) as refused:
        read_pack(broken, catalogue_path=catalogue)
    problems = refused.value.problems
    assert any(p.line == line and "about" in p.message for p in problems), problems
