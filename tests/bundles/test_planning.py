"""Bundle planning on the fixture pack: merged form, materials, schedule, due dates and burden.

Time is frozen by passing ``start=``; every expected date below was counted by hand on the
official calendar (see the holidays noted in tests/bundles/helpers.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.bundles.planning import bundle_plan
from kuaiban.bundles.selectors import bundle_get
from kuaiban.calendar.errors import CalendarNotConfigured
from kuaiban.core.errors import Unprocessable
from kuaiban.shareddata.connectors import LocalConnector
from tests.bundles.helpers import NATIONAL_DAY_2024, SHANGHAI, SPRING_2025

pytestmark = pytest.mark.usefixtures("seeded_calendar", "loaded_pack")


def plan(bundle_code: str, scenario: str, *, start=SPRING_2025, **kwargs):
    bundle = bundle_get(pack_code="test-2020", bundle_code=bundle_code)
    return bundle_plan(bundle=bundle, scenario_code=scenario, start=start, **kwargs)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def due_dates(result) -> dict[str, dt.date]:
    return {s.code: s.due_at.astimezone(SHANGHAI).date() for s in result.subitems}


def burden(result) -> dict[str, tuple[int, int]]:
    return {k: (v.separate, v.bundled) for k, v in result.burden.items()}


# ---------------------------------------------------------------------------------------------
# Merged form and material list


def test_fields_are_merged_once_per_key():
    result = plan("1", "1-1", optional_items=["3.1.1"])
    keys = [f.key for f in result.fields]
    assert len(keys) == len(set(keys))
    assert set(keys) == {"unit_name", "person_name", "id_number", "hire_date", "phone"}
    by_key = {f.key: f for f in result.fields}
    # Each merged field says which items need it.
    assert by_key["person_name"].items == ["1.1.5", "2.1.1", "3.1.1"]
    assert by_key["phone"].items == ["2.1.1", "3.1.1"]
    assert by_key["hire_date"].items == ["1.1.5"]
    assert by_key["id_number"].field_type == "id_number"
    assert all(f.prefill is None for f in result.fields)  # no applicant given


def test_merged_form_keeps_the_catalogue_order_of_fields():
    # The catalogue lists 1.1.5's fields as unit_name, person_name, id_number, hire_date
    # (ItemField.position); the form follows that order, then adds 2.1.1's new field (phone).
    result = plan("1", "1-1", optional_items=["3.1.1"])
    assert [f.key for f in result.fields] == [
        "unit_name",
        "person_name",
        "id_number",
        "hire_date",
        "phone",
    ]


def test_materials_are_merged_once_per_code():
    result = plan("1", "1-1", optional_items=["3.1.1"])
    by_code = {m.code: m for m in result.materials}
    assert len(result.materials) == len(by_code) == 3
    assert set(by_code) == {"id_card", "labour_contract", "photo"}
    assert by_code["id_card"].items == ["1.1.5", "2.1.1", "3.1.1"]
    assert by_code["photo"].items == ["3.1.1"]
    # 容缺: a key material cannot be given later, a non-key one can.
    assert (by_code["id_card"].key, by_code["id_card"].gap_allowed) == (True, False)
    assert (by_code["photo"].key, by_code["photo"].gap_allowed) == (False, True)
    assert not any(m.from_shared_data for m in result.materials)


def test_merged_materials_keep_the_catalogue_order():
    # 1.6.1 lists retire_form, id_card, insurance_proof (ItemMaterial.position); then
    # L-pension-account adds bank_card.
    result = plan("7", "7-1")
    assert [m.code for m in result.materials] == [
        "retire_form",
        "id_card",
        "insurance_proof",
        "bank_card",
    ]


def test_shared_data_prefills_fields_and_provides_materials(make_person):
    person = make_person(name="李四", phone="13912345678", insurance=True, unit_name="济南机床厂")
    profile = LocalConnector().person(person.id_number)
    result = plan("7", "7-1", answers={"has_other_pension": True}, profile=profile)

    prefill = {f.key: f.prefill for f in result.fields}
    assert prefill == {
        "person_name": "李四",
        "id_number": person.id_number,
        "unit_name": "济南机床厂",
        "phone": "13912345678",
        "contribution_months": "420",
        "retire_type": None,  # no shared source
        "bank_account": None,
    }
    shared = {m.code: m.from_shared_data for m in result.materials}
    assert shared == {
        "id_card": True,  # person record
        "insurance_proof": True,  # insurance record
        "retire_form": False,
        "bank_card": False,
    }


def test_without_an_insurance_record_only_person_data_is_used(make_person):
    person = make_person(insurance=False)
    profile = LocalConnector().person(person.id_number)
    result = plan("7", "7-1", profile=profile)
    prefill = {f.key: f.prefill for f in result.fields}
    assert prefill["person_name"] == "张三"
    assert prefill["contribution_months"] is None
    shared = {m.code: m.from_shared_data for m in result.materials}
    assert shared["id_card"] is True
    assert shared["insurance_proof"] is False


# ---------------------------------------------------------------------------------------------
# Burden figures, counted by hand from the fixture catalogue


def test_burden_of_a_parallel_bundle():
    result = plan("1", "1-1", optional_items=["3.1.1"])
    # fields: 1.1.5 has 4, 2.1.1 has 3, 3.1.1 has 3 → 10 separately; merged 5, none prefilled.
    # materials: 2 + 1 + 2 = 5 separately; merged id_card, labour_contract, photo = 3.
    # All three items can be done online: no visit either way.
    assert burden(result) == {
        "fields": (10, 5),
        "materials": (5, 3),
        "applications": (3, 1),
        "visits": (0, 0),
    }
    assert burden(result)["applications"] == (3, 1)
    assert result.burden["fields"].saved == 5


def test_burden_with_shared_data(make_person):
    person = make_person(insurance=True)
    profile = LocalConnector().person(person.id_number)
    result = plan("7", "7-1", answers={"has_other_pension": True}, profile=profile)
    # Items 1.6.12 (3 fields, 2 materials), 1.6.1 (5, 3), L-pension-account (3, 2).
    # fields: 11 separately; 7 merged, of which 5 are prefilled → 2 (retire_type, bank_account).
    # materials: 7 separately; 4 merged, id_card and insurance_proof from shared data, and
    # retire_form generated from the merged form → 1.
    # visits: 1.6.1 is not online and L-pension-account needs a visit → 2 separately, 1 bundled.
    assert burden(result) == {
        "fields": (11, 2),
        "materials": (7, 1),
        "applications": (3, 1),
        "visits": (2, 1),
    }
    assert result.credit_commitment_required is True  # L-pension-account pays money


def test_burden_without_shared_data():
    result = plan("7", "7-1")
    # 1.6.1 + L-pension-account: fields 5 + 3 = 8, merged 6; materials 3 + 2 = 5, merged 4,
    # less retire_form, which the merged form replaces → 3.
    assert burden(result) == {
        "fields": (8, 6),
        "materials": (5, 3),
        "applications": (2, 1),
        "visits": (2, 1),
    }


def test_no_credit_commitment_when_nothing_pays_money():
    assert plan("1", "1-1").credit_commitment_required is False


# ---------------------------------------------------------------------------------------------
# Optional items


def test_optional_item_is_included_by_tick_only():
    assert [s.code for s in plan("1", "1-1").subitems] == ["1.1.5", "2.1.1"]
    ticked = plan("1", "1-1", optional_items=["3.1.1"])
    assert [s.code for s in ticked.subitems] == ["1.1.5", "2.1.1", "3.1.1"]
    assert [s.required for s in ticked.subitems] == [True, True, False]


def test_optional_item_is_included_by_a_yes_answer():
    yes = plan("7", "7-1", answers={"has_other_pension": True})
    assert [s.code for s in yes.subitems] == ["1.6.12", "1.6.1", "L-pension-account"]
    no = plan("7", "7-1", answers={"has_other_pension": False})
    assert [s.code for s in no.subitems] == ["1.6.1", "L-pension-account"]


def test_an_answer_to_a_question_the_bundle_does_not_ask_is_unprocessable():
    with pytest.raises(Unprocessable) as caught:
        plan("7", "7-1", answers={"has_other_pension": True, "something_else": True})
    assert list(caught.value.fields or {}) == ["answers"]
    assert "something_else" in caught.value.fields["answers"][0]  # type: ignore[index]


def test_a_tick_also_includes_an_item_that_has_a_question():
    result = plan("7", "7-1", optional_items=["1.6.12"])
    assert "1.6.12" in [s.code for s in result.subitems]


def test_unknown_scenario_is_unprocessable():
    with pytest.raises(Unprocessable) as caught:
        plan("7", "1-1")  # 1-1 belongs to bundle 1
    assert caught.value.status == 422
    assert list(caught.value.fields) == ["scenario"]
    assert "1-1" in caught.value.fields["scenario"][0]


@pytest.mark.parametrize(
    "code",
    [
        "1.6.12",  # optional in 7-1, not in 7-2
        "2.1.1",  # another bundle's item
        "no-such-item",
    ],
)
def test_optional_item_from_elsewhere_is_unprocessable(code):
    with pytest.raises(Unprocessable) as caught:
        plan("7", "7-2", optional_items=[code])
    assert caught.value.status == 422
    assert caught.value.fields == {"items": [f"事项“{code}”不属于场景“7-2 因病提前退休”"]}


# ---------------------------------------------------------------------------------------------
# Due dates


def test_parallel_due_dates_across_spring_festival():
    result = plan("1", "1-1", optional_items=["3.1.1"])
    # 1.1.5: 5 working days after Fri 01-24 = 01-26 (make-up Sunday), 01-27, 02-05, 02-06, 02-07.
    # 2.1.1: 即办, 30 minutes. 3.1.1: 7 calendar days → 01-31 (a holiday; not moved).
    assert [s.due_at for s in result.subitems] == [
        end_of(dt.date(2025, 2, 7)),
        SPRING_2025 + dt.timedelta(minutes=30),
        end_of(dt.date(2025, 1, 31)),
    ]
    assert {s.stage for s in result.subitems} == {1}
    # The promised date of a parallel scenario is its latest item's.
    assert result.promised_due_at == end_of(dt.date(2025, 2, 7))
    assert result.promised_due_date == dt.date(2025, 2, 7)


def test_parallel_due_dates_across_national_day():
    result = plan("1", "1-1", optional_items=["3.1.1"], start=NATIONAL_DAY_2024)
    # 5 working days after Fri 09-27: 09-29 (make-up Sunday), 09-30, 10-08, 10-09, 10-10.
    assert due_dates(result) == {
        "1.1.5": dt.date(2024, 10, 10),
        "2.1.1": dt.date(2024, 9, 27),
        "3.1.1": dt.date(2024, 10, 4),
    }
    assert result.promised_due_date == dt.date(2024, 10, 10)


def test_speedup_limit_wins_over_the_catalogue():
    # 1.6.1: the catalogue promises 10 working days, the pack's speed-up list 5.
    result = plan("7", "7-2")
    retire = result.subitems[0]
    assert retire.code == "1.6.1"
    assert (retire.limits.promised.value, retire.limits.legal.value) == (5, 20)
    assert retire.limits.speedup is not None and retire.limits.speedup.seq == 1
    assert retire.due_at == end_of(dt.date(2025, 2, 7))  # 10 days would be 02-13


def test_serial_stage_two_starts_when_stage_one_is_due():
    result = plan("7", "7-1")
    # Stage 1: 1.6.1, 5 working days → 02-07. Stage 2 counts from 02-07:
    # L-pension-account, 3 working days → 02-08 (make-up Saturday), 02-10, 02-11.
    assert [(s.code, s.stage) for s in result.subitems] == [
        ("1.6.1", 1),
        ("L-pension-account", 2),
    ]
    assert due_dates(result) == {
        "1.6.1": dt.date(2025, 2, 7),
        "L-pension-account": dt.date(2025, 2, 11),
    }
    assert result.promised_due_date == dt.date(2025, 2, 11)


def test_serial_stage_two_waits_for_the_slowest_item_of_stage_one():
    result = plan("7", "7-1", answers={"has_other_pension": True}, optional_items=["3.1.1"])
    # Stage 1: 1.6.12 (speed-up: 15 working days) → 02-20; 1.6.1 → 02-07. Stage 2 from 02-20:
    # L-pension-account 3 working days → 02-25; 3.1.1 7 calendar days → 02-27.
    assert due_dates(result) == {
        "1.6.12": dt.date(2025, 2, 20),
        "1.6.1": dt.date(2025, 2, 7),
        "L-pension-account": dt.date(2025, 2, 25),
        "3.1.1": dt.date(2025, 2, 27),
    }
    assert [s.stage for s in result.subitems] == [1, 1, 2, 2]
    assert result.promised_due_date == dt.date(2025, 2, 27)


def test_bundle_level_limit_wins():
    result = plan("9", "9-1")
    # Items: 2.1.1 即办, 3.1.1 7 calendar days → 01-31. The bundle promises 5 working days,
    # which across Spring Festival is 02-07: the bundle's own limit decides.
    assert max(s.due_at for s in result.subitems) == end_of(dt.date(2025, 1, 31))
    assert result.promised_due_at == end_of(dt.date(2025, 2, 7))


def test_planning_needs_a_configured_calendar(db):
    from kuaiban.calendar.models import CalendarYear

    CalendarYear.objects.filter(year=2025).delete()
    with pytest.raises(CalendarNotConfigured) as caught:
        plan("1", "1-1")
    assert caught.value.status == 422
    assert "2025" in caught.value.message


def test_lenient_plan_past_the_calendar_has_no_dates(db):
    from kuaiban.calendar.models import CalendarYear

    CalendarYear.objects.filter(year=2025).delete()
    result = plan("7", "7-1", strict=False)
    assert result.promised_due_at is None
    assert result.promised_due_date is None
    assert [s.due_at for s in result.subitems] == [None, None]
    assert "2025" in result.calendar_problem
    # Everything that does not need the calendar is still planned.
    assert burden(result)["applications"] == (2, 1)


def test_strict_plan_has_no_calendar_problem():
    assert plan("7", "7-1").calendar_problem == ""


# ---------------------------------------------------------------------------------------------
# A scenario whose items are all optional (Jiangsu's 全部可选)


@pytest.fixture
def all_optional(tmp_path, loaded_pack):
    from kuaiban.bundles.services import pack_load
    from tests.bundles.helpers import PACK_TEXT, write_files

    text = PACK_TEXT.replace(
        '            required: true\n            source: "900 附件1 序号9 9-1',
        '            required: false\n            source: "900 附件1 序号9 9-1',
    )
    pack_load(path=write_files(tmp_path, pack=text))


@pytest.mark.usefixtures("all_optional")
def test_all_optional_scenario_needs_at_least_one_tick():
    with pytest.raises(Unprocessable) as caught:
        plan("9", "9-1")
    assert caught.value.status == 422
    assert list(caught.value.fields) == ["items"]


@pytest.mark.usefixtures("all_optional")
def test_all_optional_scenario_with_a_tick():
    result = plan("9", "9-1", optional_items=["3.1.1"])
    assert [s.code for s in result.subitems] == ["3.1.1"]
    assert burden(result)["applications"] == (1, 1)
