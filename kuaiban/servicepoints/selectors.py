"""Reads: nearest points for an item, an address's position, one point, the regions with points."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length, Round

from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.catalogue.regions import region_and_below
from kuaiban.core.errors import NotFound
from kuaiban.servicepoints.geo import Position, box, distance_sql, walk_minutes
from kuaiban.servicepoints.models import Place, ServicePoint

# The nearest search widens its box step by step; the last step has no box at all.
_SEARCH_RADII_M = (3_000.0, 15_000.0, 80_000.0)


@dataclass(frozen=True)
class NearPoint:
    point: ServicePoint
    distance_m: int
    walk_minutes: int

    @property
    def distance_text(self) -> str:
        if self.distance_m < 1000:
            return f"{self.distance_m} 米"
        return f"{self.distance_m / 1000:.1f} 公里"


def points_active() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(active=True).select_related("region")


def points_for(
    *, item: ServiceItem | None = None, region: Region | None = None
) -> QuerySet[ServicePoint]:
    """Active points that accept ``item`` (all when None), in ``region`` and below."""
    points = points_active()
    if item is not None:
        points = points.filter(accepts=item)
    if region is not None:
        points = points.filter(region_and_below(region.pk))
    return points


def _home_rank(home: int | None) -> Case | Value:
    """0 for a point in the person's own district (its region, or a city point whose district
    is named as the person's region), 1 for the others; all 1 when the home is not known. In
    the list's own query: the region's name is a subquery."""
    if home is None:
        return Value(1)
    name = Subquery(Region.objects.filter(pk=home).values("name")[:1])
    return Case(
        When(Q(region_id=home) | Q(district=name), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def points_by_distance(
    origin: Position,
    *,
    points: QuerySet[ServicePoint],
    within_m: float | None = None,
    home: int | None = None,
) -> QuerySet[ServicePoint]:
    """``points`` nearest first, annotated with ``distance`` (metres); within ``within_m`` when
    given (the box on the indexed position narrows the rows before the exact distance). At an
    equal distance the points of ``home`` (the person's own district) come first."""
    if within_m is not None:
        lat_min, lat_max, lng_min, lng_max = box(origin, within_m)
        points = points.filter(
            latitude__range=(lat_min, lat_max), longitude__range=(lng_min, lng_max)
        )
    points = points.annotate(distance=distance_sql(origin), home_rank=_home_rank(home))
    if within_m is not None:
        points = points.filter(distance__lte=within_m)
    # Equal to the metre (as shown): the person's own district first.
    return points.order_by(Round("distance"), "home_rank", "distance", "pk")


def points_in_order(
    points: QuerySet[ServicePoint], *, origin: Position | None, home: int | None
) -> QuerySet[ServicePoint]:
    """The one order of every list of points: nearest first when a position is known (the
    person's own district first at an equal distance); without one, the person's own district
    first, then by region, kind and name."""
    if origin is not None:
        return points_by_distance(origin, points=points, home=home)
    return points.annotate(home_rank=_home_rank(home)).order_by(
        "home_rank", "region__code", "kind", "name", "pk"
    )


def home_region(user: object) -> int | None:
    """The id of the signed-in user's own region (their district, as the account gives it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    region_id = getattr(user, "region_id", None)
    return region_id if isinstance(region_id, int) else None


def points_nearest(
    origin: Position,
    *,
    item: ServiceItem | None = None,
    region: Region | None = None,
    limit: int = 5,
    home: int | None = None,
) -> list[NearPoint]:
    """The ``limit`` nearest points accepting ``item``: the box widens until enough are found."""
    candidates = points_for(item=item, region=region)
    found: list[ServicePoint] = []
    for radius in (*_SEARCH_RADII_M, None):
        nearest = points_by_distance(origin, points=candidates, within_m=radius, home=home)
        found = list(nearest[:limit])
        if len(found) >= limit:
            break
    return [near_point(p) for p in found]


def near_point(point: ServicePoint) -> NearPoint:
    metres = round(getattr(point, "distance", 0.0))
    return NearPoint(point=point, distance_m=metres, walk_minutes=walk_minutes(metres))


def place_for_address(address: str) -> Place | None:
    """The address list's entry an address falls in: the longest entry whose full or short name
    the address contains (the loader keeps entries from containing one another)."""
    address = address.strip()
    if not address:
        return None
    return (
        Place.objects.alias(text=Value(address))
        .filter(Q(text__contains=F("name")) | Q(text__contains=F("short_name")))
        .select_related("region")
        .order_by(Length("name").desc(), "pk")
        .first()
    )


def access_point(*, point_id: int) -> ServicePoint:
    """An active point (public data: no owner), or NotFound."""
    point = points_active().filter(pk=point_id).first()
    if point is None:
        raise NotFound("服务网点不存在或已停用")
    return point


def point_by_code(code: str) -> ServicePoint:
    point = points_active().filter(code=code).first()
    if point is None:
        raise NotFound("服务网点不存在或已停用")
    return point


def regions_with_points() -> list[Region]:
    """The cities whose address list is loaded (the coverage report's and map's choices)."""
    return list(Region.objects.filter(places__isnull=False).distinct().order_by("code"))
