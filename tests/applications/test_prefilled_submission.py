"""Shared data fits the form: every generated person, for every person bundle of their province,
can send the plan's prefilled form back unchanged without a refusal caused by prefilled data."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kuaiban.applications.validation import form_clean
from kuaiban.bundles.models import Bundle
from kuaiban.bundles.planning import bundle_plan, required_group_picks
from kuaiban.bundles.selectors import bundle_get, pack_speedups
from kuaiban.calendar.selectors import calendar_load
from kuaiban.catalogue.models import FormField
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.selectors import lookup_person
from kuaiban.shareddata.services import synthetic_generate
from kuaiban.shareddata.synthetic import vocab

pytestmark = pytest.mark.django_db

PEOPLE = 1000  # as many as `make demo` generates


def _person_scenarios() -> list[tuple[str, Bundle, str, object, list[str]]]:
    """(province code prefix, bundle, scenario code, speed-ups, the least ticks) of every
    scenario a person can apply for with its required items alone (and one member of each 必做
    item group)."""
    found = []
    for row in Bundle.objects.select_related("pack__region"):
        bundle = bundle_get(pack_code=row.pack.code, bundle_code=row.code)
        speedups = pack_speedups(pack=bundle.pack)
        for scenario in bundle.scenarios.all():
            if scenario.target in ("person", "both") and any(
                bi.required for bi in scenario.bundle_items.all()
            ):
                picks = required_group_picks(list(scenario.bundle_items.all()))
                found.append((row.pack.region.code[:2], bundle, scenario.code, speedups, picks))
    return found


def test_every_generated_person_can_send_the_prefilled_form_back_unchanged(demo_world) -> None:  # type: ignore[no-untyped-def]
    # Every pack and the demo, as `make demo` sets them up (tests/worlds.py), then its people.
    synthetic_generate(people=PEOPLE, seed=1)
    scenarios = _person_scenarios()
    calendar = calendar_load(since=timezone.localdate())
    refused: list[str] = []
    people = planned = prefilled = 0
    for id_number, region in Person.objects.filter(generated=True).values_list(
        "id_number", "region_code"
    ):
        people += 1
        profile = lookup_person(id_number=id_number).profile
        assert profile is not None
        for province, bundle, code, speedups, picks in scenarios:
            if province != region[:2]:
                continue  # a pack serves its own province
            plan = bundle_plan(
                bundle=bundle,
                scenario_code=code,
                optional_items=picks,
                profile=profile,
                applicant_kind="person",
                strict=False,
                speedups=speedups,  # type: ignore[arg-type]
                calendar=calendar,
            )
            sent = {f.key: f.prefill for f in plan.fields if f.prefill}
            _clean, errors = form_clean(fields=plan.fields, data=sent)
            planned += 1
            prefilled += len(sent)
            refused += [f"{code} {k}: {v[0]}" for k, v in errors.items() if k[5:] in sent]
    assert people == PEOPLE and planned > PEOPLE and prefilled > planned
    assert refused == []


def test_the_generator_draws_education_from_the_fields_choices(shandong_world) -> None:  # type: ignore[no-untyped-def]
    field = FormField.objects.get(key="education")
    assert field.prefill == "person.education"
    assert set(vocab.EDUCATION) <= set(field.choices)


def test_a_shared_value_outside_the_fields_choices_is_asked_not_prefilled(
    shandong_jiangsu_world,
) -> None:  # type: ignore[no-untyped-def]
    plans = []
    for person_education in ("初中", "大学本科"):
        Person.objects.update_or_create(
            id_number="320102199001011237",
            defaults={
                "name": "周明",
                "gender": "男",
                "birth_date": "1990-01-01",
                "education": person_education,
                "region_code": "320102",
            },
        )
        profile = lookup_person(id_number="320102199001011237").profile
        for bundle in Bundle.objects.filter(pack__code="jiangsu-2021"):
            found = bundle_get(pack_code="jiangsu-2021", bundle_code=bundle.code)
            for scenario in found.scenarios.all():
                if any(bi.required for bi in scenario.bundle_items.all()):
                    plan = bundle_plan(
                        bundle=found, scenario_code=scenario.code, profile=profile, strict=False
                    )
                    plans += [(person_education, f) for f in plan.fields if f.key == "education"]
    assert plans, "a Jiangsu scenario asks 学历"
    for person_education, field in plans:
        if person_education == "初中":
            assert field.prefill is None and field.typed  # asked, never handed a refused value
        else:
            assert field.prefill == "大学本科" and not field.typed
