"""The filters of every supervision page: pack, bundle, item, agency, region and period.

They come from the query string (``?pack=shanxi-2020&bundle=12&item=1.1.5&agency=…&region=
140100&from=2026-11-01&to=2026-11-30``; the monthly report takes ``month=2026-10`` instead of a
date range). The choices come from the policy data kept per process (`reference.py`) and are
offered only within the user's scope; a value outside it is an error, never silently widened.
The default period is this month up to today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from kuaiban.calendar.arithmetic import start_of_day
from kuaiban.catalogue.regions import RegionTree
from kuaiban.supervision.models import RollupRange
from kuaiban.supervision.reference import Reference, reference_current
from kuaiban.supervision.scope import Scope

# A longer period would only make the pages slower without telling more: the trend table
# already shows twelve months.
MAX_PERIOD_DAYS = 3 * 366
FILTER_KEYS = ("pack", "bundle", "item", "agency", "region", "from", "to")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def since(self) -> dt.datetime:
        """The first instant, Beijing time."""
        return start_of_day(self.start)

    @property
    def until(self) -> dt.datetime:
        """The instant after the last day, Beijing time (exclusive bound)."""
        return start_of_day(self.end + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%Y年%m月%d日}"
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    @classmethod
    def this_month(cls, today: dt.date) -> Period:
        return cls(today.replace(day=1), today)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    group: str = ""  # shown as an option group (a bundle's pack)
    pk: int = 0
    parent: str = ""  # a bundle's pack code


@dataclass
class Choices:
    """The options offered in the filter form, from the kept policy data (`reference.py`)."""

    packs: list[Choice]
    bundles: list[Choice]
    items: list[Choice]
    agencies: list[Choice]
    regions: list[Choice]
    agency_fixed: str = ""  # an officer's own agency: shown, not chosen


@dataclass(frozen=True)
class Filters:
    period: Period
    pack_id: int | None = None
    bundle_id: int | None = None
    item_id: int | None = None
    agency_id: int | None = None
    region_id: int | None = None
    region_ids: frozenset[int] | None = None  # the chosen region and everything below it
    params: dict[str, str] = field(default_factory=dict)  # the valid values, for links
    labels: list[tuple[str, str]] = field(default_factory=list)  # (filter, chosen value)
    # The days the roll-ups hold, (first, first not held); None: every figure is read live.
    covered: tuple[dt.date, dt.date] | None = None
    # The policy data read with these filters (`reference.py`); None: read it when needed.
    reference: Reference | None = field(default=None, compare=False, repr=False)

    def policy(self) -> Reference:
        return self.reference or reference_current()

    def within(self, period: Period) -> Filters:
        """The same filters over another period (a part of this one, or the trend's year)."""
        return replace(self, period=period)

    def query(self, **extra: str) -> str:
        """The query string that reproduces these filters (plus ``extra``)."""
        values = {k: v for k, v in {**self.params, **extra}.items() if v}
        return urlencode(values)


@dataclass
class FilterResult:
    filters: Filters | None
    errors: list[tuple[str, str]]  # (field id, message)
    values: dict[str, str]  # what was typed, to show again


def filter_choices(
    *, scope: Scope, tree: RegionTree, reference: Reference | None = None
) -> Choices:
    """The options within the scope, from the policy data kept per process (no query)."""
    reference = reference or reference_current()
    packs = [Choice(p.code, p.name, pk=p.pk) for p in reference.packs.values()]
    bundles = [
        Choice(str(b.pk), f"{b.code} {b.name}", group=b.pack.name, pk=b.pk, parent=b.pack.code)
        for b in reference.bundles
    ]
    items = [Choice(i.code, i.label, pk=i.pk) for i in reference.items.values()]
    agencies: list[Choice] = []
    fixed = ""
    if scope.agency_id is not None:
        fixed = next((a.name for a in reference.agencies if a.pk == scope.agency_id), "")
    else:
        agencies = [
            Choice(a.code, a.name, pk=a.pk)
            for a in reference.agencies
            if scope.region_ids is None or a.region_id in scope.region_ids
        ]
    if scope.region_ids is None:
        region_pks = [pk for root in tree.roots() for pk in _in_order(tree, root)]
    elif scope.focus_region_id is not None:
        region_pks = _in_order(tree, scope.focus_region_id)
    else:
        region_pks = []
    regions = [
        Choice(
            tree.nodes[pk].code,
            "　" * (len(tree.ancestors(pk)) - 1) + tree.nodes[pk].name,
            pk=pk,
        )
        for pk in region_pks
    ]
    return Choices(packs, bundles, items, agencies, regions, agency_fixed=fixed)


def rollup_covered() -> tuple[dt.date, dt.date] | None:
    """The days the roll-ups hold (`rollups/refresh.py` keeps them), or None."""
    found = RollupRange.objects.values_list("first", "until").first()
    return (found[0], found[1]) if found and found[0] < found[1] else None


def _in_order(tree: RegionTree, root: int) -> list[int]:
    """Depth-first, children by code: a province, its first city, that city's districts, …"""
    out: list[int] = []
    todo = [root]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        todo.extend(reversed(tree.children.get(current, [])))
    return out


def filters_parse(
    query: QueryDict,
    *,
    scope: Scope,
    tree: RegionTree,
    choices: Choices,
    today: dt.date | None = None,
    month_param: bool = False,
    reference: Reference | None = None,
) -> FilterResult:
    """Validate the query string against the choices; every problem is reported at once."""
    today = today or timezone.localdate()
    values = {key: query.get(key, "").strip() for key in (*FILTER_KEYS, "month")}
    errors: list[tuple[str, str]] = []
    params: dict[str, str] = {}
    labels: list[tuple[str, str]] = []

    def pick(key: str, options: list[Choice], what: str) -> Choice | None:
        value = values[key]
        if not value:
            return None
        for option in options:
            if option.value == value:
                params[key] = value
                labels.append((what, option.label.strip()))
                return option
        errors.append((key, f"{what}“{value}”不存在或不在您的查看范围内"))
        return None

    pack = pick("pack", choices.packs, "政策包")
    bundle = pick("bundle", choices.bundles, "一件事")
    item = pick("item", choices.items, "服务事项")
    agency = pick("agency", choices.agencies, "经办机构")
    region = pick("region", choices.regions, "地区")
    if pack and bundle and bundle.parent != pack.value:
        errors.append(("bundle", "所选一件事不属于所选政策包"))
    period = _period(values, errors, today=today, month_param=month_param)
    if period is not None:
        if month_param:
            params["month"] = f"{period.start:%Y-%m}"
        else:
            params["from"], params["to"] = period.start.isoformat(), period.end.isoformat()
    if errors or period is None:
        return FilterResult(filters=None, errors=errors, values=values)
    region_pk = region.pk if region else None
    return FilterResult(
        filters=Filters(
            period=period,
            pack_id=pack.pk if pack else None,
            bundle_id=bundle.pk if bundle else None,
            item_id=item.pk if item else None,
            agency_id=agency.pk if agency else None,
            region_id=region_pk,
            region_ids=tree.below(region_pk) if region_pk is not None else None,
            params=params,
            labels=labels,
            covered=rollup_covered(),
            reference=reference,
        ),
        errors=[],
        values=values,
    )


def _period(
    values: dict[str, str], errors: list[tuple[str, str]], *, today: dt.date, month_param: bool
) -> Period | None:
    if month_param:
        text = values["month"]
        if not text:
            last = today.replace(day=1) - dt.timedelta(days=1)
            return Period.month(last.year, last.month)
        try:
            first = dt.date.fromisoformat(f"{text}-01")
        except ValueError:
            errors.append(("month", f"月份“{text}”格式应为 YYYY-MM，如 2026-10"))
            return None
        return Period.month(first.year, first.month)
    default = Period.this_month(today)
    start = _date(values["from"], "from", "开始日期", errors) or default.start
    end = _date(values["to"], "to", "结束日期", errors) or (
        default.end if not values["from"] else max(start, today)
    )
    if errors:
        return None
    if end < start:
        errors.append(("to", "结束日期不能早于开始日期"))
        return None
    if (end - start).days > MAX_PERIOD_DAYS:
        errors.append(("to", "统计期限最长三年，请缩短日期范围"))
        return None
    return Period(start, end)


def _date(text: str, key: str, what: str, errors: list[tuple[str, str]]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append((key, f"{what}“{text}”格式应为 YYYY-MM-DD，如 2026-11-01"))
        return None
