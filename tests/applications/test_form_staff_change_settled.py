"""A unit hiring or letting go: what the scenario settles is not asked of the unit.

Hiring (Shandong 1-1 to 1-3, Shanxi 1-1) is 增员 with a 劳动合同订立 filing. Ending a contract
(Shandong 2-1 / 2-2, Shanxi 2-1): the employee leaves, so 增减类型 is 减员; whether the contract
is 解除 or 终止 stays the unit's to say."""

from __future__ import annotations

import pytest

from kuaiban.applications.models import Application
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.core.errors import Unprocessable
from kuaiban.shareddata.selectors import lookup_enterprise
from tests.workbench.helpers import submit_termination

pytestmark = pytest.mark.django_db

QILU = "91370100MA3C4X5K7L"


def _plan(pack: str, bundle: str, scenario: str):  # type: ignore[no-untyped-def]
    return bundle_plan(
        bundle=bundle_get(pack_code=pack, bundle_code=bundle),
        scenario_code=scenario,
        profile=lookup_enterprise(credit_code=QILU).profile,
        applicant_kind="unit",
    )


@pytest.mark.parametrize(
    ("pack", "scenario"),
    [
        ("shandong-2020", "1-1"),
        ("shandong-2020", "1-2"),
        ("shandong-2020", "1-3"),
        ("shanxi-2020", "1-1"),
    ],
)
def test_hiring_is_an_addition_with_a_new_contract(world, pack: str, scenario: str) -> None:  # type: ignore[no-untyped-def]
    by_key = {f.key: f for f in _plan(pack, "1", scenario).fields}
    assert by_key["change_type"].fixed == "增员" and not by_key["change_type"].asked
    assert by_key["filing_type"].fixed == "劳动合同订立" and not by_key["filing_type"].asked


@pytest.mark.parametrize(
    ("pack", "scenario"),
    [("shandong-2020", "2-1"), ("shandong-2020", "2-2"), ("shanxi-2020", "2-1")],
)
def test_a_leaving_employee_is_a_reduction(world, pack: str, scenario: str) -> None:  # type: ignore[no-untyped-def]
    by_key = {f.key: f for f in _plan(pack, "2", scenario).fields}
    assert by_key["change_type"].fixed == "减员" and not by_key["change_type"].asked
    assert by_key["filing_type"].asked  # 劳动合同解除 or 劳动合同终止: the unit says which


def test_the_reduction_is_stored_and_an_addition_refused(world) -> None:  # type: ignore[no-untyped-def]
    application = submit_termination(world["unit-qilu"], pack="shandong-2020")
    assert application.form["change_type"] == "减员"
    assert application.form["filing_type"] == "劳动合同解除"
    with pytest.raises(Unprocessable) as refused:
        submit_termination(world["unit-qilu"], pack="shandong-2020", seq=2, change_type="增员")
    assert refused.value.fields is not None
    assert "本情形下“增减类型”为“减员”" in refused.value.fields["form.change_type"][0]
    assert Application.objects.count() == 1
