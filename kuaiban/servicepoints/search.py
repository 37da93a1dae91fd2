"""Parsing the search of the points page and of the API: an item, and where from — a position
("纬度,经度") or an address placed by the region's address list."""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.core.text import text_error
from kuaiban.servicepoints.geo import Position, position_parse
from kuaiban.servicepoints.models import Place
from kuaiban.servicepoints.selectors import place_for_address


@dataclass
class Search:
    item: ServiceItem | None = None
    region: Region | None = None
    origin: Position | None = None
    place: Place | None = None
    address: str = ""
    errors: dict[str, str] | None = None


def search_parse(*, item: str = "", near: str = "", address: str = "", region: str = "") -> Search:
    """Every problem by parameter in ``errors`` (the page shows them, the API answers 422)."""
    search, errors = Search(address=address.strip()[:120]), {}
    for name, value in (("item", item), ("near", near), ("address", address), ("region", region)):
        if value and (problem := text_error(value)):
            errors[name] = problem
    if errors:
        search.errors = errors
        return search
    if item:
        search.item = ServiceItem.objects.current().filter(code=item.strip()).first()
        if search.item is None:
            errors["item"] = "没有这个服务事项"
    if region:
        search.region = Region.objects.filter(code=region.strip()).first()
        if search.region is None:
            errors["region"] = "没有这个地区"
    if near:
        search.origin = position_parse(near)
        if search.origin is None:
            errors["near"] = "位置应写成“纬度,经度”，如 36.6512,117.1201"
    elif search.address:
        search.place = place_for_address(search.address)
        if search.place is None:
            errors["address"] = (
                "未能识别该地址：请写出区县和道路（街道、乡镇）名称，如“历下区经十路”"
            )
        else:
            search.origin = Position(search.place.latitude, search.place.longitude)
    search.errors = errors or None
    return search
