"""Input past the schema: each was a 500 or silently stored; now a 4xx with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kuaiban.accounts.models import LoginFailure, User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from tests.applications.helpers import pdf, post_multipart, retirement_body

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: Any):  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(url, raw, content_type="application/json")


def _error(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:400]
    body = response.json()
    assert list(body) == ["error"]
    return body["error"]  # type: ignore[no-any-return]


def _form(**changes: Any) -> dict[str, Any]:
    form = dict(retirement_body()["form"])
    form.update(changes)
    return retirement_body(form=form)


def test_a_nul_in_the_username_is_a_422_not_a_database_error(db) -> None:
    response = _post(Client(), "/api/v1/auth/token", {"username": "zhang\x00", "password": "x"})
    assert "username" in _error(response, 422)["fields"]
    assert LoginFailure.objects.count() == 0


@pytest.mark.parametrize("bad", ["张建国\x00", "张建国\u202e", "\x1b[2J"])
def test_control_characters_in_a_form_field_are_refused(world, bad: str) -> None:
    client = _as(world["zhangjianguo"])
    response = _post(client, "/api/v1/applications", _form(account_holder=bad))
    assert list(_error(response, 422)["fields"]) == ["form.account_holder"]
    assert Application.objects.count() == 0


def test_a_direction_override_in_the_multipart_application_is_refused(world) -> None:
    client = _as(world["zhangjianguo"])
    body = retirement_body(applicant={"name": "gpj.exe\u202e"})
    response = post_multipart(client, body, {"personnel_archive": pdf()})
    assert list(_error(response, 422)["fields"]) == ["applicant.name"]
    assert Application.objects.count() == 0


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e3", "３５００", "-5"])
def test_a_money_field_that_is_not_an_amount_is_named(world, amount: str) -> None:
    # 7-4: a flexible worker gives their own contribution base (in 7-1 the employer does).
    client = _as(world["zhangjianguo"])
    body = _form(contribution_base=amount, retirement_type="灵活就业人员退休")
    body["scenario"] = "7-4"
    response = post_multipart(client, body, {"personnel_archive": pdf()})
    fields = _error(response, 422)["fields"]
    assert "金额" in fields["form.contribution_base"][0]
    assert Application.objects.count() == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_bare_json_nan_is_malformed_json_not_stored(world, constant: str) -> None:
    client = _as(world["zhangjianguo"])
    raw = json.dumps(_form(contribution_base="6800")).replace('"6800"', constant)
    assert constant in raw
    response = _post(client, "/api/v1/applications", raw)
    assert _error(response, 400)["code"] == "malformed_json"
    assert Application.objects.count() == 0


def test_a_malformed_multipart_application_part_is_malformed_json(world) -> None:
    client = _as(world["zhangjianguo"])
    response = client.post("/api/v1/applications", {"application": "{not json"})
    assert _error(response, 400)["code"] == "malformed_json"


@pytest.mark.parametrize(
    "value", ["9999-12-31", "0001-01-01", "2026-W49-3", "20250312", "2025-3-12"]
)
def test_dates_outside_a_sensible_range_or_format_are_refused(world, value: str) -> None:
    client = _as(world["zhangjianguo"])
    response = post_multipart(client, _form(retirement_date=value), {"personnel_archive": pdf()})
    assert list(_error(response, 422)["fields"]) == ["form.retirement_date"]
    assert Application.objects.count() == 0


def test_answers_must_be_the_bundles_questions(world) -> None:
    client = _as(world["zhangjianguo"])
    answers = {f"q{i}": True for i in range(20)}
    response = post_multipart(
        client, retirement_body(answers=answers), {"personnel_archive": pdf()}
    )
    assert "answers" in _error(response, 422)["fields"]
    assert Application.objects.count() == 0


def test_twenty_thousand_answers_are_refused_by_the_documented_bound(world) -> None:
    client = _as(world["zhangjianguo"])
    answers = {f"q{i}": True for i in range(20_000)}
    response = _post(client, "/api/v1/applications", retirement_body(answers=answers))
    assert "answers" in _error(response, 422)["fields"]
    assert Application.objects.count() == 0


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
def test_an_answer_must_be_true_or_false(world, value: object) -> None:
    client = _as(world["zhangjianguo"])
    response = _post(client, "/api/v1/applications", retirement_body(answers={"x": value}))
    assert any(key.startswith("answers") for key in _error(response, 422)["fields"])
    assert Application.objects.count() == 0


def test_a_known_answer_is_still_accepted(world) -> None:
    from kuaiban.bundles.models import Bundle

    bundle = Bundle.objects.get(pack__code="shandong-2020", code="7")
    key = bundle.questions.values_list("key", flat=True).first()
    assert key, "bundle 7 asks at least one question"
    client = _as(world["zhangjianguo"])
    response = post_multipart(
        client, retirement_body(answers={key: False}), {"personnel_archive": pdf()}
    )
    assert response.status_code == 201, response.content[:400]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("items", ["1.1.1"] * 51),
        ("pack", "p" * 65),
        ("commitments", {"credit": True, "materials": ["m"] * 101}),
        ("form", {f"f{i}": "x" for i in range(201)}),
    ],
)
def test_every_list_and_string_has_its_bound(world, field: str, value: object) -> None:
    client = _as(world["zhangjianguo"])
    response = _post(client, "/api/v1/applications", retirement_body(**{field: value}))
    assert any(key.startswith(field) for key in _error(response, 422)["fields"])
    assert Application.objects.count() == 0


@pytest.fixture
def open_subcase(world) -> SubCase:  # type: ignore[no-untyped-def]
    number = post_multipart(
        _as(world["zhangjianguo"]), retirement_body(), {"personnel_archive": pdf()}
    ).json()["number"]
    subcase = Application.objects.get(number=number).subcases.filter(status="open").first()
    assert subcase is not None
    return subcase


def _officer_of(subcase: SubCase) -> Client:
    officer = User.objects.filter(role="officer", agency=subcase.agency).first()
    assert officer is not None
    return _as(officer)


@pytest.mark.parametrize(
    "items",
    [["补正"] * 100_000, ["补" * 1_000_000], ["补正"] * 31, ["补" * 201], ["a\x00"]],
    ids=["100000-items", "million-chars", "31-items", "201-chars", "nul"],
)
def test_correction_items_are_bounded_and_nothing_is_stored(open_subcase, items) -> None:  # type: ignore[no-untyped-def]
    client = _officer_of(open_subcase)
    body = json.dumps({"outcome": "correction", "correction_items": items})
    url = f"/api/v1/subcases/{open_subcase.pk}/decision"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code in (413, 422), response.content[:300]
    open_subcase.refresh_from_db()
    assert open_subcase.status == "open" and open_subcase.correction_items == []


def test_thirty_correction_items_of_two_hundred_characters_are_accepted(open_subcase) -> None:  # type: ignore[no-untyped-def]
    client = _officer_of(open_subcase)
    items = [f"{i:02d}" + "补" * 198 for i in range(30)]
    url = f"/api/v1/subcases/{open_subcase.pk}/decision"
    response = client.post(
        url,
        json.dumps({"outcome": "correction", "correction_items": items}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:300]
    open_subcase.refresh_from_db()
    assert open_subcase.correction_items == items


@pytest.mark.parametrize("note", ["退回\u202e改正", "退回\x00"])
def test_a_decision_note_with_a_control_character_is_refused_and_nothing_changes(
    open_subcase, note: str
) -> None:  # type: ignore[no-untyped-def]
    client = _officer_of(open_subcase)
    body = json.dumps({"outcome": "rejected", "note": note})
    url = f"/api/v1/subcases/{open_subcase.pk}/decision"
    response = client.post(url, body, content_type="application/json")
    assert "note" in _error(response, 422)["fields"]
    open_subcase.refresh_from_db()
    assert open_subcase.status == "open" and open_subcase.decision_note == ""


WALK_IN = {"name": "王秀英", "phone": "13905310000"}


@pytest.mark.parametrize(
    "id_number",
    ["37010219650315123²", "３７０１０２１９６５０３１５１２３４", "٣" * 18],
    ids=["superscript", "full-width", "arabic-indic"],
)
def test_a_unicode_digit_in_an_id_number_is_a_422_not_a_crash(world, id_number: str) -> None:
    """``str.isdigit`` takes these, ``int`` does not: the checksum crashed on "²" (a 500)."""
    from kuaiban.ratings.models import WindowVisit

    body = retirement_body(channel="window", applicant={**WALK_IN, "id_number": id_number})
    response = post_multipart(_as(world["clerk-lixia"]), body, {"personnel_archive": pdf()})
    assert "applicant.id_number" in _error(response, 422)["fields"]
    assert Application.objects.count() == 0 and WindowVisit.objects.count() == 0


@pytest.mark.parametrize("tail", ["123²", "１２３４"])
def test_a_unicode_digit_in_a_progress_query_is_a_4xx_not_a_crash(world, tail: str) -> None:
    response = Client().get("/api/v1/progress", {"number": "370102-20250303-0001", "id_tail": tail})
    assert response.status_code in (404, 422), response.content[:300]
    assert list(response.json()) == ["error"]


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/api/v1/auth/token"),
        ("zhangjianguo", "/api/v1/applications"),
        ("zhangjianguo", "/api/v1/bundles/shandong-2020/7/plan"),
        ("officer-jn-si", "/api/v1/subcases/1/decision"),
    ],
)
def test_malformed_json_is_one_answer_on_every_endpoint(world, who: str | None, url: str) -> None:
    client = _as(world[who]) if who else Client()
    response = _post(client, url, '{"note": "x",')
    error = _error(response, 400)
    assert error["code"] == "malformed_json" and error["message"] == "请求体不是有效的 JSON"
