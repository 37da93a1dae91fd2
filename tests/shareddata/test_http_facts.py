"""The platform's answer carries the facts the 免申即办 rules read: a subject's eligibility and
amount evaluate the same from an HTTP answer (a real server on 127.0.0.1) as from local rows."""

from __future__ import annotations

import pytest

from kuaiban.proactive.explain import rule_evaluate
from kuaiban.proactive.language.fields import PERSON_FIELDS, UNIT_FIELDS, values_from_text
from kuaiban.proactive.rulefile import rules_read
from kuaiban.shareddata.connectors import HttpConnector, SharedDataUnavailable
from kuaiban.shareddata.connectors.base import ENTERPRISE_PATHS, PERSON_PATHS
from tests.conftest import make_credit_code, make_id_number
from tests.proactive.conftest import RULES

ID = make_id_number(region="370102", birth="19800312", seq="123")
CODE = make_credit_code("91370100MA3C4X5K7")
INJURED = {
    "values": {
        "person.id_number": ID,
        "person.name": "刘强",
        "person.region_code": "370102",
        "insurance.status": "正常参保",
        "insurance.monthly_wage": "6000.00",
        "insurance.injury_grade": "7",
        "insurance.last_activity_on": "2026-11-02",
    },
    "records": [
        {"source": "person", "record": "RK-1"},
        {"source": "insurance", "record": "CB-1"},
    ],
}
REFUNDED = {
    "values": {
        "enterprise.credit_code": CODE,
        "enterprise.name": "济南测试制造有限公司",
        "enterprise.region_code": "370102",
        "enterprise.size": "中型",
        "enterprise.insured_since": "2018-01-01",
        "enterprise.employees": "100",
        "enterprise.layoffs_last_year": "2",
        "enterprise.arrears": "0",
        "enterprise.ui_paid_last_year": "50000.00",
    },
    "records": [{"source": "enterprise", "record": "QY-1"}],
}


def _rules() -> dict[str, dict]:  # type: ignore[type-arg]
    return {spec.code: spec.definition for spec in rules_read(RULES)}


def test_the_contract_covers_every_field_a_rule_reads() -> None:
    assert set(PERSON_FIELDS) <= PERSON_PATHS
    assert set(UNIT_FIELDS) <= ENTERPRISE_PATHS


def test_a_person_answer_with_facts_decides_a_rule_and_its_amount(platform) -> None:  # type: ignore[no-untyped-def]
    platform.answer(f"/api/persons/{ID}", 200, INJURED)
    profile = HttpConnector(url=platform.url).person(ID)
    assert profile is not None and profile.values["insurance.injury_grade"] == "7"
    import datetime as dt

    values = values_from_text(profile.values, target="person")
    verdict = rule_evaluate(
        rule=_rules()["disability-lump-sum"], values=values, on=dt.date(2026, 12, 1)
    )
    assert verdict.eligible and verdict.amount == 78000  # 七级：13 个月 × 6,000 元


def test_a_unit_answer_with_facts_decides_the_refund(platform) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    platform.answer(f"/api/enterprises/{CODE}", 200, REFUNDED)
    profile = HttpConnector(url=platform.url).enterprise(CODE)
    assert profile is not None
    values = values_from_text(profile.values, target="unit")
    verdict = rule_evaluate(
        rule=_rules()["stabilisation-refund"], values=values, on=dt.date(2026, 12, 1)
    )
    assert verdict.eligible and verdict.amount == 30000  # 50,000 × 60%（中型）


def test_a_death_record_is_cited_by_its_own_source(platform) -> None:  # type: ignore[no-untyped-def]
    body = {
        "values": {
            "person.id_number": ID,
            "death.died_on": "2026-11-03",
            "death.next_of_kin_id_number": "370102196503121234",
        },
        "records": [{"source": "person", "record": "RK-1"}],
    }
    platform.answer(f"/api/persons/{ID}", 200, body)
    with pytest.raises(SharedDataUnavailable, match="缺少来源记录（death）"):
        HttpConnector(url=platform.url).person(ID)
    body["records"].append({"source": "death", "record": "SW-2026-1"})
    platform.answer(f"/api/persons/{ID}", 200, body)
    profile = HttpConnector(url=platform.url).person(ID)
    assert profile is not None and profile.values["death.died_on"] == "2026-11-03"


def test_a_fact_of_the_wrong_type_is_named() -> None:
    with pytest.raises(ValueError, match=r"insurance\.injury_grade"):
        values_from_text({"insurance.injury_grade": "七级"}, target="person")
    with pytest.raises(ValueError, match=r"enterprise\.insured_since"):
        values_from_text({"enterprise.insured_since": "2018/01/01"}, target="unit")
