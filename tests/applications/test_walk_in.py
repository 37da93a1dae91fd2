"""一窗通办 for a walk-in: the registered identity fills the form and binds it, the clerk's screen
is clean after submitting, and the printed receipt carries the rating link and its QR code."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from kuaiban.applications.identity import Identity, identity_apply
from kuaiban.applications.models import Application
from kuaiban.bundles.planning import bundle_plan
from tests.applications.helpers import pdf, post_multipart, retirement_body, submit_page_post

pytestmark = pytest.mark.django_db

WALK_IN_ID = "370102195808204028"
WALK_IN = {"kind": "person", "name": "王秀英", "identifier": WALK_IN_ID, "phone": "13905319999"}


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_identity_fills_empty_fields_and_refuses_another_person() -> None:
    identity = Identity(person=True, name="王秀英", id_number=WALK_IN_ID.lower(), phone="")
    form: dict[str, object] = {"person_name": "", "id_number": WALK_IN_ID}
    asked = {"person_name", "id_number", "phone"}
    assert identity_apply(identity=identity, form=form, asked=asked) == {}
    assert form == {"person_name": "王秀英", "id_number": WALK_IN_ID.lower()}  # no phone: unbound
    other = {"person_name": "王秀芳", "phone": "13900000000"}
    errors = identity_apply(identity=identity, form=other, asked=asked)
    assert list(errors) == ["form.person_name"]
    unit = Identity(person=False, name="齐鲁精工", credit_code="91370100MA3C4X5K7L")
    both = {"unit_name", "credit_code", "person_name", "id_number"}  # e.g. hiring an employee
    assert unit.form_values(both) == {"unit_name": "齐鲁精工", "credit_code": "91370100MA3C4X5K7L"}
    # A claimant's form (a deceased parent's benefits): the person fields are the parent's.
    claim = {"person_name", "id_number", "claimant_name", "claimant_id_number", "phone"}
    form = {"person_name": "王德顺", "id_number": "370102194001010150"}
    assert identity_apply(identity=identity, form=form, asked=claim) == {}
    assert form["claimant_name"] == "王秀英" and form["person_name"] == "王德顺"


def test_the_walk_ins_identity_fills_the_form_read_only(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    clerk.post("/window/", WALK_IN)
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    page = clerk.get("/apply/shandong-2020/10/form/").content.decode()
    for value in ("王秀英", WALK_IN_ID, "13905319999"):
        assert f'value="{value}" readonly' in page
    assert "重新登记申请人" in page


def test_a_form_with_nothing_found_in_shared_data_does_not_ask_to_check_prefilled_values(
    world,
) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    clerk.post("/window/", WALK_IN)  # nobody the shared data knows
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    page = clerk.get("/apply/shandong-2020/10/form/").content.decode()
    assert "共享数据中未查到相关信息" in page and "预填的内容请核对" not in page
    retiree = _client(world["zhangjianguo"])  # on record: the prefilled values are to check
    retiree.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    page = retiree.get("/apply/shandong-2020/10/form/").content.decode()
    assert "共享数据中未查到相关信息" not in page and "预填的内容请核对" in page


def test_a_form_naming_somebody_else_is_refused_for_a_walk_in_and_an_applicant(world) -> None:  # type: ignore[no-untyped-def]
    body = retirement_body(
        channel="window", applicant={"name": "王秀英", "id_number": WALK_IN_ID, "phone": ""}
    )
    body["form"] |= {"person_name": "王秀芳", "id_number": WALK_IN_ID}
    files = {"personnel_archive": pdf(), "id_card": pdf("id.pdf"), "bank_account_info": pdf()}
    response = post_multipart(_client(world["clerk-lixia"]), body, files)
    assert response.status_code == 422
    assert "form.person_name" in response.json()["error"]["fields"]
    own = retirement_body()
    own["form"] |= {"id_number": WALK_IN_ID}
    response = post_multipart(_client(world["zhangjianguo"]), own, {"personnel_archive": pdf()})
    assert response.status_code == 422
    assert "form.id_number" in response.json()["error"]["fields"]
    assert Application.objects.count() == 0


def _walk_in_submitted(clerk: Client) -> str:
    """Through the clerk's pages: register, 10-1, form, materials, submit; the receipt's number."""
    clerk.post("/window/", WALK_IN)
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    form = {"address": "山东省济南市历下区解放路1号", "bank_name": "中国银行济南分行"}
    response = clerk.post("/apply/shandong-2020/10/form/", form)
    assert response.status_code == 302, response.content.decode()
    response = submit_page_post(clerk, "/apply/shandong-2020/10/submit/")
    assert response.status_code == 302, response.content.decode()
    return response["Location"].rstrip("/").split("/")[-2]


def test_after_submitting_the_clerks_screen_is_clean(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    number = _walk_in_submitted(clerk)
    application = Application.objects.get(number=number)
    assert application.applicant_name == "王秀英" and application.applicant_phone == "13905319999"
    assert application.form["person_name"] == "王秀英"
    receipt = clerk.get(f"/me/applications/{number}/receipt/").content.decode()
    assert "受理下一位申请人" in receipt
    assert clerk.get("/apply/").status_code == 302  # no walk-in is active any more
    window = clerk.get("/window/").content.decode()
    assert "当前申请人" not in window and "王秀英" not in window
    # A new walk-in starts afresh: nothing of the previous journey is kept for the bundle.
    clerk.post("/window/", {"kind": "person", "name": "张建国", "identifier": "370102196503121234"})
    clerk.post("/apply/shandong-2020/10/", {"scenario": "10-1"})
    form = clerk.get("/apply/shandong-2020/10/form/").content.decode()
    assert "王秀英" not in form and "解放路1号" not in form


def test_the_printed_receipt_carries_the_rating_link_and_its_qr_code(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    number = _walk_in_submitted(clerk)
    page = clerk.get(f"/me/applications/{number}/receipt/").content.decode()
    link = page.split('评价链接：<a href="', 1)[1].split('"', 1)[0]
    printed = clerk.get(f"/me/applications/{number}/receipt.pdf")
    assert printed.status_code == 200
    reader = PdfReader(io.BytesIO(printed.content))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "一次一评" in text and link in text
    assert sum(len(p.images) for p in reader.pages) == 1  # the QR code
    # Anybody else's printout (here the region's supervisor's) has no personal link.
    other = _client(world["supervisor-sd"]).get(f"/me/applications/{number}/receipt.pdf")
    assert other.status_code == 200
    assert not sum(len(p.images) for p in PdfReader(io.BytesIO(other.content)).pages)


def test_a_walk_ins_receipt_counts_the_one_visit_to_the_window(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    number = _walk_in_submitted(clerk)
    application = Application.objects.get(number=number)
    guide = application.bundle.scenarios.get(code="10-1")
    plan = bundle_plan(bundle=application.bundle, scenario_code=guide.code)
    assert plan.burden["visits"].bundled == 0  # every item can be done online
    assert application.burden["visits"] == {
        "separate": plan.burden["visits"].separate,
        "bundled": 1,
    }
    receipt = clerk.get(f"/me/applications/{number}/receipt/").content.decode()
    assert f"<td>到现场（次）</td><td>{plan.burden['visits'].separate}</td><td>1</td>" in receipt
