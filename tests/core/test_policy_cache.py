"""Static policy data is built once per process and policy generation, and rebuilt after any
change: an administrator's edit (save or delete), a pack or calendar load (bulk writes)."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.accounts.models import User
from kuaiban.bundles.models import BundleItem
from kuaiban.bundles.selectors import PolicyBundle, bundle_cached
from kuaiban.calendar.models import CalendarDay, CalendarDayKind
from kuaiban.calendar.selectors import calendar_cached
from kuaiban.calendar.services import calendar_day_save, calendar_seed_from_package
from kuaiban.catalogue.models import Agency, Region, Route, ServiceItem
from kuaiban.catalogue.routing import RoutingTable
from kuaiban.core.policy_cache import policy_generation

pytestmark = pytest.mark.django_db

PACK, BUNDLE = "shandong-2020", "3"


def _bundle(generation: int) -> PolicyBundle:
    region = Region.objects.get(code="370102")  # 历下区, where the demo applicant lives
    return bundle_cached(
        pack_code=PACK, bundle_code=BUNDLE, region_id=region.pk, generation=generation
    )


def _seed_name(policy: PolicyBundle, item: str = "2.4.1") -> str:
    bundle = policy.bundle
    [scenario] = [s for s in bundle.scenarios.all() if s.code == "3-1"]
    return next(bi.seed_name for bi in scenario.bundle_items.all() if bi.item.code == item)


def test_policy_data_is_built_once_per_generation(intake_world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    generation = policy_generation()
    region = User.objects.select_related("region").get(username="zhangjianguo").region
    assert region is not None
    policy = _bundle(generation)
    table = RoutingTable.cached(region, generation=generation)
    calendar = calendar_cached(since=dt.date(2025, 3, 3), generation=generation)
    with django_assert_num_queries(0):
        assert (
            bundle_cached(
                pack_code=PACK, bundle_code=BUNDLE, region_id=region.pk, generation=generation
            )
            is policy
        )
        assert RoutingTable.cached(region, generation=generation) is table
        assert calendar_cached(since=dt.date(2025, 3, 3), generation=generation) is calendar
        _seed_name(policy)  # everything a plan reads is in what was kept


def test_an_edit_saved_in_the_admin_is_seen_at_the_next_generation(intake_world) -> None:  # type: ignore[no-untyped-def]
    before = policy_generation()
    assert _seed_name(_bundle(before)) == "失业登记"
    row = BundleItem.objects.get(
        scenario__bundle__pack__code=PACK, scenario__code="3-1", item__code="2.4.1"
    )
    row.seed_name = "失业登记（改）"
    row.save()
    after = policy_generation()
    assert after > before
    assert _seed_name(_bundle(after)) == "失业登记（改）"


def test_a_route_moved_or_deleted_is_seen_at_the_next_generation(intake_world) -> None:  # type: ignore[no-untyped-def]
    region = User.objects.select_related("region").get(username="zhangjianguo").region
    assert region is not None
    item = ServiceItem.objects.get(code="2.4.1")
    table = RoutingTable.cached(region, generation=policy_generation())
    agency = table.agency_for(item)
    assert agency is not None
    other = Agency.objects.exclude(pk=agency.pk).filter(region=agency.region).first()
    assert other is not None
    for route in Route.objects.filter(region__in=table.chain, agency=agency):
        route.agency = other
        route.save()
    assert RoutingTable.cached(region, generation=policy_generation()).agency_for(item) == other
    Route.objects.filter(region__in=table.chain, agency=other).delete()
    assert RoutingTable.cached(region, generation=policy_generation()).agency_for(item) != other


def test_a_calendar_day_entered_or_loaded_moves_the_generation(intake_world) -> None:  # type: ignore[no-untyped-def]
    monday = dt.date(2025, 3, 3)
    before = policy_generation()
    assert calendar_cached(since=monday, generation=before).is_working_day(
        monday + dt.timedelta(days=1)
    )
    calendar_day_save(
        day=CalendarDay(date=monday + dt.timedelta(days=1)),
        kind=CalendarDayKind.HOLIDAY,
        name="测试",
    )
    entered = policy_generation()
    assert entered > before
    assert not calendar_cached(since=monday, generation=entered).is_working_day(
        monday + dt.timedelta(days=1)
    )
    calendar_seed_from_package()  # bulk writes: the loader bumps the generation itself
    assert policy_generation() > entered
