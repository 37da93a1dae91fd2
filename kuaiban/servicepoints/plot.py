"""The map without a tile server: the points drawn as an SVG plot, numbered like the list.

An equirectangular projection around the points' mean latitude (a degree of longitude is
cos(latitude) of a degree of latitude), scaled into a fixed view box with a margin; at a city's
size the distortion is far below what the plot can show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kuaiban.servicepoints.geo import Position

WIDTH, HEIGHT, MARGIN = 600, 400, 30


@dataclass(frozen=True)
class PlotMark:
    number: int
    x: float
    y: float
    label: str
    anchor: str  # the list entry's id, for the link


@dataclass(frozen=True)
class Plot:
    marks: list[PlotMark]
    origin: tuple[float, float] | None
    width: int = WIDTH
    height: int = HEIGHT
    scale_m: int = 0  # the scale bar's length in metres
    scale_px: float = 0.0


def plot_make(
    points: list[tuple[Position, str, str]], origin: Position | None, *, start: int = 1
) -> Plot:
    """``points`` as (position, label, anchor), numbered from ``start`` in the given order."""
    every = [p for p, _, _ in points] + ([origin] if origin else [])
    if not every:
        return Plot(marks=[], origin=None)
    mean_lat = sum(p.latitude for p in every) / len(every)
    kx = math.cos(math.radians(mean_lat))
    xs = [p.longitude * kx for p in every]
    ys = [p.latitude for p in every]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.005)
    scale = (min(WIDTH, HEIGHT) - 2 * MARGIN) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(p: Position) -> tuple[float, float]:
        return (
            round(WIDTH / 2 + (p.longitude * kx - cx) * scale, 1),
            round(HEIGHT / 2 - (p.latitude - cy) * scale, 1),
        )

    marks = [
        PlotMark(number=i, x=at(p)[0], y=at(p)[1], label=label, anchor=anchor)
        for i, (p, label, anchor) in enumerate(points, start=start)
    ]
    metres_per_px = 111_195 / scale
    bar_m = _round_length(metres_per_px * 120)
    return Plot(
        marks=marks,
        origin=at(origin) if origin else None,
        scale_m=bar_m,
        scale_px=round(bar_m / metres_per_px, 1),
    )


def _round_length(metres: float) -> int:
    """A tidy scale-bar length (1, 2 or 5 × a power of ten) not above ``metres``."""
    power = 10 ** math.floor(math.log10(max(metres, 1)))
    for step in (5, 2, 1):
        if step * power <= metres:
            return int(step * power)
    return int(power)
