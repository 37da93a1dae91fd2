"""The bundle admin refuses edits that break the Jiangsu rule or promise more than the law.

The pack parser checks the same rules (`tests/bundles/test_packfile.py`); both call the pure
functions of `kuaiban.calendar.limits`.
"""

from __future__ import annotations

import pytest

from kuaiban.bundles.models import Bundle, Mode, Scenario, SpeedUp
from kuaiban.catalogue.models import ServiceItem
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def _errors(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code  # the form again, not a redirect
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_a_parallel_bundle_limit_longer_than_its_longest_item_is_refused(
    admin_client, loaded_pack
) -> None:  # type: ignore[no-untyped-def]
    bundle = Bundle.objects.get(pack=loaded_pack, code="9")  # parallel, 5 working days
    url = f"/admin/bundles/bundle/{bundle.pk}/change/"
    page = admin_client.get(url)
    response = admin_client.post(url, change_form_data(page, promised_limit_value=6))
    assert "场景“9-1”并行办理，一件事的承诺时限6工作日超过了最长的单个事项时限" in _errors(response)
    bundle.refresh_from_db()
    assert bundle.promised_limit_value == 5
    # The same limit is fine: the edit goes through.
    response = admin_client.post(
        url, change_form_data(page, promised_limit_value=5, name="灵活就业人员参保登记")
    )
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.name == "灵活就业人员参保登记"


def test_turning_a_serial_scenario_parallel_under_a_short_bundle_limit_is_refused(
    admin_client, loaded_pack
) -> None:  # type: ignore[no-untyped-def]
    bundle = Bundle.objects.get(pack=loaded_pack, code="9")
    scenario = Scenario.objects.get(bundle=bundle, code="9-1")
    Scenario.objects.filter(pk=scenario.pk).update(mode=Mode.SERIAL)
    Bundle.objects.filter(pk=bundle.pk).update(promised_limit_value=8)  # fine while serial
    url = f"/admin/bundles/scenario/{scenario.pk}/change/"
    response = admin_client.post(url, change_form_data(admin_client.get(url), mode=Mode.PARALLEL))
    assert "承诺时限8工作日超过了最长的单个事项时限" in _errors(response)
    scenario.refresh_from_db()
    assert scenario.mode == Mode.SERIAL


def test_a_speedup_longer_than_the_legal_limit_is_refused(admin_client, loaded_pack) -> None:  # type: ignore[no-untyped-def]
    speedup = SpeedUp.objects.get(pack=loaded_pack, seq=1)  # 20 legal, 5 promised
    url = f"/admin/bundles/speedup/{speedup.pk}/change/"
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), promised_limit_value=25)
    )
    assert "承诺时限25工作日长于法定时限20工作日" in _errors(response)
    speedup.refresh_from_db()
    assert speedup.promised_limit_value == 5


def test_the_speedup_list_edit_obeys_the_same_rules(admin_client, loaded_pack) -> None:  # type: ignore[no-untyped-def]
    # Speeding 3.1.1 (bundle 9's longest item) to 2 days would leave bundle 9's 5 days too long.
    item = ServiceItem.objects.get(code="3.1.1")
    speedup = SpeedUp.objects.create(
        pack=loaded_pack,
        seq=9,
        item=item,
        seed_name=item.name,
        legal_text="无",
        promised_text="5个工作日",
        promised_limit_value=5,
        promised_limit_unit="working_days",
        promised_set_by="local",
        source="测试",
    )
    rows = list(SpeedUp.objects.filter(pack=loaded_pack).order_by("pack", "seq"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "保存",
    }
    for n, row in enumerate(rows):
        data |= {
            f"form-{n}-id": str(row.pk),
            f"form-{n}-promised_limit_value": "2"
            if row.pk == speedup.pk
            else str(row.promised_limit_value),
            f"form-{n}-promised_limit_unit": row.promised_limit_unit,
        }
    response = admin_client.post("/admin/bundles/speedup/", data)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["cl"].formset.non_form_errors()) + " ".join(
        " ".join(form.non_field_errors()) for form in response.context["cl"].formset.forms
    )
    assert "一件事“灵活就业人员参保”：场景“9-1”并行办理" in errors
    speedup.refresh_from_db()
    assert speedup.promised_limit_value == 5
