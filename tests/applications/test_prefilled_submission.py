"""Shared data fits the form: generated people, for every person bundle of their province, can
send the plan's prefilled form back unchanged without a refusal caused by prefilled data.

The 1,000 people `make demo` generates are all written; the plans are checked for a
deterministic sample of them that holds every kind of shared value the population holds (see
`_sample`). ``KUAIBAN_PREFILL_EVERY_PERSON=1`` checks every one of the 1,000 instead (about
17,000 plans; minutes)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable

import pytest
from django.utils import timezone

from kuaiban.applications.validation import form_clean
from kuaiban.bundles.models import Bundle
from kuaiban.bundles.planning import bundle_plan, required_group_picks
from kuaiban.bundles.selectors import bundle_get, pack_speedups
from kuaiban.calendar.selectors import calendar_load
from kuaiban.catalogue.models import FormField
from kuaiban.shareddata.connectors.base import SharedProfile
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.selectors import lookup_person
from kuaiban.shareddata.services import synthetic_generate
from kuaiban.shareddata.synthetic import vocab

pytestmark = pytest.mark.django_db

PEOPLE = 1000  # as many as `make demo` generates
EVERY_PERSON = os.environ.get("KUAIBAN_PREFILL_EVERY_PERSON", "").lower() in {"1", "true", "yes"}
# A shared value with at most this many different values among the people is a category (学历,
# 性别, 参保状态…): each value is a kind of its own. Any other (a name, a phone number, an
# address) is one kind when present.
CATEGORY_VALUES = 30
# Besides the people who bring a kind of value first, every STRIDE-th person, so that free-form
# values are also seen in their variety.
STRIDE = 20


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


def _kinds(region: str, profile: SharedProfile, categories: set[str]) -> set[tuple[str, ...]]:
    """The kinds of shared value this person brings: (province, path, value) for a category,
    (province, path) for any other value present; and the person's city (the 社保卡 pick-up
    points offered depend on it)."""
    kinds: set[tuple[str, ...]] = {("city", region[:4])}
    for path, value in profile.values.items():
        if value:
            kinds.add((region[:2], path, value) if path in categories else (region[:2], path))
    return kinds


def _sample(
    people: list[tuple[str, str, SharedProfile]],
) -> Iterable[tuple[str, str, SharedProfile]]:
    """Every person who brings a kind of shared value no one before them did (in ID-number
    order), and every STRIDE-th person; everyone with KUAIBAN_PREFILL_EVERY_PERSON."""
    distinct: dict[str, set[str]] = {}
    for _id, _region, profile in people:
        for path, value in profile.values.items():
            distinct.setdefault(path, set()).add(value)
    categories = {path for path, values in distinct.items() if len(values) <= CATEGORY_VALUES}
    seen: set[tuple[str, ...]] = set()
    for n, (id_number, region, profile) in enumerate(people):
        kinds = _kinds(region, profile, categories)
        if EVERY_PERSON or n % STRIDE == 0 or not kinds <= seen:
            seen |= kinds
            yield id_number, region, profile


def test_generated_people_can_send_the_prefilled_form_back_unchanged(demo_world) -> None:  # type: ignore[no-untyped-def]
    """A sample of the 1,000 generated people that holds every kind of their shared values
    (`_sample`) reaches every person scenario and every source a plan can prefill from, and
    nothing prefilled is refused. ``KUAIBAN_PREFILL_EVERY_PERSON=1`` runs all 1,000 people."""
    # Every pack and the demo, as `make demo` sets them up (tests/worlds.py), then its people.
    synthetic_generate(people=PEOPLE, seed=1)
    scenarios = _person_scenarios()
    calendar = calendar_load(since=timezone.localdate())
    people = []
    for id_number, region in (
        Person.objects.filter(generated=True)
        .order_by("id_number")
        .values_list("id_number", "region_code")
    ):
        profile = lookup_person(id_number=id_number).profile
        assert profile is not None
        people.append((id_number, region, profile))
    assert len(people) == PEOPLE
    refused: list[str] = []
    planned: Counter[str] = Counter()
    prefilled_paths: set[tuple[str, str]] = set()

    def plan_for(
        scenario: tuple[str, Bundle, str, object, list[str]], profile: SharedProfile | None
    ):  # type: ignore[no-untyped-def]
        _province, bundle, code, speedups, picks = scenario
        return bundle_plan(
            bundle=bundle,
            scenario_code=code,
            optional_items=picks,
            profile=profile,
            applicant_kind="person",
            strict=False,
            speedups=speedups,  # type: ignore[arg-type]
            calendar=calendar,
        )

    for _id_number, region, profile in _sample(people):
        for scenario in scenarios:
            province, bundle, code, _speedups, _picks = scenario
            if province != region[:2]:
                continue  # a pack serves its own province
            plan = plan_for(scenario, profile)
            sent = {f.key: f.prefill for f in plan.fields if f.prefill}
            _clean, errors = form_clean(fields=plan.fields, data=sent)
            planned[f"{bundle.pack.code}/{bundle.code}/{code}"] += 1
            prefilled_paths |= {(province, f.source) for f in plan.fields if f.prefill}
            refused += [f"{code} {k}: {v[0]}" for k, v in errors.items() if k[5:] in sent]
    assert refused == []
    # The sample reaches every scenario, and every source the plans of the whole population
    # could prefill from (a field's source in a province where some person has a value for it).
    assert set(planned) == {f"{b.pack.code}/{b.code}/{code}" for _, b, code, _, _ in scenarios}
    sources = {(s[0], f.source) for s in scenarios for f in plan_for(s, None).fields if f.source}
    held = {(region[:2], path) for _, region, p in people for path, v in p.values.items() if v}
    assert sources & held and sources & held <= prefilled_paths, sources & held - prefilled_paths


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
