"""A retiree's death: what the scenario settles is not asked of the relative.

The social security card is cancelled because its holder died (注销原因 = 死亡), and a death
that is not a work injury has no 工伤认定决定书 (工伤认定决定书文号 does not apply)."""

from __future__ import annotations

import pytest

from kuaiban.applications.validation import form_clean
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.shareddata.selectors import lookup_person

pytestmark = pytest.mark.django_db

ZHANG = "370102196503121234"  # 张建国, in the demo's shared data


def _plan(pack: str, bundle: str, scenario: str, ticked: str = "1.10.9", **answers: bool):  # type: ignore[no-untyped-def]
    return bundle_plan(
        bundle=bundle_get(pack_code=pack, bundle_code=bundle),
        scenario_code=scenario,
        optional_items=[ticked],  # 社会保障卡注销 is optional in Jiangsu 13-2
        answers=answers,
        profile=lookup_person(id_number=ZHANG).profile,
        applicant_kind="person",
    )


@pytest.mark.parametrize(
    ("pack", "bundle", "scenario", "answers"),
    [
        ("shandong-2020", "9", "9-1", {}),
        ("shanxi-2020", "9", "9-1", {"had_injury_benefits": True}),
        ("jiangsu-2021", "13", "13-2", {}),
    ],
)
def test_the_card_is_cancelled_because_its_holder_died(
    demo_world, pack, bundle, scenario, answers
) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(pack, bundle, scenario, **answers)
    by_key = {f.key: f for f in plan.fields}
    assert by_key["cancel_reason"].fixed == "死亡" and not by_key["cancel_reason"].asked
    clean, errors = form_clean(fields=plan.fields, data={"cancel_reason": "其他"})
    assert "本情形下“注销原因”为“死亡”" in errors["form.cancel_reason"][0]
    assert "cancel_reason" not in clean


@pytest.mark.parametrize(
    ("pack", "answers"),
    [("shandong-2020", {}), ("shanxi-2020", {"had_injury_benefits": True})],
)
def test_a_retirees_death_asks_for_no_injury_decision(demo_world, pack, answers) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(pack, "9", "9-1", **answers)
    field = {f.key: f for f in plan.fields}["injury_decision_number"]
    assert "1.7.29" in field.items  # 工伤保险待遇变更 is part of the bundle …
    assert field.not_applicable and not field.asked and not field.required  # … without one
    assert field in plan.settled_fields
    clean, errors = form_clean(fields=plan.fields, data={"injury_decision_number": "鲁工认2024-1"})
    assert "无须工伤认定" in errors["form.injury_decision_number"][0]
    assert "injury_decision_number" not in clean


def test_a_work_injury_death_still_asks_for_the_decision(demo_world) -> None:  # type: ignore[no-untyped-def]
    plan = _plan("jiangsu-2021", "13", "13-1", "1.7.27")
    field = {f.key: f for f in plan.fields}["injury_decision_number"]
    assert field.asked and field.required and not field.not_applicable
