"""Great-circle distance, once in Python and once as SQL over a point's columns.

Both use the haversine formula on a sphere of the mean Earth radius (IUGG, 6,371,008.8 m); the
SQL form is built from Django's math functions, which PostgreSQL has and Django registers on
SQLite, so the nearest search orders by distance in the database on both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FloatField, Func, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_M = 6_371_008.8
# Degrees of latitude per metre; a degree of longitude shrinks with the cosine of the latitude.
_DEGREES_PER_M = 180 / (math.pi * EARTH_RADIUS_M)


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float

    def __str__(self) -> str:
        return f"{self.latitude:.6f},{self.longitude:.6f}"


def position_error(latitude: float, longitude: float) -> str | None:
    """Why these are not a position on Earth, or None."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return "经纬度应为数字"
    if not -90 <= latitude <= 90:
        return "纬度应在 -90 到 90 之间"
    if not -180 <= longitude <= 180:
        return "经度应在 -180 到 180 之间"
    return None


def position_parse(text: str) -> Position | None:
    """ "36.65,117.12" → a Position; None for anything else (the caller says what is wrong)."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if position_error(latitude, longitude):
        return None
    return Position(latitude, longitude)


def distance_m(a: Position, b: Position) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    dphi = phi2 - phi1
    dlam = math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def distance_sql(origin: Position, *, lat: str = "latitude", lng: str = "longitude") -> Func:
    """The same distance as an SQL expression from ``origin`` to the row's ``lat``/``lng``."""
    phi1 = math.radians(origin.latitude)
    half = Value(0.5)
    dphi = Sin((Radians(F(lat)) - Value(phi1)) * half)
    dlam = Sin((Radians(F(lng)) - Value(math.radians(origin.longitude))) * half)
    h: CombinedExpression = Power(dphi, 2) + Value(math.cos(phi1)) * Cos(Radians(F(lat))) * Power(
        dlam, 2
    )
    # Rounding can lift h a hair above 1 for antipodes; ASIN would then fail on PostgreSQL.
    return ASin(Least(Sqrt(h), Value(1.0)), output_field=FloatField()) * Value(2 * EARTH_RADIUS_M)  # type: ignore[return-value]


def box(origin: Position, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) of a box holding every point within ``radius_m``."""
    dlat = radius_m * _DEGREES_PER_M
    cos = max(math.cos(math.radians(origin.latitude)), 1e-6)
    dlng = min(180.0, dlat / cos)
    return (
        origin.latitude - dlat,
        origin.latitude + dlat,
        origin.longitude - dlng,
        origin.longitude + dlng,
    )


def walk_minutes(metres: float) -> int:
    """Minutes on foot at ``KUAIBAN_WALK_SPEED_KMH``, rounded up (a straight line: real paths
    are longer, so this is the least it takes)."""
    speed_m_per_min = settings.KUAIBAN_WALK_SPEED_KMH * 1000 / 60
    return max(1, math.ceil(metres / speed_m_per_min - 1e-9))


def circle_m(*, rural: bool) -> float:
    """The service circle's radius: 5 km in the countryside, 15 minutes' walk in cities."""
    if rural:
        return settings.KUAIBAN_RURAL_RADIUS_KM * 1000
    return settings.KUAIBAN_WALK_SPEED_KMH * 1000 / 60 * settings.KUAIBAN_CITY_WALK_MINUTES
