"""The catalogue admin refuses a promised limit longer than the legal one, as the parser does."""

from __future__ import annotations

import pytest

from kuaiban.catalogue.models import ServiceItem
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_an_item_promising_more_than_the_legal_limit_is_refused(admin_client, loaded_pack) -> None:  # type: ignore[no-untyped-def]
    item = ServiceItem.objects.get(code="1.6.1")  # legal 20, promised 10 working days
    url = f"/admin/catalogue/serviceitem/{item.pk}/change/"
    page = admin_client.get(url)
    response = admin_client.post(url, change_form_data(page, promised_limit_value=21))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "承诺时限21工作日长于法定时限20工作日" in errors
    item.refresh_from_db()
    assert item.promised_limit_value == 10
    response = admin_client.post(url, change_form_data(page, promised_limit_value=20))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.promised_limit_value == 20
