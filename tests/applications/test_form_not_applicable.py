"""Fields that do not apply in a scenario (pack `fields: {key: {not_applicable: 理由}}`):
Shandong 7-4, a flexible worker retiring, has no employer — its name and credit code are not
asked, not required, not stored, listed with the reason, and a value sent is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from kuaiban.applications.models import Application
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.shareddata.selectors import lookup_person
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db

NO_EMPLOYER = {"unit_name", "credit_code", "employer_name"}
REASON = "灵活就业人员无用人单位"


def _plan():  # type: ignore[no-untyped-def]
    bundle = bundle_get(pack_code="shandong-2020", bundle_code="7")
    profile = lookup_person(id_number="370102196503121234").profile
    return bundle_plan(bundle=bundle, scenario_code="7-4", profile=profile, applicant_kind="person")


def _submit(user, **form: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    body = retirement_body(scenario="7-4")
    body["form"] = {
        "retirement_date": "2025-03-12",
        "retirement_type": "灵活就业人员退休",
        "contribution_base": "4200",
        **form,
    }
    return post_multipart(client, body, {"personnel_archive": pdf()})


def test_a_flexible_worker_is_not_asked_about_an_employer(world) -> None:  # type: ignore[no-untyped-def]
    plan = _plan()
    by_key = {f.key: f for f in plan.fields}
    for key in NO_EMPLOYER:
        field = by_key[key]
        assert field.not_applicable == REASON and field.not_applicable_in_scenario
        assert not field.asked and not field.required
        assert field.prefill is None  # his old employer's record is not offered either
    assert {f.key for f in plan.settled_fields} >= NO_EMPLOYER
    assert not NO_EMPLOYER & {f.key for f in plan.fields if f.typed}


def test_nothing_is_stored_for_a_field_that_does_not_apply(world) -> None:  # type: ignore[no-untyped-def]
    response = _submit(world["zhangjianguo"])
    assert response.status_code == 201, response.content
    application = Application.objects.get(number=response.json()["number"])
    assert not NO_EMPLOYER & set(application.form)
    assert application.form["retirement_type"] == "灵活就业人员退休"
    refs = {f.key: f for f in application.frozen.fields}
    assert all(refs[key].not_applicable for key in NO_EMPLOYER)
    assert not refs["retirement_date"].not_applicable


@pytest.mark.parametrize("key", sorted(NO_EMPLOYER))
def test_a_value_for_a_field_that_does_not_apply_is_refused(world, key: str) -> None:  # type: ignore[no-untyped-def]
    value = "91370100MA3C4X5K7L" if key == "credit_code" else "济南齐鲁精工机械有限公司"
    response = _submit(world["zhangjianguo"], **{key: value})
    assert response.status_code == 422, response.content
    assert REASON in response.json()["error"]["fields"][f"form.{key}"][0]
    assert Application.objects.count() == 0


def test_the_form_lists_them_with_the_reason(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    client.post("/apply/shandong-2020/7/", {"scenario": "7-4"})
    answers = dict.fromkeys(
        ("has_arrears", "has_other_pension", "has_multiple_pension", "change_pension_account"),
        "no",
    )
    client.post("/apply/shandong-2020/7/questions/", answers)
    client.post("/apply/shandong-2020/7/items/", {})
    page = client.get("/apply/shandong-2020/7/form/").content.decode()
    settled = page[page.index("以下信息无需您填写") :]
    assert f"<dt>单位名称</dt><dd>不适用：{REASON}</dd>" in settled
    assert 'name="unit_name"' not in page and 'name="credit_code"' not in page


def test_the_plan_api_gives_the_reason(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    response = client.post(
        "/api/v1/bundles/shandong-2020/7/plan",
        {"scenario": "7-4", "applicant": {"id_number": "370102196503121234"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    fields = {f["key"]: f for f in response.json()["fields"]}
    assert fields["unit_name"]["asked"] is False
    assert fields["unit_name"]["not_applicable"] == REASON
    assert fields["retirement_date"]["not_applicable"] is None
