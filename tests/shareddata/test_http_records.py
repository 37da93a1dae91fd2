"""``GET {url}/persons/{id}/records`` against the fake platform on 127.0.0.1: read strictly,
and the self-service API answers from it (503 when the platform cannot answer)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from kuaiban.accounts.models import Role, User
from kuaiban.shareddata.connectors import HttpConnector, SharedDataUnavailable
from kuaiban.shareddata.models import Person
from tests.conftest import make_id_number

ID = make_id_number(region="370102", birth="19650312", seq="123")
MONTH = {
    "month": "2024-12",
    "payer_name": "济南齐鲁精工机械有限公司",
    "payer_credit_code": "91370100MA3C4X5K7L",
    "base": "7800.00",
    "pension_unit": "1248.00",
    "pension_personal": "624.00",
    "unemployment_unit": "54.60",
    "unemployment_personal": "23.40",
    "injury_unit": "39.00",
}
RECORDS = {
    "contributions": [MONTH, {**MONTH, "month": "2024-11"}],
    "benefits": [],
    "annuity": None,
    "skill_certificates": [
        {
            "kind": "skill_level",
            "number": "S000037010200251000123",
            "occupation": "钳工",
            "level": "二级/技师",
            "issuer": "济南市职业技能等级认定中心",
            "issued_on": "2021-11-20",
        }
    ],
}


def connector(platform) -> HttpConnector:  # type: ignore[no-untyped-def]
    return HttpConnector(url=platform.url, timeout=0.5)


def test_records_are_read(platform) -> None:  # type: ignore[no-untyped-def]
    platform.answer(f"/api/persons/{ID}/records", 200, RECORDS)
    found = connector(platform).records(ID)
    assert found is not None
    assert [m.month for m in found.months] == [dt.date(2024, 11, 1), dt.date(2024, 12, 1)]
    assert found.months[0].pension_unit == Decimal("1248.00")
    assert found.skills[0].kind_label == "职业技能等级证书" and found.annuity is None


def test_not_on_file_is_none(platform) -> None:  # type: ignore[no-untyped-def]
    assert connector(platform).records(ID) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["contributions"][0].pop("base"),
        lambda r: r["contributions"][0].update(month="2024-13"),
        lambda r: r["contributions"][0].update(base=7800),
        lambda r: r["contributions"][0].update(base="1e5"),
        lambda r: r["skill_certificates"][0].update(kind="diploma"),
        lambda r: r["skill_certificates"][0].update(issued_on="2021/11/20"),
        lambda r: r.update(extra=[]),
        lambda r: r.update(annuity=[]),
    ],
)
def test_anything_off_contract_refuses_the_answer(platform, change) -> None:  # type: ignore[no-untyped-def]
    body = copy.deepcopy(RECORDS)
    change(body)
    platform.answer(f"/api/persons/{ID}/records", 200, body)
    with pytest.raises(SharedDataUnavailable, match="格式不正确"):
        connector(platform).records(ID)


@pytest.mark.django_db
def test_the_api_answers_from_the_platform(platform, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_SHARED_DATA = "http"
    settings.KUAIBAN_SHARED_DATA_URL = platform.url
    settings.KUAIBAN_SHARED_DATA_TIMEOUT = 0.5
    Person.objects.create(
        id_number=ID,
        name="张建国",
        gender="男",
        birth_date=dt.date(1965, 3, 12),
        region_code="370102",
    )
    user = User.objects.create(username="zjg", role=Role.PERSON, id_number=ID)
    client = Client()
    client.force_login(user)
    platform.answer(f"/api/persons/{ID}/records", 200, RECORDS)
    body = client.get("/api/v1/me/skill-certificates").json()
    assert [c["occupation"] for c in body] == ["钳工"] and body[0]["id"] is None
    assert client.get("/api/v1/me/rights-record").json()["recent"][0]["month"] == "2024-12"
    platform.answer(f"/api/persons/{ID}/records", 500, {})
    answer = client.get("/api/v1/me/rights-record")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "shared_data_unavailable"
