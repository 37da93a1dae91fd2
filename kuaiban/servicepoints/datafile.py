"""Reading a region's service-point file (``packs/servicepoints/<city>.yaml``), checked in full.

Every problem is collected (with the point's code or the place's name) before anything is
written; `services.servicepoints_load` stores a file only when it has none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kuaiban.servicepoints.geo import position_error
from kuaiban.servicepoints.models import AreaKind, PointKind

ALL = "all"  # in `accepts`: every current item of the catalogue
SET_PREFIX = "set:"


@dataclass
class PointSpec:
    code: str
    name: str
    kind: str
    region_code: str
    district: str
    address: str
    latitude: float
    longitude: float
    area: str
    hours: str
    extended_hours: str
    phone: str
    prints_cards: bool
    accepts_all: bool
    accepts: list[str]
    decides: list[str]
    digest: str


@dataclass
class PlaceSpec:
    name: str
    short_name: str
    latitude: float
    longitude: float
    area: str
    digest: str


@dataclass
class RegionFile:
    path: Path
    region_code: str
    region_name: str
    source: str
    points: list[PointSpec] = field(default_factory=list)
    places: list[PlaceSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _digest(entry: Any) -> str:
    return hashlib.sha256(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()


def _position(entry: dict[str, Any], where: str, problems: list[str]) -> tuple[float, float]:
    at = entry.get("at")
    if not (isinstance(at, list) and len(at) == 2 and all(isinstance(v, int | float) for v in at)):
        problems.append(f"{where}：at 应为 [纬度, 经度]")
        return 0.0, 0.0
    error = position_error(float(at[0]), float(at[1]))
    if error:
        problems.append(f"{where}：{error}")
    return float(at[0]), float(at[1])


def _codes(
    value: Any, where: str, sets: dict[str, list[str]], problems: list[str]
) -> tuple[bool, list[str]]:
    """(every item?, the item codes) of an ``accepts``/``decides`` list."""
    if not isinstance(value, list):
        problems.append(f"{where} 应为列表")
        return False, []
    everything, codes = False, []
    for entry in value:
        entry = str(entry)
        if entry == ALL:
            everything = True
        elif entry.startswith(SET_PREFIX):
            name = entry.removeprefix(SET_PREFIX)
            if name not in sets:
                problems.append(f"{where}：未定义的事项组 {name}")
            codes.extend(sets.get(name, []))
        else:
            codes.append(entry)
    return everything, list(dict.fromkeys(codes))


def _text(
    entry: dict[str, Any], key: str, where: str, problems: list[str], *, required: bool = True
) -> str:
    raw = entry.get(key, "")
    if raw is None:
        raw = ""
    if not isinstance(raw, str | int):
        problems.append(f"{where}：{key} 应为文字")
        return ""
    value = str(raw).strip()
    if required and not value:
        problems.append(f"{where}：缺少 {key}")
    return value


def _point(
    entry: dict[str, Any], file_region: str, sets: dict[str, list[str]], problems: list[str]
) -> PointSpec:
    code = _text(entry, "code", "网点", problems)
    where = f"网点 {code or '?'}"
    kind = _text(entry, "kind", where, problems)
    if kind and kind not in PointKind.values:
        problems.append(f"{where}：kind 应为 {'、'.join(PointKind.values)} 之一")
    area = _text(entry, "area", where, problems, required=False) or AreaKind.URBAN
    if area not in AreaKind.values:
        problems.append(f"{where}：area 应为 urban 或 rural")
    latitude, longitude = _position(entry, where, problems)
    accepts_all, accepts = _codes(entry.get("accepts", []), f"{where} accepts", sets, problems)
    decides_all, decides = _codes(entry.get("decides", []), f"{where} decides", sets, problems)
    if decides_all:
        problems.append(f"{where}：decides 不能为 all，须列出授权办理的事项")
    if not accepts_all:
        outside = [c for c in decides if c not in accepts]
        if outside:
            problems.append(f"{where}：授权办理的事项须同时委托受理：{'、'.join(outside)}")
    return PointSpec(
        code=code,
        name=_text(entry, "name", where, problems),
        kind=kind,
        region_code=_text(entry, "region", where, problems, required=False) or file_region,
        district=_text(entry, "district", where, problems, required=False),
        address=_text(entry, "address", where, problems),
        latitude=latitude,
        longitude=longitude,
        area=area,
        hours=_text(entry, "hours", where, problems),
        extended_hours=_text(entry, "extended_hours", where, problems, required=False),
        phone=_text(entry, "phone", where, problems, required=False),
        prints_cards=bool(entry.get("prints_cards", False)),
        accepts_all=accepts_all,
        accepts=accepts,
        decides=decides,
        digest=_digest(entry),
    )


def _place(entry: dict[str, Any], region_name: str, problems: list[str]) -> PlaceSpec:
    name = _text(entry, "name", "地址定位", problems)
    where = f"地址定位 {name or '?'}"
    if name and not name.startswith(region_name):
        problems.append(f"{where}：应以 {region_name} 开头")
    area = _text(entry, "area", where, problems, required=False) or AreaKind.URBAN
    if area not in AreaKind.values:
        problems.append(f"{where}：area 应为 urban 或 rural")
    latitude, longitude = _position(entry, where, problems)
    return PlaceSpec(
        name=name,
        short_name=name.removeprefix(region_name),
        latitude=latitude,
        longitude=longitude,
        area=area,
        digest=_digest(entry),
    )


def places_overlap(names: list[str]) -> list[str]:
    """Pairs of address-list entries one of which contains the other (an address would then
    fall in two): the one rule behind the file check and the admin form."""
    return [f"{a} 包含 {b}" for a in names for b in names if a != b and b and b in a]


def region_file_read(path: Path) -> RegionFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return RegionFile(path, "", "", "", problems=[f"无法读取：{error}"])
    if not isinstance(data, dict) or not isinstance(data.get("region"), dict):
        return RegionFile(path, "", "", "", problems=["缺少 region: {code, name}"])
    region = data["region"]
    result = RegionFile(
        path=path,
        region_code=str(region.get("code", "")),
        region_name=str(region.get("name", "")),
        source=str(data.get("source", "")).strip(),
    )
    if not result.source:
        result.problems.append("缺少 source（数据来源说明）")
    sets = data.get("sets") or {}
    if not isinstance(sets, dict) or not all(isinstance(v, list) for v in sets.values()):
        result.problems.append("sets 应为 名称: [事项编码…]")
        sets = {}
    sets = {str(k): [str(c) for c in v] for k, v in sets.items()}
    for entry in data.get("points") or []:
        if isinstance(entry, dict):
            result.points.append(_point(entry, result.region_code, sets, result.problems))
        else:
            result.problems.append("points 的每一项应为映射")
    for entry in data.get("places") or []:
        if isinstance(entry, dict):
            result.places.append(_place(entry, result.region_name, result.problems))
        else:
            result.problems.append("places 的每一项应为映射")
    for label, keys in (
        ("网点代码", [p.code for p in result.points]),
        ("地址定位", [p.name for p in result.places]),
    ):
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            result.problems.append(f"{label}重复：{'、'.join(repeated)}")
    names = [p.name for p in result.places] + [p.short_name for p in result.places]
    result.problems.extend(
        f"地址定位条目相互包含：{pair}"
        for pair in places_overlap(sorted(set(names)))
        if not _same_entry(pair, result.places)
    )
    return result


def _same_entry(pair: str, places: list[PlaceSpec]) -> bool:
    # An entry's full name contains its own short name: not an overlap.
    return any(pair == f"{p.name} 包含 {p.short_name}" for p in places)
