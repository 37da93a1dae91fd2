"""`{% nearest_points items request %}`: the points that accept every item given, on the item
and bundle guides — nearest first when the page is asked with an address (``?address=``),
else the points of the pack's region."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest

from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.servicepoints.search import search_parse
from kuaiban.servicepoints.selectors import (
    home_region,
    near_point,
    points_active,
    points_in_order,
)

register = template.Library()

SHOWN = 5


@register.inclusion_tag("servicepoints/_nearest.html")
def nearest_points(
    subject: ServiceItem | Any, request: HttpRequest, region: Region | None = None
) -> dict[str, Any]:
    """``subject``: an item, or a bundle (its required items, every scenario). One query, two
    with an address: the bundle's items and the region's tree are subqueries and joins."""
    points = points_active()
    if isinstance(subject, ServiceItem):
        points = points.filter(accepts=subject)
        single: ServiceItem | None = subject
    else:
        # Points missing none of the bundle's required items.
        missing = ServiceItem.objects.filter(
            bundle_items__scenario__bundle=subject, bundle_items__required=True
        ).exclude(accepting_points=OuterRef("pk"))
        points = points.filter(~Exists(missing))
        single = None
    address = request.GET.get("address", "")
    search = search_parse(address=address)
    if search.origin is None and region is not None:
        # province → city → district: at most two levels below
        points = points.filter(
            Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region)
        )
    points = points_in_order(points, origin=search.origin, home=home_region(request.user))
    rows = [near_point(p) for p in points[:SHOWN]]
    return {
        "rows": rows,
        "search": search,
        "address": search.address,
        "item": single,
        "path": request.path,
        "region": region,
    }
