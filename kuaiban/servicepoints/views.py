"""Public pages: find the nearest points for an item (list + map), one point; the coverage
report for supervisors."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kuaiban.accounts.models import Role
from kuaiban.catalogue.models import Region, ServiceItem
from kuaiban.catalogue.regions import RegionTree, region_and_above
from kuaiban.core.errors import NotFound
from kuaiban.core.security_headers import content_security_policy
from kuaiban.servicepoints.coverage import coverage_report
from kuaiban.servicepoints.geo import Position
from kuaiban.servicepoints.plot import plot_make
from kuaiban.servicepoints.search import search_parse
from kuaiban.servicepoints.selectors import (
    home_region,
    near_point,
    point_by_code,
    points_for,
    points_in_order,
    regions_with_points,
)

PAGE_SIZE = 10


def _items_offered() -> list[ServiceItem]:
    return list(
        ServiceItem.objects.current()
        .filter(accepting_points__active=True)
        .distinct()
        .order_by("code")
    )


def _map_response(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    """The page; with a tile server, its policy also lets the map's images come from there."""
    tiles = settings.KUAIBAN_MAP_TILE_URL
    context["tile_url"] = tiles
    context["tile_attribution"] = settings.KUAIBAN_MAP_ATTRIBUTION
    response = render(request, template, context)
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        origin = f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.")
        response.headers["Content-Security-Policy"] = content_security_policy(images=[origin])
    return response


def _home_city(request: HttpRequest, cities: list[Region]) -> str:
    """The code of the city among `cities` that holds the signed-in person's own region, or ""."""
    region_id = getattr(request.user, "region_id", None) if request.user.is_authenticated else None
    if region_id is None:
        return ""
    codes = {city.pk: city.code for city in cities}
    return next((codes[pk] for pk in region_and_above(region_id) if pk in codes), "")


def point_list(request: HttpRequest) -> HttpResponse:
    cities = regions_with_points()
    # A first visit with nothing asked lists the person's own city first, not the first city
    # by code: the account already says where they live. Choosing 全部 shows every city.
    region = request.GET.get("region")
    asked = any(key in request.GET for key in ("region", "item", "near", "address"))
    if not asked:
        region = _home_city(request, cities)
    search = search_parse(
        item=request.GET.get("item", ""),
        near=request.GET.get("near", ""),
        address=request.GET.get("address", ""),
        region=region or "",
    )
    points = points_in_order(
        points_for(item=search.item, region=search.region),
        origin=search.origin,
        home=home_region(request.user),
    )
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [near_point(p) for p in page.object_list]
    plot = plot_make(
        [
            (Position(r.point.latitude, r.point.longitude), r.point.name, f"point-{r.point.pk}")
            for r in rows
        ],
        search.origin,
        start=page.start_index(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    if search.region is not None:
        query["region"] = search.region.code
    return _map_response(
        request,
        "servicepoints/list.html",
        {
            "search": search,
            "page": page,
            "rows": rows,
            "first_number": page.start_index(),
            "plot": plot,
            "items": _items_offered(),
            "regions": cities,
            "query": query.urlencode(),
            "deciding": set(search.item.deciding_points.values_list("pk", flat=True))
            if search.item
            else set(),
            "walk_speed": f"{settings.KUAIBAN_WALK_SPEED_KMH:g}",
        },
    )


def point_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        point = point_by_code(code)
    except NotFound as error:
        raise Http404(error.message) from None
    accepts = list(ServiceItem.objects.current().filter(accepting_points=point).order_by("code"))
    decided = set(point.decides.values_list("pk", flat=True))
    return _map_response(
        request,
        "servicepoints/detail.html",
        {
            "point": point,
            "accepts": [(item, item.pk in decided) for item in accepts],
            "plot": plot_make(
                [(Position(point.latitude, point.longitude), point.name, "point")], None
            ),
            "item_code": request.GET.get("item", "")[:40],
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        getattr(user, "is_superuser", False)
        or getattr(user, "role", "") in (Role.SUPERVISOR, Role.ADMIN)
    ):
        raise Http404("页面不存在")
    regions = regions_with_points()
    if not (getattr(user, "is_superuser", False) or getattr(user, "role", "") == Role.ADMIN):
        below = RegionTree.load().below(getattr(user, "region_id", None) or 0)
        regions = [r for r in regions if r.pk in below]
    code = request.GET.get("region", "")
    region = next((r for r in regions if r.code == code), regions[0] if regions else None)
    item_code = request.GET.get("item", "")[:40]
    item = ServiceItem.objects.current().filter(code=item_code).first() if item_code else None
    report = coverage_report(region=region, item=item) if isinstance(region, Region) else None
    return render(
        request,
        "servicepoints/coverage.html",
        {
            "regions": regions,
            "region": region,
            "report": report,
            "item": item,
            "items": _items_offered(),
            "share_text": f"{report.share:.1%}" if report and report.share is not None else "",
            "city_minutes": settings.KUAIBAN_CITY_WALK_MINUTES,
            "rural_km": f"{settings.KUAIBAN_RURAL_RADIUS_KM:g}",
        },
    )
