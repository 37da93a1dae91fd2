"""公开的办件进度查询: number + last 4 of the identifier → status, sub-cases, what is owed;
nothing that names the applicant; wrong guesses throttled like log-ins."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cases.services import Outcome, subcase_decide, subcase_review
from tests.applications.helpers import pdf, post_multipart
from tests.applications.test_submit_api import _survivor_body
from tests.cases.test_flow import _officer

pytestmark = pytest.mark.django_db

ID_NUMBER = "370102196503121234"


@pytest.fixture
def app(world) -> Application:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world["zhangjianguo"])
    # 9-1 for his late father: the cremation certificate is owed later (容缺).
    body = _survivor_body(cremation_certificate="gap")
    response = post_multipart(client, body, {"death_certificate": pdf()})
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def _get(number: str, tail: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=ip).get("/api/v1/progress", {"number": number, "id_tail": tail})


def test_number_and_tail_give_status_subcases_and_what_is_owed_and_nothing_personal(app) -> None:
    subcase = app.subcases.filter(status="open").first()
    assert subcase is not None
    subcase_decide(
        actor=_officer(subcase),
        subcase=subcase,
        outcome=Outcome.CORRECTION,
        correction_items=["人事档案第3页"],
    )
    response = _get(app.number, "1234")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "needs_correction" and body["status_label"] == "待补正"
    assert [s["name"] for s in body["subcases"]] == list(
        app.subcases.values_list("seed_name", flat=True)
    )
    assert {"status", "due_at"} <= set(body["subcases"][0])
    owed = {(o["kind"], o["name"]) for o in body["owed"]}
    assert ("correction", "人事档案第3页") in owed
    gap = app.materials.get(code="cremation_certificate")
    assert gap.due_date is not None
    expected = {"kind": "material", "name": gap.name, "due_date": gap.due_date.isoformat()}
    assert expected in body["owed"]
    text = json.dumps(body, ensure_ascii=False)
    for personal in ("张建国", "张德顺", ID_NUMBER, app.applicant_phone):
        assert personal not in text
    page = Client().post("/progress/", {"number": app.number, "id_tail": "1234"})
    shown = page.content.decode()
    assert page.status_code == 200 and "待补正" in shown and "人事档案第3页" in shown
    assert "张建国" not in shown and ID_NUMBER not in shown


def test_a_wrong_tail_and_a_missing_number_are_the_same_404_and_bad_input_a_422(app) -> None:
    wrong = _get(app.number, "9999")
    missing = _get("370102-20990101-00001", "1234")
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()
    bad = _get("x' or 1=1", "12")
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"number", "id_tail"}
    assert _get(app.number.lower(), "1234").status_code == 200


def test_wrong_guesses_are_throttled_per_address_like_log_ins(app) -> None:
    for tail in ("0001", "0002", "0003", "0004"):
        assert _get(app.number, tail).status_code == 404
    locked = _get(app.number, "0005")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "throttled"
    assert int(locked["Retry-After"]) > 0
    # Now even the right tail waits, and so does any other number from that address ...
    assert _get(app.number, "1234").status_code == 429
    assert _get("370102-20990101-00001", "1234").status_code == 429
    assert (
        Client(REMOTE_ADDR="10.0.0.1")
        .post("/progress/", {"number": app.number, "id_tail": "1234"})
        .status_code
        == 429
    )
    # ... while another address is not affected, and the pause ends.
    assert _get(app.number, "1234", ip="10.0.0.2").status_code == 200
    later = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch.object(timezone, "now", return_value=later):
        assert _get(app.number, "1234").status_code == 200


def _decide_all(app: Application, outcome: Outcome) -> None:
    """Decide every item, stage after stage, as its officer would."""
    while subcase := app.subcases.filter(status="open").order_by("stage", "pk").first():
        decided = subcase_decide(
            actor=_officer(subcase),
            subcase=subcase,
            outcome=outcome,
            note="经核查不符合条件（张建国）" if outcome == Outcome.REJECTED else "",
            results=[{"kind": "document", "name": f"{subcase.seed_name}结果", "number": "N-88"}]
            if outcome == Outcome.APPROVED
            else None,
        )
        if decided.awaiting_review:
            # 内控: a high-risk approval (遗属待遇) takes effect once a second officer agrees.
            reviewer = User.objects.get(username="officer-sd-review")
            subcase_review(actor=reviewer, subcase=decided, approve=True)


def test_a_finished_case_names_its_results_and_where_to_get_them(app) -> None:
    before = _get(app.number, "1234").json()
    assert before["results"] == [] and before["next_step"] == ""
    _decide_all(app, Outcome.APPROVED)
    app.refresh_from_db()
    assert app.status == "done"
    body = _get(app.number, "1234").json()
    names = list(app.subcases.values_list("seed_name", flat=True))
    assert body["results"] == [{"item": n, "name": f"{n}结果"} for n in names]
    assert body["refused"] == []
    assert "可登录“我的办件”下载，或凭受理回执到受理窗口领取" in body["next_step"]
    assert "N-88" not in json.dumps(body)  # a result's number is personal
    shown = Client().post("/progress/", {"number": app.number, "id_tail": "1234"}).content
    page = shown.decode()
    assert "办理结果" in page and f"{names[0]}结果" in page and "受理窗口领取" in page
    assert "N-88" not in page and "张建国" not in page


def test_a_refused_case_says_so_and_where_to_ask_without_the_officers_words(app) -> None:
    _decide_all(app, Outcome.REJECTED)
    app.refresh_from_db()
    assert app.status == "rejected"
    body = _get(app.number, "1234").json()
    assert body["status_label"] == "不予办理" and body["results"] == []
    assert body["refused"] == list(app.subcases.values_list("seed_name", flat=True))
    assert "12333" in body["next_step"] and "办理结果通知书" in body["next_step"]
    assert "张建国" not in json.dumps(body, ensure_ascii=False)  # the reason may name people
    page = Client().post("/progress/", {"number": app.number, "id_tail": "1234"}).content
    shown = page.decode()
    assert "不予办理或已终止" in shown and "如有疑问，请拨打12333咨询" in shown
