"""Routing and stages on the real packs: Jiangsu serial and parallel bundles, right agencies."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kuaiban.accounts.models import Role, User
from kuaiban.applications.inputs import ApplicantInput, MaterialChoice, SubmissionInput
from kuaiban.applications.models import Channel, Provision
from kuaiban.applications.services import application_submit
from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.bundles.services import pack_load
from kuaiban.catalogue.models import Region, Route
from tests.applications.helpers import PDF
from tests.conftest import make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

SAMPLES = {
    "text": "测试",
    "textarea": "情况说明",
    "phone": "13800000000",
    "date": "2025-03-01",
    "integer": "12",
    "money": "1000",
    "bool": "true",
    "bank_account": "6222020000000000000",
}


def submit_all(
    user: User, pack: str, bundle: str, scenario: str, *, items: list[str] | None = None
):  # type: ignore[no-untyped-def]
    """Submit a scenario with plausible values for every field and a PDF for every material."""
    found = bundle_get(pack_code=pack, bundle_code=bundle)
    plan = bundle_plan(bundle=found, scenario_code=scenario, optional_items=items or [])
    form = {}
    for field in plan.fields:
        if field.field_type in ("choice", "card_point"):
            form[field.key] = field.choices[0]
        elif field.field_type == "id_number":
            form[field.key] = user.id_number or make_id_number(region="320102")
        elif field.field_type == "credit_code":
            form[field.key] = user.credit_code or make_credit_code("91320100MA1X")
        else:
            form[field.key] = SAMPLES[field.field_type]
    materials = {
        m.code: MaterialChoice(Provision.UPLOADED, SimpleUploadedFile(f"{m.code}.pdf", PDF))
        for m in plan.materials
        if m.to_provide
    }
    data = SubmissionInput(
        pack=pack,
        bundle=bundle,
        scenario=scenario,
        channel=Channel.WEB,
        items=items or [],
        applicant=ApplicantInput(),
        form=form,
        materials=materials,
        credit_commitment=True,
    )
    return application_submit(actor=user, data=data).application


@pytest.fixture
def nanjing_person(world) -> User:  # type: ignore[no-untyped-def]
    pack_load(path=Path(settings.KUAIBAN_PACKS_DIR) / "jiangsu-2021.yaml")
    return User.objects.create(
        username="nj-person",
        role=Role.PERSON,
        display_name="陈静",
        id_number=make_id_number(region="320102", birth="19880512"),
        region=Region.objects.get(code="320102"),
    )


def test_jiangsu_unemployment_is_serial(nanjing_person) -> None:  # type: ignore[no-untyped-def]
    # 失业一件事: 失业登记 first; the rest wait for it.
    found = bundle_get(pack_code="jiangsu-2021", bundle_code="9")
    optional = [
        bi.item.code for bi in found.scenarios.all()[0].bundle_items.all() if not bi.required
    ]
    app = submit_all(nanjing_person, "jiangsu-2021", "9", "9-1", items=optional)
    stages = dict(app.subcases.values_list("item__code", "status"))
    assert stages["2.4.1"] == "open"
    assert {s for code, s in stages.items() if code != "2.4.1"} == {"waiting"}


def test_jiangsu_stop_work_and_insurance_is_parallel(world) -> None:  # type: ignore[no-untyped-def]
    pack_load(path=Path(settings.KUAIBAN_PACKS_DIR) / "jiangsu-2021.yaml")
    unit = User.objects.create(
        username="nj-unit",
        role=Role.UNIT,
        display_name="南京某公司",
        credit_code=make_credit_code("91320100MA1X"),
        region=Region.objects.get(code="320102"),
    )
    found = bundle_get(pack_code="jiangsu-2021", bundle_code="2")
    scenario = found.scenarios.all()[0]
    optional = [bi.item.code for bi in scenario.bundle_items.all() if not bi.required]
    app = submit_all(unit, "jiangsu-2021", "2", scenario.code, items=optional)
    assert set(app.subcases.values_list("status", flat=True)) == {"open"}  # all dispatched at once


def test_each_item_goes_to_its_kind_of_agency_in_the_applicants_city(world) -> None:  # type: ignore[no-untyped-def]
    app = submit_all(world["unit-jinyang"], "shanxi-2020", "1", "1-1")
    for subcase in app.subcases.select_related("agency", "item", "agency__region"):
        assert subcase.agency.kind == subcase.item.agency_kind
        assert subcase.agency.region.code == "140100"  # 太原市 serves 迎泽区


def test_pack_validate_reports_a_missing_route(world) -> None:  # type: ignore[no-untyped-def]
    Route.objects.filter(region__code="370100", agency_kind="card_service").delete()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "pack",
            "validate",
            str(Path(settings.KUAIBAN_PACKS_DIR) / "shandong-2020.yaml"),
            stderr=err,
        )
    assert "没有分派路由" in err.getvalue() and "济南市" in err.getvalue()
