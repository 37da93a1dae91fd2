"""The packs and bundles API over HTTP (django test client, JSON), per DESIGN.md "API v1 contract"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from kuaiban.accounts.models import Role
from kuaiban.bundles.services import pack_load
from kuaiban.core.masking import mask_credit_code, mask_id_number
from kuaiban.core.models import AuditEvent
from kuaiban.shareddata.models import Enterprise
from tests.bundles.helpers import OTHER_PACK_PATH, SPRING_2025
from tests.conftest import make_credit_code, make_id_number

pytestmark = pytest.mark.usefixtures("seeded_calendar", "loaded_pack")

PLAN_7 = "/api/v1/bundles/test-2020/7/plan"
PLAN_1 = "/api/v1/bundles/test-2020/1/plan"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """The API plans from "now": freeze it on Friday 2025-01-24 10:00 Beijing time."""
    monkeypatch.setattr(timezone, "now", lambda: SPRING_2025.astimezone(dt.UTC))


def post_json(client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def error_of(response, status: int) -> dict:
    """The body of an error response, after checking the one error shape of the API."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if "fields" in error:
        assert all(isinstance(v, list) and v for v in error["fields"].values())
    return error


# ---------------------------------------------------------------------------------------------
# Packs and bundles


def test_packs(client):
    response = client.get("/api/v1/packs")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "test-2020",
            "name": "测试省推进“人社服务快办行动”实施办法",
            "region": "山东省",
            "source": "测人社字〔2020〕1号",
            "seed": "000_test.txt",
            "version": "1",
            "region_code": "370000",
            "extends": None,
            "basis": "",
        }
    ]


def test_bundles_of_a_pack(client):
    response = client.get("/api/v1/bundles", {"pack": "test-2020"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": c,
            "name": n,
            "target": t,
            "mode": m,
            "pack": "test-2020",
            "local": False,
            "basis": "",
        }
        for c, n, t, m in [
            ("1", "企业招聘用工", "unit", "parallel"),
            ("7", "职工退休", "person", "serial"),
            ("9", "灵活就业人员参保", "person", "parallel"),
        ]
    ]


def test_bundles_without_pack_parameter(client):
    error = error_of(client.get("/api/v1/bundles"), 422)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["pack"]


def test_bundles_of_an_unknown_pack(client):
    error = error_of(client.get("/api/v1/bundles", {"pack": "nowhere-2099"}), 404)
    assert error["code"] == "not_found"
    assert "nowhere-2099" in error["message"]


def test_bundle_detail(client):
    response = client.get("/api/v1/bundles/test-2020/7")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("pack", "code", "name", "target", "mode", "promised_limit")} == {
        "pack": "test-2020",
        "code": "7",
        "name": "职工退休",
        "target": "person",
        "mode": "serial",
        "promised_limit": None,
    }
    assert body["questions"] == [
        {"key": "has_other_pension", "text": "您是否在其他地区有养老保险关系？"}
    ]
    assert [(s["code"], s["name"], s["mode"]) for s in body["scenarios"]] == [
        ("7-1", "正常退休", "serial"),
        ("7-2", "因病提前退休", "serial"),
    ]
    items = body["scenarios"][0]["items"]
    assert [(i["code"], i["required"], i["stage"], i["when"]) for i in items] == [
        ("1.6.12", False, 1, "has_other_pension"),
        ("1.6.1", True, 1, ""),
        ("L-pension-account", True, 2, ""),
        ("3.1.1", False, 2, ""),
    ]
    # The pack's speed-up list gives 1.6.1's limits, with the policy's own words.
    assert items[1] == {
        "code": "1.6.1",
        "name": "职工正常退休申请",
        "seed_name": "职工正常退休（职）申请核准",
        "required": True,
        "stage": 1,
        "when": "",
        "group": "",
        "group_required": False,
        "target": "",
        "agency": "social_insurance",
        "agency_label": "社会保险经办机构",
        "legal_limit": {
            "value": 20,
            "unit": "working_days",
            "label": "20工作日",
            "text": "20个工作日",
        },
        "promised_limit": {
            "value": 5,
            "unit": "working_days",
            "label": "5工作日",
            "text": "5个工作日",
        },
        "source": "900 附件1 序号7 7-1 必做事项1",
    }
    # Without a speed-up entry the catalogue's limits apply; no legal limit is null.
    assert items[2]["legal_limit"] is None
    assert items[2]["promised_limit"] == {
        "value": 3,
        "unit": "working_days",
        "label": "3工作日",
        "text": "",
    }


def test_bundle_detail_limits_of_other_shapes(client):
    body = client.get("/api/v1/bundles/test-2020/9").json()
    assert body["promised_limit"] == {
        "value": 5,
        "unit": "working_days",
        "label": "5工作日",
        "text": "",
    }
    employment, card = body["scenarios"][0]["items"]
    assert employment["promised_limit"] == {
        "value": None,
        "unit": "instant",
        "label": "即办（30分钟内）",
        "text": "",
    }
    assert card["legal_limit"]["unit"] == "calendar_days"
    assert card["promised_limit"]["label"] == "7自然日"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bundles/test-2020/99",
        "/api/v1/bundles/nowhere/1",
        "/api/v1/bundles/test-2020/12",  # a bundle of another pack
    ],
)
def test_unknown_bundle(client, url):
    pack_load(path=OTHER_PACK_PATH)
    error = error_of(client.get(url), 404)
    assert error["code"] == "not_found"


# ---------------------------------------------------------------------------------------------
# Planning


def test_plan(client):
    response = post_json(client, PLAN_7, {"scenario": "7-1", "items": ["3.1.1"]})
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert {"fields", "materials", "subitems", "promised_due_date", "burden"} <= set(body)
    # Stage 1: 1.6.1 → 02-07; stage 2 from 02-07: L-pension-account → 02-11, 3.1.1 → 02-14.
    assert [(s["code"], s["stage"], s["due_date"]) for s in body["subitems"]] == [
        ("1.6.1", 1, "2025-02-07"),
        ("L-pension-account", 2, "2025-02-11"),
        ("3.1.1", 2, "2025-02-14"),
    ]
    assert body["promised_due_date"] == "2025-02-14"
    assert sorted(f["key"] for f in body["fields"]) == [
        "bank_account",
        "contribution_months",
        "id_number",
        "person_name",
        "phone",
        "retire_type",
    ]
    assert len(body["materials"]) == 5
    # 1.6.1 (5 fields, 3 materials), L-pension-account (3, 2), 3.1.1 (3, 2).
    assert body["burden"] == {
        "fields": {"separate": 11, "bundled": 6},
        # The retirement form (kind: form) is generated from the merged form: not asked for.
        "materials": {"separate": 7, "bundled": 4},
        "applications": {"separate": 3, "bundled": 1},
        "visits": {"separate": 2, "bundled": 1},
    }
    assert body["credit_commitment_required"] is True
    assert body["shared_data"] == {"used": False, "records": []}
    assert all(f["prefill"] is None for f in body["fields"])


def test_plan_limits_carry_the_speedup_wording_like_the_bundle_detail(client):
    plan = post_json(client, PLAN_7, {"scenario": "7-1"}).json()
    detail = client.get("/api/v1/bundles/test-2020/7").json()
    detail_items = {i["code"]: i for i in detail["scenarios"][0]["items"]}
    retire = next(s for s in plan["subitems"] if s["code"] == "1.6.1")
    assert retire["legal_limit"]["text"] == "20个工作日"
    assert retire["promised_limit"]["text"] == "5个工作日"
    for sub in plan["subitems"]:
        assert sub["legal_limit"] == detail_items[sub["code"]]["legal_limit"]
        assert sub["promised_limit"] == detail_items[sub["code"]]["promised_limit"]


def test_plan_with_answers(client):
    body = post_json(
        client, PLAN_7, {"scenario": "7-1", "answers": {"has_other_pension": True}}
    ).json()
    assert [s["code"] for s in body["subitems"]] == ["1.6.12", "1.6.1", "L-pension-account"]
    assert body["promised_due_date"] == "2025-02-25"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "1-1"}, "scenario"),  # a scenario of another bundle
        ({"scenario": "7-1", "items": ["9.9.9"]}, "items"),  # not an item of the scenario
        ({"scenario": "7-2", "items": ["1.6.12"]}, "items"),  # optional item of 7-1, not 7-2
        ({"scenario": "7-1", "items": "3.1.1"}, "items"),  # not a list
        ({"scenario": "7-1", "items": [{"code": "3.1.1"}]}, "items.0"),
        ({"items": []}, "scenario"),  # missing
        ({"scenario": ["7-1"]}, "scenario"),
        (
            {"scenario": "7-1", "answers": {"has_other_pension": "maybe"}},
            "answers.has_other_pension",
        ),
        (
            {"scenario": "7-1", "applicant": {"id_number": 110101199003074518}},
            "applicant.id_number",
        ),
    ],
)
def test_plan_bad_body(client, body, field):
    error = error_of(post_json(client, PLAN_7, body), 422)
    assert error["code"] == "invalid"
    assert field in error["fields"], error


@pytest.mark.parametrize("applicant", ["110101199003074518", 5, ["110101199003074518"]])
def test_plan_applicant_must_be_an_object(client, applicant):
    # Not silently planned as if no applicant had been named.
    error = error_of(post_json(client, PLAN_7, {"scenario": "7-1", "applicant": applicant}), 422)
    assert "applicant" in error["fields"]


def test_plan_body_not_an_object(client):
    error = error_of(post_json(client, PLAN_7, ["7-1"]), 422)
    assert error["code"] == "invalid"


def test_plan_malformed_json(client):
    response = client.post(PLAN_7, data='{"scenario": "7-1",', content_type="application/json")
    error = error_of(response, 400)
    assert error["message"]


def test_plan_with_the_wrong_method_gets_the_error_shape(client):
    error = error_of(client.get(PLAN_7), 405)
    assert error["message"]


def test_unknown_api_path_gets_the_error_shape(client):
    error = error_of(client.get("/api/v1/no-such-endpoint"), 404)
    assert error["code"] == "not_found"


def test_plan_empty_body(client):
    response = client.post(PLAN_7, data="", content_type="application/json")
    assert 400 <= response.status_code < 500
    error_of(response, response.status_code)


def test_plan_past_the_calendar_is_a_clear_422(client, monkeypatch):
    # 2026-12-28 plus 15 working days needs 2027, which the seeded calendar does not have.
    late = dt.datetime(2026, 12, 28, 10, 0, tzinfo=SPRING_2025.tzinfo)
    monkeypatch.setattr(timezone, "now", lambda: late.astimezone(dt.UTC))
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "answers": {"has_other_pension": True}}
    )
    error = error_of(response, 422)
    assert error["code"] == "calendar_not_configured"
    assert "2027" in error["message"]


def test_plan_of_an_unknown_bundle(client):
    error = error_of(post_json(client, "/api/v1/bundles/test-2020/99/plan", {"scenario": "1"}), 404)
    assert error["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "7-1", "answer": {"has_other_pension": True}}, "answer"),  # a typo
        ({"scenario": "7-1", "applicant": {"id": "110101199003074518"}}, "applicant.id"),
        (
            {"scenario": "7-1", "answers": {"has_other_pension": "true"}},
            "answers.has_other_pension",
        ),
        ({"scenario": "7-1", "answers": {"has_other_pension": 1}}, "answers.has_other_pension"),
        ({"scenario": "7-1", "answers": [["has_other_pension", True]]}, "answers"),
        ({"scenario": "7-1", "items": [311]}, "items.0"),
        ({"scenario": 7}, "scenario"),
    ],
)
def test_plan_body_is_checked_strictly(client, body, field):
    error = error_of(post_json(client, PLAN_7, body), 422)
    assert error["code"] == "invalid"
    assert field in error["fields"], error


def test_plan_applicant_may_be_null(client):
    response = post_json(client, PLAN_7, {"scenario": "7-1", "applicant": None})
    assert response.status_code == 200, response.content.decode()


def test_plan_malformed_json_is_a_chinese_400(client):
    response = client.post(PLAN_7, data='{"scenario": "7-1",', content_type="application/json")
    assert error_of(response, 400) == {"code": "malformed_json", "message": "请求体不是有效的 JSON"}


def test_plan_body_not_utf8_is_malformed_json(client):
    response = client.post(PLAN_7, data=b"\xff\xfe\xfa", content_type="application/json")
    assert error_of(response, 400)["code"] == "malformed_json"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_plan_body_that_is_not_json_is_a_415(client, content_type):
    response = client.post(PLAN_7, data='{"scenario": "7-1"}', content_type=content_type)
    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_plan_json_with_a_charset_is_json(client):
    response = client.post(
        PLAN_7, data='{"scenario": "7-1"}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200, response.content.decode()


def test_wrong_method_names_the_allowed_ones(client):
    response = client.get(PLAN_7)
    error = error_of(response, 405)
    assert error == {"code": "method_not_allowed", "message": "该地址不支持此请求方法"}
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v2/packs", "/api/"])
def test_unknown_api_paths_are_json_404s(client, path):
    assert error_of(client.get(path), 404)["code"] == "not_found"


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_an_unexpected_error_is_a_json_500_and_is_logged(client, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("数据库里身份证号 110101199003074518 的记录坏了")

    monkeypatch.setattr("kuaiban.bundles.api.bundle_get", broken)
    with caplog.at_level("ERROR", logger="django.request"):
        response = post_json(client, PLAN_7, {"scenario": "7-1"})
    error = error_of(response, 500)
    assert error["code"] == "server_error"
    assert "RuntimeError" not in response.content.decode()
    assert "110101199003074518" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and record.exc_info[0] is RuntimeError


# ---------------------------------------------------------------------------------------------
# Planning for a known applicant (shared-data prefill)


@pytest.fixture
def applicant(make_person):
    return make_person(name="王五", phone="13712345678", insurance=True, unit_name="青岛港务局")


def test_anonymous_may_not_name_an_applicant(client, applicant):
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    )
    error = error_of(response, 401)
    assert error["code"] == "unauthenticated"
    assert "王五" not in json.dumps(response.json(), ensure_ascii=False)


def test_invalid_id_number_checksum(client, make_user, applicant):
    client.force_login(make_user(role=Role.CLERK))
    wrong = applicant.id_number[:17] + ("0" if applicant.id_number[17] != "0" else "1")
    error = error_of(
        post_json(client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": wrong}}), 422
    )
    assert error["fields"] == {"applicant.id_number": ["居民身份证号校验位不正确"]}


def test_invalid_credit_code(client, make_user):
    client.force_login(make_user(role=Role.CLERK))
    error = error_of(
        post_json(
            client, PLAN_7, {"scenario": "7-1", "applicant": {"credit_code": "91350100M000100Y44"}}
        ),
        422,
    )
    assert list(error["fields"]) == ["applicant.credit_code"]


def test_a_person_may_not_plan_with_someone_elses_id_number(client, make_user, applicant):
    me = make_user(role=Role.PERSON, id_number=make_id_number(seq="777"))
    client.force_login(me)
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    )
    error = error_of(response, 404)
    assert error["code"] == "not_found"
    assert "王五" not in json.dumps(response.json(), ensure_ascii=False)


def test_a_person_plans_with_their_own_data(client, make_user, applicant):
    client.force_login(make_user(role=Role.PERSON, id_number=applicant.id_number))
    response = post_json(
        client,
        PLAN_7,
        {"scenario": "7-1", "applicant": {"id_number": applicant.id_number.lower()}},
    )
    assert response.status_code == 200, response.content.decode()
    prefill = {f["key"]: f["prefill"] for f in response.json()["fields"]}
    assert prefill["person_name"] == "王五"
    assert prefill["contribution_months"] == "420"


def test_a_clerk_plans_for_anyone_and_gets_prefill(client, make_user, applicant):
    client.force_login(make_user(role=Role.CLERK))
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    prefill = {f["key"]: f["prefill"] for f in body["fields"]}
    assert prefill == {
        "person_name": "王五",
        "id_number": applicant.id_number,
        "phone": "13712345678",
        "contribution_months": "420",
        "retire_type": None,
        "bank_account": None,
    }
    shared = {m["code"]: m["from_shared_data"] for m in body["materials"]}
    assert shared == {
        "retire_form": False,
        "id_card": True,
        "insurance_proof": True,
        "bank_card": False,
    }
    assert body["shared_data"] == {
        "used": True,
        "records": [f"person:{applicant.pk}", f"insurance:{applicant.insurance.pk}"],
    }
    # 1.6.1 + L-pension-account: 6 merged fields, 4 prefilled; 4 materials, 2 from shared data.
    assert body["burden"]["fields"] == {"separate": 8, "bundled": 2}
    # Shared id_card, and retire_form generated from the merged form, are not asked for.
    assert body["burden"]["materials"] == {"separate": 5, "bundled": 1}


def test_reading_a_persons_shared_data_is_audited(client, make_user, applicant):
    clerk = make_user(role=Role.CLERK)
    client.force_login(clerk)
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    )
    assert response.status_code == 200, response.content.decode()
    (event,) = AuditEvent.objects.all()
    assert (event.actor, event.actor_label, event.action) == (
        clerk,
        clerk.username,
        "shareddata.read",
    )
    assert (event.object_type, event.object_id) == ("person", mask_id_number(applicant.id_number))
    assert applicant.id_number not in json.dumps(event.changes)
    assert event.changes == {
        "purpose": "bundle.plan",
        "bundle": "test-2020/7",
        "records": [f"person:{applicant.pk}", f"insurance:{applicant.insurance.pk}"],
    }


def test_reading_an_enterprises_shared_data_is_audited(client, make_user):
    code = make_credit_code("91370100MA3C0009")
    Enterprise.objects.create(
        credit_code=code, name="济南某某有限公司", legal_representative="孙八", region_code="370100"
    )
    unit = make_user(role=Role.UNIT, credit_code=code)
    client.force_login(unit)
    response = post_json(client, PLAN_1, {"scenario": "1-1", "applicant": {"credit_code": code}})
    assert response.status_code == 200, response.content.decode()
    (event,) = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_type) == (unit, "shareddata.read", "unit")
    assert event.object_id == mask_credit_code(code) != code


def test_no_audit_when_no_shared_data_is_read(client, make_user, applicant):
    client.force_login(make_user(role=Role.CLERK))
    assert post_json(client, PLAN_7, {"scenario": "7-1"}).status_code == 200
    not_on_file = {"scenario": "7-1", "applicant": {"id_number": make_id_number(seq="555")}}
    assert post_json(client, PLAN_7, not_on_file).status_code == 200
    # Refused: someone else's data is not read.
    client.force_login(make_user(role=Role.PERSON, id_number=make_id_number(seq="777")))
    mine = {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    error_of(post_json(client, PLAN_7, mine), 404)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.UNIT])
def test_other_roles_may_not_look_a_person_up(client, make_user, applicant, role):
    client.force_login(make_user(role=role))
    response = post_json(
        client, PLAN_7, {"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}
    )
    error_of(response, 404)


def test_a_unit_may_not_plan_with_another_units_credit_code(client, make_user):
    client.force_login(make_user(role=Role.UNIT, credit_code=make_credit_code("91370100MA3C0001")))
    other = make_credit_code("91370100MA3C0002")
    error = error_of(
        post_json(client, PLAN_7, {"scenario": "7-1", "applicant": {"credit_code": other}}), 404
    )
    assert error["code"] == "not_found"


def test_a_clerk_for_someone_not_on_file_gets_no_prefill(client, make_user):
    client.force_login(make_user(role=Role.CLERK))
    response = post_json(
        client,
        PLAN_7,
        {"scenario": "7-1", "applicant": {"id_number": make_id_number(seq="555")}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["shared_data"] == {"used": False, "records": []}
    assert all(f["prefill"] is None for f in body["fields"])


def _bearer(user) -> dict[str, str]:
    from kuaiban.accounts.services import token_issue

    return {"Authorization": f"Bearer {token_issue(user=user, ip='127.0.0.1').raw}"}


def test_an_app_plans_with_a_bearer_token_and_gets_the_prefill(client, make_user, applicant):
    person = make_user(role=Role.PERSON, id_number=applicant.id_number)
    response = client.post(
        PLAN_7,
        json.dumps({"scenario": "7-1", "applicant": {"id_number": applicant.id_number}}),
        content_type="application/json",
        headers=_bearer(person),
    )
    assert response.status_code == 200, response.content.decode()
    prefill = {f["key"]: f["prefill"] for f in response.json()["fields"]}
    assert prefill["person_name"] == "王五"
    assert AuditEvent.objects.filter(action="shareddata.read", actor=person).count() == 1


def test_a_wrong_bearer_token_on_the_plan_is_a_401_even_without_an_applicant(client):
    response = client.post(
        PLAN_7,
        json.dumps({"scenario": "7-1"}),
        content_type="application/json",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert error_of(response, 401)["code"] == "unauthenticated"


def test_the_plan_takes_the_applicant_block_the_submission_takes(client, make_user, applicant):
    person = make_user(role=Role.PERSON, id_number=applicant.id_number)
    block = {"id_number": applicant.id_number, "name": "王五", "phone": "13712345678"}
    response = client.post(
        PLAN_7,
        json.dumps({"scenario": "7-1", "applicant": block}),
        content_type="application/json",
        headers=_bearer(person),
    )
    assert response.status_code == 200, response.content.decode()


# ---------------------------------------------------------------------------------------------
# Documentation


def test_interactive_docs(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_openapi_document_lists_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    assert {
        "/api/v1/packs",
        "/api/v1/bundles",
        "/api/v1/bundles/{pack}/{bundle}",
        "/api/v1/bundles/{pack}/{bundle}/plan",
    } <= set(paths)
    assert "post" in paths["/api/v1/bundles/{pack}/{bundle}/plan"]
    assert "get" in paths["/api/v1/bundles/{pack}/{bundle}"]
