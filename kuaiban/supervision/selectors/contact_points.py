"""联系点: the sites whose progress the province tracks (山西 附件3: 23 contact points).

The seed asks for 事项整合数、快办“提速”量、材料精减数 per contact point. From our data:

- a contact point is the region of the same name inside the pack's province (太原市, 迎泽区 …)
  with everything below it; 省本级 is the province's own region only (work done at province
  level), not the whole province;
- its figures are those of the applications of that pack submitted in the period in those
  regions (plus the page's filters and the user's scope):
  事项整合数 = bundles (一件事) with at least one application;
  提速事项数 = distinct items used there (sub-cases) whose promised limit in the pack is shorter
  than the legal limit;
  材料精减数 = Σ (materials separate − bundled) over the live applications, plus proofs
  replaced by a commitment (the same definition as the dashboard's);
  按时办结率 = the dashboard's on-time rate over their sub-cases.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from kuaiban.applications.models import (
    Application,
    ApplicationStatus,
    Provision,
)
from kuaiban.bundles.models import ContactPoint, Pack
from kuaiban.bundles.selectors import item_limits
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import ApplicationDaily
from kuaiban.supervision.reference import Reference, reference_current
from kuaiban.supervision.rollups.read import period_parts, rollup_groups
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import applications_in
from kuaiban.supervision.selectors.breakdowns import subcase_counts
from kuaiban.supervision.selectors.figures import Rate
from kuaiban.supervision.together import together

PROVINCE_LEVEL = "省本级"


@dataclass
class ContactPointRow:
    name: str
    level: str
    pack_name: str
    region_name: str  # "" when no region of that name exists
    bundles_total: int
    applications: int = 0
    bundles: set[int] = field(default_factory=set)
    items: set[int] = field(default_factory=set)  # sped-up items used
    materials_cut: int = 0
    on_time: int = 0
    settled: int = 0  # decided + overdue while running

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.on_time, self.settled)


def contact_point_rows(
    scope: Scope, filters: Filters, *, tree: RegionTree
) -> list[ContactPointRow]:
    reference = filters.policy()
    points = reference.contact_points
    if not points:
        return []
    rows: list[ContactPointRow] = []
    members: dict[tuple[int, int], list[ContactPointRow]] = defaultdict(list)  # (region, pack)
    visible = _visible_regions(scope, tree)
    for point in points:
        region = _region_of(point, tree)
        if visible is not None and (region or point.pack.region_id) not in visible:
            continue  # another province's (or another city's) contact point
        row = ContactPointRow(
            name=point.name,
            level=point.level,
            pack_name=point.pack.name,
            region_name=tree.nodes[region].name if region is not None else "",
            bundles_total=reference.bundle_count(point.pack_id),
        )
        rows.append(row)
        if region is None:
            continue
        covered = {region} if point.name == PROVINCE_LEVEL else tree.below(region)
        for region_id in covered:
            members[(region_id, point.pack_id)].append(row)
    if members:
        _fill(scope, filters, members)
    return rows


@dataclass(frozen=True)
class PackPoints:
    """A policy pack the user's province works under, and how many contact points it lists."""

    name: str
    points: int


def contact_point_packs(
    scope: Scope, *, tree: RegionTree, reference: Reference | None = None
) -> list[PackPoints]:
    """The packs of the user's own province (every pack for a user who sees every region)."""
    reference = reference or reference_current()
    packs = list(reference.packs.values())
    if scope.focus_region_id is not None:
        province = tree.top(scope.focus_region_id)
        packs = [p for p in packs if p.region_id == province]
    points = Counter(p.pack_id for p in reference.contact_points)
    return [PackPoints(p.name, points[p.pk]) for p in packs]


def _visible_regions(scope: Scope, tree: RegionTree) -> frozenset[int] | None:
    """The regions whose contact points the user is shown (None: all)."""
    if scope.region_ids is not None:
        return scope.region_ids
    if scope.agency_id is not None and scope.focus_region_id is not None:
        return tree.below(scope.focus_region_id)
    return None


def _region_of(point: ContactPoint, tree: RegionTree) -> int | None:
    province = point.pack.region_id
    if point.name == PROVINCE_LEVEL:
        return province
    inside = tree.below(province)
    return next((pk for pk in inside if tree.nodes[pk].name == point.name), None)


def _fill(
    scope: Scope, filters: Filters, members: dict[tuple[int, int], list[ContactPointRow]]
) -> None:
    region_ids = {region for region, _ in members}
    pack_ids = {pack for _, pack in members}
    live = ~Q(status=ApplicationStatus.WITHDRAWN)
    saved = Cast(KT("burden__materials__separate"), IntegerField()) - Cast(
        KT("burden__materials__bundled"), IntegerField()
    )

    def applications(part: Period) -> QuerySet[Application]:
        return applications_in(scope, filters.within(part)).filter(
            region_id__in=region_ids, pack_id__in=pack_ids
        )

    def application_rows() -> list[Mapping[str, Any]]:
        return rollup_groups(
            ApplicationDaily,
            scope,
            filters,
            keys=["region_id", "pack_id", "bundle_id"],
            sums={
                "n": Sum("received"),
                "saved": Sum("materials_separate") - Sum("materials_bundled"),
                "commitments": Sum("provision_commitment"),
            },
            live=lambda part: (
                applications(part)
                .values("region_id", "pack_id", "bundle_id")
                .annotate(n=Count("pk"), saved=Coalesce(Sum(saved, filter=live), 0))
                .order_by()
            ),
        )

    def commitment_rows() -> list[Mapping[str, Any]]:
        """Today's commitments (告知承诺); the roll-up's are in its application rows. From the
        applications, their materials joined, as `figures.application_groups` counts them."""
        part = period_parts(filters.period, filters.covered).live
        if part is None:
            return []
        commitment = Q(materials__provision=Provision.COMMITMENT)
        return list(
            applications(part)
            .filter(live)
            .values("region_id", "pack_id")
            .annotate(n=Count("materials", filter=commitment))
            .order_by()
        )

    # The items used and the outcomes: one read of the roll-up, one of the rest.
    keys = {"region_id": "region_id", "pack_id": "pack_id", "item_id": "item_id"}
    found, commitments, counts = together(
        application_rows, commitment_rows, lambda: list(subcase_counts(scope, filters, keys))
    )
    for a in found:
        for row in members.get((a["region_id"], a["pack_id"]), []):
            row.applications += a["n"]
            if a["n"]:
                row.bundles.add(a["bundle_id"])
            row.materials_cut += (a["saved"] or 0) + a.get("commitments", 0)
    for m in commitments:
        for row in members.get((m["region_id"], m["pack_id"]), []):
            row.materials_cut += m["n"]
    used = {
        (c["region_id"], c["pack_id"], c["item_id"])
        for c in counts
        if c.get("received") and (c["region_id"], c["pack_id"]) in members
    }
    reference = filters.policy()
    packs = {pk: reference.packs[pk] for pk in pack_ids}
    sped_up = _sped_up(packs, {item for _, _, item in used}, reference)
    for region_id, pack_id, item_id in used:
        if (pack_id, item_id) in sped_up:
            for row in members.get((region_id, pack_id), []):
                row.items.add(item_id)
    for c in counts:
        for row in members.get((c["region_id"], c["pack_id"]), []):
            row.on_time += c.get("on_time") or 0
            row.settled += (c.get("decided") or 0) + (c.get("overdue_open") or 0)


def _sped_up(
    packs: dict[int, Pack], item_ids: set[int], reference: Reference
) -> set[tuple[int, int]]:
    """(pack, item) pairs whose promised limit is shorter than the legal one."""
    items = [reference.items[pk] for pk in item_ids]
    found: set[tuple[int, int]] = set()
    for pack_id, pack in packs.items():
        speedups = reference.pack_speedups(pack_id)
        for item in items:
            ratio = item_limits(pack=pack, item=item, speedups=speedups).speedup_ratio
            if ratio is not None and ratio > 0:
                found.add((pack_id, item.pk))
    return found
