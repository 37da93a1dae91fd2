"""The demo's countryside: the synthetic people (shared data, marked ``generated``) all live on
city roads, so the 5 km circle of the coverage report would stay empty. This demo step — not
the generator — moves a fixed share of a city's generated people to its rural places of the
address list (`Place` with area rural), with village addresses, so that the report shows the
countryside inside and outside its circle. Deterministic (by row order) and repeatable: running
it again writes the same addresses. Real deployments never run it: their people are real.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kuaiban.catalogue.models import Region
from kuaiban.servicepoints.models import AreaKind, Place
from kuaiban.shareddata.models import Person

PER_PLACE = 4  # of every 100 generated people of the city, per rural place
VILLAGES = ("东村", "西村", "南庄", "北庄", "王家庄", "李家庄", "河口村", "石门村")


@dataclass(frozen=True)
class RuralMoved:
    region: str
    places: int
    people: int


@transaction.atomic
def rural_residents_demo(*, region: Region) -> RuralMoved:
    rural = list(Place.objects.filter(region=region, area=AreaKind.RURAL).order_by("name"))
    people = list(
        Person.objects.filter(generated=True, address__contains=region.name).order_by("pk")
    )
    moved: list[Person] = []
    share = min(len(rural) * PER_PLACE, 100)
    for index, person in enumerate(people):
        slot = index % 100
        if slot >= share:
            continue
        place = rural[slot // PER_PLACE]
        province = person.address.split(region.name, 1)[0]
        village = VILLAGES[index % len(VILLAGES)]
        person.address = f"{province}{place.name}{village}{index % 200 + 1}号"
        moved.append(person)
    Person.objects.bulk_update(moved, ["address"], batch_size=500)
    return RuralMoved(region=region.name, places=len(rural), people=len(moved))
