"""`GET /api/v1/service-points` (nearest first, with distance) and one point — public data."""

# No ``from __future__ import annotations``: ninja reads the paginated list's parameters.
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kuaiban.catalogue.models import ServiceItem
from kuaiban.core.errors import Unprocessable
from kuaiban.core.openapi import ObjectId
from kuaiban.core.pagination import BoundedPageNumberPagination
from kuaiban.servicepoints.models import ServicePoint
from kuaiban.servicepoints.search import search_parse
from kuaiban.servicepoints.selectors import (
    access_point,
    home_region,
    near_point,
    points_for,
    points_in_order,
)

router = Router(tags=["就近办"])


class PointOut(Schema):
    id: int
    code: str = Field(description="网点代码")
    name: str
    kind: str = Field(
        description="hall 人社服务大厅 / bank 银行网点 / post 邮政网点 / street 街道（乡镇）便民服务中心 / community 社区（村）便民服务站"
    )
    kind_label: str
    region: str = Field(description="所在地区代码")
    district: str
    address: str
    latitude: float
    longitude: float
    area: str = Field(description="urban 城区 / rural 乡村")
    opening_hours: str
    extended_hours: str = Field(description="延时、错时服务；没有则为空")
    phone: str
    prints_cards: bool = Field(description="可当场制发社会保障卡（立等可取）")
    distance_m: int | None = Field(description="到查询位置的直线距离（米）；未给位置时为空")
    walk_minutes: int | None = Field(description="按设定步速的步行分钟数；未给位置时为空")
    decides_item: bool | None = Field(
        description="查询的事项在该网点可当场办结（授权办理）；未给事项时为空"
    )


class PointDetailOut(PointOut):
    accepts: list[str] = Field(description="委托受理的事项编码")
    decides: list[str] = Field(description="授权办理（当场办结）的事项编码")


class PointFilter(Schema):
    item: str = Field(
        "", max_length=40, description="事项编码，如 1.10.8；只列出可办理该事项的网点"
    )
    near: str = Field(
        "",
        max_length=60,
        description="位置“纬度,经度”（WGS 84），如 36.6545,117.0720；按距离由近到远",
    )
    address: str = Field(
        "",
        max_length=120,
        description="地址（按地区的地址定位清单定位，未给 near 时使用），如 历下区经十路",
    )
    region: str = Field("", max_length=6, description="地区代码，只列出该地区及下级的网点")


def point_out(point: ServicePoint, *, deciding: set[int] | None) -> PointOut:
    has_distance = hasattr(point, "distance")
    near = near_point(point)
    return PointOut(
        id=point.pk,
        code=point.code,
        name=point.name,
        kind=point.kind,
        kind_label=str(point.get_kind_display()),
        region=point.region.code,
        district=point.district,
        address=point.address,
        latitude=point.latitude,
        longitude=point.longitude,
        area=point.area,
        opening_hours=point.opening_hours,
        extended_hours=point.extended_hours,
        phone=point.phone,
        prints_cards=point.prints_cards,
        distance_m=near.distance_m if has_distance else None,
        walk_minutes=near.walk_minutes if has_distance else None,
        decides_item=None if deciding is None else point.pk in deciding,
    )


@router.get(
    "/service-points",
    response=list[PointOut],
    summary="就近办服务网点：可办理某事项的网点，给出位置或地址时按距离由近到远",
    auth=None,
)
@paginate(BoundedPageNumberPagination, page_size=20)
def service_points(request: HttpRequest, filters: Query[PointFilter]) -> object:
    search = search_parse(
        item=filters.item, near=filters.near, address=filters.address, region=filters.region
    )
    if search.errors:
        raise Unprocessable(
            "查询条件不正确", fields={name: [message] for name, message in search.errors.items()}
        )
    points = points_in_order(
        points_for(item=search.item, region=search.region),
        origin=search.origin,
        home=home_region(request.user),
    )
    deciding = (
        set(search.item.deciding_points.values_list("pk", flat=True)) if search.item else None
    )
    return _Page(points, deciding)


class _Page:
    """The query, counted and sliced by the paginator in the database; only the page served
    is read and turned into answers."""

    def __init__(self, points: QuerySet[ServicePoint], deciding: set[int] | None) -> None:
        self.points = points
        self.deciding = deciding

    def all(self) -> "_Page":
        return self

    def count(self) -> int:
        return self.points.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[PointOut]:
        return [point_out(p, deciding=self.deciding) for p in self.points[index]]


@router.get(
    "/service-points/{point_id}",
    response=PointDetailOut,
    summary="一个服务网点：办理时间、可办理和可当场办结的事项",
    auth=None,
)
def service_point(request: HttpRequest, point_id: ObjectId) -> PointDetailOut:
    point = access_point(point_id=point_id)
    accepts = list(
        ServiceItem.objects.current()
        .filter(accepting_points=point)
        .order_by("code")
        .values_list("code", flat=True)
    )
    decides = list(
        ServiceItem.objects.current()
        .filter(deciding_points=point)
        .order_by("code")
        .values_list("code", flat=True)
    )
    base = point_out(point, deciding=None)
    return PointDetailOut(**base.model_dump(), accepts=accepts, decides=decides)
