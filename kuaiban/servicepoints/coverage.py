"""The coverage report: the share of a region's population inside the service circle.

Shandong 2023 第19条: 城区步行15分钟、乡村辐射5公里. People are the shared-data `Person` rows
whose 常住地址 names the city; each is placed by the region's address list (`Place`, the entry
the address contains — entries never contain one another, so each person counts once). A
place is inside the circle when its nearest active point (accepting the item, if one is asked
for) is within 15 minutes' walk at ``KUAIBAN_WALK_SPEED_KMH`` (urban place) or within
``KUAIBAN_RURAL_RADIUS_KM`` (rural place), in a straight line. People whose address matches no
entry are counted as not located, and listed neither inside nor outside.

Queries: one for the people per place (one conditional count per entry), one for the places,
one for the points.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.servicepoints.geo import Position, circle_m, distance_m, walk_minutes
from kuaiban.servicepoints.models import AreaKind, Place, ServicePoint
from kuaiban.servicepoints.selectors import points_for
from kuaiban.shareddata.models import Person


@dataclass(frozen=True)
class PlaceCoverage:
    place: Place
    people: int
    nearest: ServicePoint | None
    distance_m: int | None
    circle_m: int
    covered: bool

    @property
    def walk_minutes(self) -> int | None:
        return None if self.distance_m is None else walk_minutes(self.distance_m)


@dataclass(frozen=True)
class Coverage:
    region: Region
    item: ServiceItem | None
    people: int  # whose address names the region
    located: int  # of them, placed by the address list
    covered: int  # of them, inside the circle
    places: list[PlaceCoverage]

    @property
    def share(self) -> float | None:
        """Covered / located (None with nobody located)."""
        return self.covered / self.located if self.located else None

    @property
    def unlocated(self) -> int:
        return self.people - self.located

    @property
    def outside(self) -> list[PlaceCoverage]:
        """Places with people outside the circle, the most people first."""
        return sorted(
            (p for p in self.places if not p.covered and p.people),
            key=lambda p: (-p.people, p.place.name),
        )


def _people_per_place(region: Region, places: list[Place]) -> tuple[int, dict[int, int]]:
    counts = Person.objects.filter(address__contains=region.name).aggregate(
        total=Count("pk"),
        **{
            f"p{place.pk}": Count(
                "pk",
                filter=Q(address__contains=place.name) | Q(address__contains=place.short_name),
            )
            for place in places
        },
    )
    return counts["total"], {place.pk: counts[f"p{place.pk}"] for place in places}


def coverage_report(*, region: Region, item: ServiceItem | None = None) -> Coverage:
    places = list(Place.objects.filter(region=region).order_by("name"))
    total, per_place = _people_per_place(region, places)
    points = list(points_for(item=item, region=region))
    rows = []
    for place in places:
        here = Position(place.latitude, place.longitude)
        nearest, best = None, None
        for point in points:
            d = distance_m(here, Position(point.latitude, point.longitude))
            if best is None or d < best:
                nearest, best = point, d
        circle = circle_m(rural=place.area == AreaKind.RURAL)
        rows.append(
            PlaceCoverage(
                place=place,
                people=per_place[place.pk],
                nearest=nearest,
                distance_m=None if best is None else round(best),
                circle_m=round(circle),
                covered=best is not None and best <= circle,
            )
        )
    located = sum(r.people for r in rows)
    return Coverage(
        region=region,
        item=item,
        people=total,
        located=located,
        covered=sum(r.people for r in rows if r.covered),
        places=rows,
    )
