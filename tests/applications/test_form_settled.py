"""The one form asks only what nobody knows: Shandong 7-1 for the retiree 张建国.

What the scenario settles is filled in, what shared data holds is prefilled (his employer's
name and credit code included), what only the employer knows is not asked of him, and answers
that cannot be a 正常退休 are refused before anything is stored."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.guides.content import bundle_guide
from kuaiban.shareddata.selectors import lookup_enterprise, lookup_person
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db

EMPLOYER_ONLY = {"contract_type", "contract_start", "contract_end", "contribution_base"}


def _plan(kind: str, profile):  # type: ignore[no-untyped-def]
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="7")
    return bundle_plan(bundle=bundle, scenario_code="7-1", profile=profile, applicant_kind=kind)


def _submit(user: User, **form: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    body = retirement_body()
    body["form"] = {"retirement_date": "2025-03-12", **form}
    return post_multipart(client, body, {"personnel_archive": pdf()})


def test_the_retiree_types_only_the_retirement_date(world) -> None:  # type: ignore[no-untyped-def]
    plan = _plan("person", lookup_person(id_number="370102196503121234").profile)
    assert [f.key for f in plan.fields if f.typed] == ["retirement_date"]
    assert plan.burden["fields"].bundled == 1
    by_key = {f.key: f for f in plan.fields}
    assert (
        by_key["retirement_type"].fixed == "达到法定退休年龄"
        and not by_key["retirement_type"].asked
    )
    assert by_key["change_type"].fixed == "减员" and by_key["filing_type"].fixed == "劳动合同终止"
    assert by_key["unit_name"].prefill == "济南齐鲁精工机械有限公司"
    assert by_key["credit_code"].prefill == "91370100MA3C4X5K7L"  # his employer's record
    assert by_key["account_holder"].prefill == "张建国"
    assert by_key["female_original_retirement_age"].not_applicable  # he is a man
    assert {k for k, f in by_key.items() if f.by_employer} == EMPLOYER_ONLY


def test_the_employer_applying_is_asked_what_only_it_knows(world) -> None:  # type: ignore[no-untyped-def]
    plan = _plan("unit", lookup_enterprise(credit_code="91370100MA3C4X5K7L").profile)
    asked = {f.key for f in plan.fields if f.asked}
    assert asked >= EMPLOYER_ONLY
    assert {f.key: f.prefill for f in plan.fields}["unit_name"] == "济南齐鲁精工机械有限公司"
    assert "retirement_type" not in asked and "female_original_retirement_age" in asked


def test_the_settled_values_are_stored_with_the_application(world) -> None:  # type: ignore[no-untyped-def]
    response = _submit(world["zhangjianguo"])
    assert response.status_code == 201, response.content
    form = Application.objects.get(number=response.json()["number"]).form
    assert form["retirement_type"] == "达到法定退休年龄"
    assert form["change_type"] == "减员" and form["filing_type"] == "劳动合同终止"
    assert form["change_date"] == form["termination_date"] == "2025-03-12"
    assert form["credit_code"] == "91370100MA3C4X5K7L"
    assert not EMPLOYER_ONLY & set(form)


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        (
            {"retirement_type": "灵活就业人员退休"},
            "retirement_type",
            "本情形下“退休类别”为“达到法定退休年龄”",
        ),
        ({"retirement_date": "2031-03-01"}, "retirement_date", "晚于申请日后6个月"),
        ({"retirement_date": "2024-03-01"}, "retirement_date", "未满60周岁"),
        ({"change_date": "2025-05-01"}, "change_date", "应为“2025-03-12”"),
        ({"contract_start": "1998-03-01"}, "contract_start", "由用人单位提供"),
        (
            {"female_original_retirement_age": "50周岁（女工人）"},
            "female_original_retirement_age",
            "仅适用于女性",
        ),
    ],
)
def test_answers_that_cannot_be_a_normal_retirement_are_refused(world, form, field, says) -> None:  # type: ignore[no-untyped-def]
    response = _submit(world["zhangjianguo"], **form)
    assert response.status_code == 422, response.content
    assert says in response.json()["error"]["fields"][f"form.{field}"][0]
    assert Application.objects.count() == 0


def test_guide_form_and_receipt_give_one_figure(world) -> None:  # type: ignore[no-untyped-def]
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="7")
    [guide] = [s for s in bundle_guide(bundle=bundle).scenarios if s.code == "7-1"]
    plan = _plan("person", lookup_person(id_number="370102196503121234").profile)
    response = _submit(world["zhangjianguo"])
    stored = Application.objects.get(number=response.json()["number"]).burden
    for kind in ("fields", "materials"):
        figures = {guide.burden[kind].bundled, plan.burden[kind].bundled, stored[kind]["bundled"]}
        assert len(figures) == 1, (kind, figures)
    assert stored["fields"]["bundled"] == 1


def test_the_plan_api_says_which_fields_are_not_asked(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = client.post(
        "/api/v1/bundles/shandong-2020/7/plan",
        {"scenario": "7-1", "applicant": {"id_number": "370102196503121234"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    fields = {f["key"]: f for f in response.json()["fields"]}
    assert fields["retirement_type"]["asked"] is False
    assert fields["retirement_type"]["fixed"] == "达到法定退休年龄"
    assert fields["change_date"]["same_as"] == "retirement_date"
    assert fields["contract_start"]["by_employer"] is True
    assert (
        fields["retirement_date"]["asked"] is True and fields["retirement_date"]["prefill"] is None
    )
    assert response.json()["burden"]["fields"]["bundled"] == 1


def test_a_taiyuan_retiree_is_not_asked_the_employers_side(world) -> None:  # type: ignore[no-untyped-def]
    bundle = bundle_get(pack_code="shanxi-2020", bundle_code="7")
    plan = bundle_plan(
        bundle=bundle,
        scenario_code="7-1",
        answers={"normal_retirement": True},
        applicant_kind="person",
    )
    by_key = {f.key: f for f in plan.fields}
    assert by_key["filing_type"].fixed == "劳动合同终止"
    assert by_key["termination_date"].same_as == "retirement_date"
    assert "contract_start" in by_key
    assert {k for k, f in by_key.items() if f.by_employer} == EMPLOYER_ONLY & set(by_key)
    assert by_key["retirement_type"].asked  # 正常 and 提前 share this scenario
