"""Synthetic history with a city's own pack: its applications come from the city and its
districts, the province's pack's from the rest of the province (the most local pack applies)."""

from __future__ import annotations

import random

import pytest

from kuaiban.bundles.models import Pack
from kuaiban.catalogue.models import Agency, Region
from kuaiban.supervision.synthetic.world import world_prepare

pytestmark = pytest.mark.django_db


def test_a_city_pack_takes_the_city_and_the_province_pack_the_rest(jinan_world) -> None:  # type: ignore[no-untyped-def]
    world = world_prepare(rng=random.Random(1))
    codes = dict(Region.objects.values_list("pk", "code"))
    jinan, shandong = Pack.objects.get(code="jinan-2020"), Pack.objects.get(code="shandong-2020")
    city = {codes[p.region_id] for p in world.places[jinan.pk]}
    province = {codes[p.region_id] for p in world.places[shandong.pk]}
    assert {"370100", "370102"} <= city and all(code.startswith("3701") for code in city)
    assert "370000" in province and not city & province
    # Every place of the city pack is served by the city's own agencies.
    jinan_agencies = {a for p in world.places[jinan.pk] for a in p.agencies.values()}
    assert all(
        code.startswith("370100-")
        for code in Agency.objects.filter(pk__in=jinan_agencies).values_list("code", flat=True)
    )
