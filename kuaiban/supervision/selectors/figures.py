"""Headline figures, each family from one aggregate query (conditional counts and sums).

Definitions (also shown on the pages, see `kuaiban/supervision/definitions.py`):

- applications: submitted in the period (办件受理时间在统计期内);
- 全程网办率: of those not withdrawn, the share not taken at a window whose items can all be
  done without a visit (the bundled visit count the plan stored is 0);
- burden: sums over those applications of the plan's separate − bundled counts;
- ratings: given in the period (评价时间在统计期内).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import Func
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from kuaiban.applications.models import (
    Application,
    ApplicationStatus,
    Channel,
    Provision,
)
from kuaiban.ratings.models import StepKind, TicketStatus, TicketStep
from kuaiban.supervision.filters import Filters, Period
from kuaiban.supervision.models import ApplicationDaily, RatingDaily
from kuaiban.supervision.rollups.read import rollup_groups, rollup_total, sums_of
from kuaiban.supervision.scope import Scope
from kuaiban.supervision.selectors.base import (
    BAD_LEVEL,
    GOOD_LEVEL,
    applications_in,
    overdue_steps,
    overdue_subcases,
    ratings_in,
)
from kuaiban.supervision.together import together

BURDEN_KINDS = ("fields", "materials", "applications", "visits")
BURDEN_LABELS = {
    "fields": "填写字段",
    "materials": "提交材料",
    "applications": "申请次数",
    "visits": "跑动次数",
}
# Materials the applicant did not have to hand in (免提交): shared data, the one online form,
# and a signed commitment instead of the proof (告知承诺).
SPARED_PROVISIONS = (Provision.SHARED, Provision.ONLINE_FORM, Provision.COMMITMENT)


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class BurdenFigure:
    separate: int
    bundled: int

    @property
    def saved(self) -> int:
        return self.separate - self.bundled


@dataclass(frozen=True)
class ApplicationFigures:
    received: int
    withdrawn: int
    online: Rate  # 全程网办率
    window: int
    finished: int
    participation: Rate  # rated / finished
    burden: dict[str, BurdenFigure]


def _burden_sum(kind: str, side: str) -> Coalesce:
    value = Cast(KT(f"burden__{kind}__{side}"), IntegerField())
    return Coalesce(
        Sum(value, filter=~Q(status=ApplicationStatus.WITHDRAWN)), 0, output_field=IntegerField()
    )


def no_visit() -> Q:
    """全程网办: not taken at a window, and no item needs a visit (plan's bundled visits = 0)."""
    return ~Q(channel=Channel.WINDOW) & Q(burden__visits__bundled=0)


def application_measures() -> dict[str, Func]:
    """Every count and sum the application figures add up (also each roll-up row's columns)."""
    live = ~Q(status=ApplicationStatus.WITHDRAWN)
    finished = Q(status__in=Application.FINISHED)
    return {
        "received": Count("pk"),
        "withdrawn": Count("pk", filter=~live),
        "online": Count("pk", filter=live & no_visit()),
        "window": Count("pk", filter=live & Q(channel=Channel.WINDOW)),
        "finished": Count("pk", filter=finished),
        "rated": Count(
            "pk", filter=finished & Q(rating__isnull=False) & Q(rating__is_default=False)
        ),
        **{
            f"{kind}_{side}": _burden_sum(kind, side)
            for kind in BURDEN_KINDS
            for side in ("separate", "bundled")
        },
    }


def application_figures_from(row: dict[str, int]) -> ApplicationFigures:
    live_count = row["received"] - row["withdrawn"]
    return ApplicationFigures(
        received=row["received"],
        withdrawn=row["withdrawn"],
        online=Rate(row["online"], live_count),
        window=row["window"],
        finished=row["finished"],
        participation=Rate(row["rated"], row["finished"]),
        burden={
            kind: BurdenFigure(row[f"{kind}_separate"], row[f"{kind}_bundled"])
            for kind in BURDEN_KINDS
        },
    )


# The overview's application panel: its totals, materials, regions and channels are all read
# from one grouping of the application roll-up by these columns (`application_groups`).
PANEL_KEYS = ("region_id", "channel")


def application_groups(
    scope: Scope, filters: Filters, *, live_rows: list[Mapping[str, Any]] | None = None
) -> list[Mapping[str, Any]]:
    """Every application and material measure grouped by region and channel: one read of the
    roll-up, two of the rest of the period (applications, then their materials), to be added
    up by the caller (`totals_of`, the region and channel breakdowns). ``live_rows``: also
    given the applications' rows of the rest of the period (for the trend's last month)."""

    def live(part: Period) -> list[Mapping[str, Any]]:
        within = filters.within(part)
        applications = applications_in(scope, within)
        # From the applications, their materials joined (`base.application_condition`).
        materials = (
            applications.exclude(status=ApplicationStatus.WITHDRAWN)
            .values(*PANEL_KEYS)
            .annotate(**material_measures(prefix="materials__"))
            .order_by()
        )
        grouped, materials_grouped = together(
            lambda: list(applications.values(*PANEL_KEYS).annotate(**application_measures())),
            lambda: list(materials),
        )
        if live_rows is not None:
            live_rows.extend(grouped)
        return [*grouped, *materials_grouped]

    measures = {**application_measures(), **material_measures()}
    return rollup_groups(
        ApplicationDaily,
        scope,
        filters,
        keys=list(PANEL_KEYS),
        sums=sums_of(measures),
        live=live,
    )


def totals_of(groups: Iterable[Mapping[str, Any]], names: Iterable[str]) -> dict[str, int]:
    names = list(names)
    total: Counter[str] = Counter(dict.fromkeys(names, 0))
    for group in groups:
        total.update({name: group.get(name) or 0 for name in names})
    return dict(total)


def material_measures(prefix: str = "") -> dict[str, Func]:
    """The materials by provision; ``prefix``: the path to them (``"materials__"`` from their
    applications)."""
    return {
        f"provision_{p.value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}provision": p.value}))
        for p in Provision
    }


def materials_cut(burden: dict[str, BurdenFigure], materials: dict[str, int]) -> int:
    """材料精减数: materials saved by bundling (merged, shared data, the one online form) plus
    proofs replaced by a commitment, which the plan still counted as to be handed in."""
    return burden["materials"].saved + materials[Provision.COMMITMENT]


@dataclass(frozen=True)
class RatingFigures:
    total: int
    counted: int  # not excluded
    good: Rate  # 好评率: levels 4–5 among counted
    bad: int
    bad_real_name: int
    callback: Rate  # 实名差评回访率
    rectification: Rate  # 整改率
    by_level: dict[int, int]


def rating_measures() -> dict[str, Func]:
    """Every count the rating figures add up (also each roll-up row's columns)."""
    counted = Q(excluded=False)
    bad = Q(level__lte=BAD_LEVEL)
    called_back = Exists(
        TicketStep.objects.filter(
            ticket__rating_id=OuterRef("pk"),
            kind=StepKind.CALLBACK,
            done_at__isnull=False,
            done_at__lte=F("due_at"),
        )
    )
    return {
        "total": Count("pk"),
        "counted": Count("pk", filter=counted),
        "good": Count("pk", filter=counted & Q(level__gte=GOOD_LEVEL)),
        "bad": Count("pk", filter=bad),
        "bad_real_name": Count("pk", filter=bad & Q(real_name=True)),
        "called_back": Count("pk", filter=bad & Q(real_name=True) & Q(called_back)),
        "bad_counted": Count("pk", filter=bad & counted),
        "rectified": Count("pk", filter=bad & counted & Q(ticket__status=TicketStatus.CLOSED)),
        **{f"level_{n}": Count("pk", filter=counted & Q(level=n)) for n in range(1, 6)},
    }


def rating_figures(scope: Scope, filters: Filters) -> RatingFigures:
    row = rollup_total(
        RatingDaily,
        scope,
        filters,
        measures=rating_measures(),
        live=lambda part: ratings_in(scope, filters.within(part)),
    )
    return RatingFigures(
        total=row["total"],
        counted=row["counted"],
        good=Rate(row["good"], row["counted"]),
        bad=row["bad"],
        bad_real_name=row["bad_real_name"],
        callback=Rate(row["called_back"], row["bad_real_name"]),
        rectification=Rate(row["rectified"], row["bad_counted"]),
        by_level={n: row[f"level_{n}"] for n in range(1, 6)},
    )


@dataclass(frozen=True)
class OverdueCounts:
    subcases: int
    steps: int


def overdue_counts(scope: Scope, filters: Filters) -> OverdueCounts:
    subcases, steps = counts_of(overdue_subcases(scope, filters), overdue_steps(scope, filters))
    return OverdueCounts(subcases=subcases, steps=steps)


def counts_of(*querysets: QuerySet[Any]) -> list[int]:
    """The number of rows of each queryset, in one statement (a scalar subquery each)."""
    db = querysets[0].db
    parts = [q.order_by().values("pk").query.get_compiler(using=db).as_sql() for q in querysets]
    sql = "SELECT " + ", ".join(
        f"(SELECT COUNT(*) FROM ({text}) counted{n})" for n, (text, _) in enumerate(parts)
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [value for _, params in parts for value in params])
        row = cursor.fetchone()
    return [int(n) for n in row]
