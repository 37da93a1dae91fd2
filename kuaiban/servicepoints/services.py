"""Writes: loading a region's service-point file (idempotent; admin edits survive an unchanged
entry, like catalogue rows)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.core.errors import Unprocessable
from kuaiban.servicepoints.datafile import RegionFile, region_file_read
from kuaiban.servicepoints.models import Place, ServicePoint


@dataclass
class LoadResult:
    region: str
    points_created: int = 0
    points_updated: int = 0
    points_unchanged: int = 0
    places_created: int = 0
    places_updated: int = 0
    places_unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.region}：网点 新增 {self.points_created}、更新 {self.points_updated}、"
            f"未变 {self.points_unchanged}；地址定位 新增 {self.places_created}、"
            f"更新 {self.places_updated}、未变 {self.places_unchanged}"
        )


def _check_references(data: RegionFile) -> tuple[Region | None, dict[str, Region], dict[str, int]]:
    regions = {r.code: r for r in Region.objects.all()}
    city = regions.get(data.region_code)
    if city is None:
        data.problems.append(f"地区 {data.region_code} 未登记（先在后台或用 demo_setup 建立地区）")
    items = dict(ServiceItem.objects.current().values_list("code", "pk"))
    for point in data.points:
        unknown = [c for c in point.accepts + point.decides if c not in items]
        if unknown:
            data.problems.append(
                f"网点 {point.code}：目录中没有这些已发布事项：{'、'.join(dict.fromkeys(unknown))}"
            )
    return city, regions, items


@transaction.atomic
def servicepoints_load(*, path: Path) -> LoadResult:
    """Check the whole file, then store it; Unprocessable lists every problem, nothing stored."""
    data = region_file_read(path)
    city, regions, items = _check_references(data)
    if data.problems or city is None:
        raise Unprocessable(f"{path.name}：\n" + "\n".join(data.problems))
    result = LoadResult(region=data.region_name)
    all_items = list(items.values())
    source = f"{path.name}：{data.source}"[:200]
    for spec in data.points:
        existing = ServicePoint.objects.filter(code=spec.code).first()
        if existing is not None and existing.source_hash == spec.digest:
            result.points_unchanged += 1
            continue
        point, created = ServicePoint.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "region": regions.get(spec.region_code, city),
                "district": spec.district,
                "address": spec.address,
                "latitude": spec.latitude,
                "longitude": spec.longitude,
                "area": spec.area,
                "opening_hours": spec.hours,
                "extended_hours": spec.extended_hours,
                "phone": spec.phone,
                "prints_cards": spec.prints_cards,
                "source": source,
                "source_hash": spec.digest,
            },
        )
        point.accepts.set(all_items if spec.accepts_all else [items[c] for c in spec.accepts])
        point.decides.set([items[c] for c in spec.decides])
        if created:
            result.points_created += 1
        else:
            result.points_updated += 1
    for place_spec in data.places:
        place = Place.objects.filter(name=place_spec.name).first()
        if place is not None and place.source_hash == place_spec.digest:
            result.places_unchanged += 1
            continue
        _, created = Place.objects.update_or_create(
            name=place_spec.name,
            defaults={
                "region": city,
                "short_name": place_spec.short_name,
                "latitude": place_spec.latitude,
                "longitude": place_spec.longitude,
                "area": place_spec.area,
                "source_hash": place_spec.digest,
            },
        )
        if created:
            result.places_created += 1
        else:
            result.places_updated += 1
    return result
