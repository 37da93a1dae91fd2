"""Supervision pages (监督统计): dashboard, item time limits, overdue lists, contact points,
the monthly report (PDF) and the Excel export of every table.

Every view goes through `supervision_view`: log-in, then the scope (403 for applicants,
window clerks and accounts without their region or agency), then the filters (400 with every
problem listed). Views only lay out what `dashboard` and the selectors computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kuaiban.documents.render import render_pdf
from kuaiban.supervision.dashboard import (
    Context,
    contact_point_table,
    contact_points_cached,
    headlines,
    item_table,
    items_cached,
    overview_cached,
    overview_tables,
)
from kuaiban.supervision.definitions import DEFINITIONS
from kuaiban.supervision.exports import workbook_bytes
from kuaiban.supervision.filters import Choices, FilterResult, filter_choices, filters_parse
from kuaiban.supervision.reference import reference_current
from kuaiban.supervision.report import report_document
from kuaiban.supervision.scope import NotAllowed, Scope, scope_for
from kuaiban.supervision.selectors.contact_points import contact_point_packs
from kuaiban.supervision.selectors.items import Processing
from kuaiban.supervision.selectors.lists import (
    overdue_step_list,
    overdue_subcase_list,
    step_table,
    subcase_table,
)
from kuaiban.supervision.tables import Table, shown

PAGE_SIZE = 50
# An export of a list stops here; the sheet says so. Narrow the filters for the rest.
EXPORT_MAX_ROWS = 100_000

OVERVIEW_TABLES = ("summary", "regions", "channels", "months", "burden", "provisions", "ratings")
EXPORTS = (
    "overview",
    *OVERVIEW_TABLES,
    "items",
    "overdue-subcases",
    "overdue-steps",
    "contact-points",
)

NAV = [
    ("supervision:overview", "总览"),
    ("supervision:items", "事项时限"),
    ("supervision:overdue", "超期子件"),
    ("supervision:tickets", "超期整改"),
    ("supervision:contact-points", "联系点"),
    ("supervision:report", "月度通报"),
]


@dataclass
class Page:
    """What every supervision template needs besides its own content."""

    ctx: Context
    scope: Scope
    choices: Choices
    result: FilterResult
    month_mode: bool

    @property
    def query(self) -> str:
        return self.ctx.filters.query()


View = Callable[..., HttpResponse]


def supervision_view(*, month: bool = False) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            reference = reference_current()
            tree = reference.tree
            try:
                scope = scope_for(request.user, tree=tree, agencies=reference.agencies)
            except NotAllowed as refusal:
                return render(
                    request, "supervision/forbidden.html", {"message": refusal.message}, status=403
                )
            choices = filter_choices(scope=scope, tree=tree, reference=reference)
            result = filters_parse(
                request.GET,
                scope=scope,
                tree=tree,
                choices=choices,
                month_param=month,
                reference=reference,
            )
            if result.filters is None:
                return render(
                    request,
                    "supervision/invalid.html",
                    _base(request, None, scope, choices, result, month),
                    status=400,
                )
            page = Page(Context(scope, result.filters, tree), scope, choices, result, month)
            return view(request, page, *args, **kwargs)

        return wrapper

    return decorate


def _base(
    request: HttpRequest,
    page: Page | None,
    scope: Scope,
    choices: Choices,
    result: FilterResult,
    month_mode: bool,
) -> dict[str, Any]:
    name = request.resolver_match.view_name if request.resolver_match else ""
    period = page.ctx.filters.period if page else None
    return {
        "page_info": page,
        "scope": scope,
        "choices": choices,
        "values": result.values,
        "errors": result.errors,
        "month_mode": month_mode,
        "nav": NAV,
        "current": name,
        "query": page.query if page else "",
        "filter_labels": page.ctx.filters.labels if page else [],
        "period": period,
        "cache_minutes": _cache_minutes(),
        # What the date fields show: what was typed, else the period in force.
        "shown_from": result.values.get("from") or (period.start.isoformat() if period else ""),
        "shown_to": result.values.get("to") or (period.end.isoformat() if period else ""),
    }


def _cache_minutes() -> int:
    seconds = settings.KUAIBAN_SUPERVISION_CACHE_SECONDS
    return max(1, round(seconds / 60)) if seconds > 0 else 0


def _render(request: HttpRequest, page: Page, template: str, extra: dict[str, Any]) -> HttpResponse:
    context = _base(request, page, page.scope, page.choices, page.result, page.month_mode)
    context.update(extra)
    return render(request, template, context)


def _shown(tables: list[Table]) -> list[dict[str, Any]]:
    return [{"table": t, "rows": shown(t)} for t in tables]


def _processing_note(processing: Processing) -> str:
    return f"{processing.decided:,} 件，计入用时 {processing.sampled:,} 件"


@supervision_view()
def overview(request: HttpRequest, page: Page) -> HttpResponse:
    computed = overview_cached(page.ctx)
    data = computed.value
    return _render(
        request,
        page,
        "supervision/overview.html",
        {
            "headlines": headlines(data),
            "tables": _shown(overview_tables(data, summary=False)),
            "processing": data.items.processing,
            "processing_note": _processing_note(data.items.processing),
            "definitions": DEFINITIONS,
            "computed_at": computed.at,
        },
    )


@supervision_view()
def items(request: HttpRequest, page: Page) -> HttpResponse:
    computed = items_cached(page.ctx)
    stats = computed.value
    paginated = Paginator(stats.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    table = item_table(list(paginated.object_list), total=len(stats.rows))
    return _render(
        request,
        page,
        "supervision/list.html",
        {
            "heading": "事项办理时限与提速",
            "tables": _shown([table]),
            "paginated": paginated,
            "processing": stats.processing,
            "processing_note": _processing_note(stats.processing),
            "computed_at": computed.at,
        },
    )


@supervision_view()
def overdue(request: HttpRequest, page: Page) -> HttpResponse:
    queryset = overdue_subcase_list(page.ctx.scope, page.ctx.filters)
    paginated = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    table = subcase_table(list(paginated.object_list), total=paginated.paginator.count)
    return _render(
        request,
        page,
        "supervision/list.html",
        {"heading": "超期子件", "tables": _shown([table]), "paginated": paginated},
    )


@supervision_view()
def tickets(request: HttpRequest, page: Page) -> HttpResponse:
    queryset = overdue_step_list(page.ctx.scope, page.ctx.filters)
    paginated = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    table = step_table(list(paginated.object_list), total=paginated.paginator.count)
    return _render(
        request,
        page,
        "supervision/list.html",
        {"heading": "超期整改环节", "tables": _shown([table]), "paginated": paginated},
    )


@supervision_view()
def contact_points(request: HttpRequest, page: Page) -> HttpResponse:
    packs = contact_point_packs(
        page.scope, tree=page.ctx.tree, reference=page.ctx.filters.reference
    )
    listing = [p for p in packs if p.points]
    if not packs:
        return _render(
            request,
            page,
            "supervision/list.html",
            {
                "heading": "联系点进展",
                "intro": "本省尚未导入政策包，没有联系点名单。",
                "tables": [],
            },
        )
    if not listing:
        names = "、".join(f"《{p.name}》" for p in packs)
        return _render(
            request,
            page,
            "supervision/list.html",
            {
                "heading": "联系点进展",
                "intro": f"本省政策包{names}未列出联系点，因此没有联系点进展可显示。",
                "tables": [],
            },
        )
    computed = contact_points_cached(page.ctx)
    table = contact_point_table(computed.value)
    names = "、".join(f"《{p.name}》（{p.points}个）" for p in listing)
    return _render(
        request,
        page,
        "supervision/list.html",
        {
            "heading": "联系点进展",
            "tables": _shown([table]),
            "intro": f"政策包{names}所列的“快办行动”联系点。"
            "联系点按名称对应到本省同名地区（含下辖地区）；“省本级”只含省本级受理的办件。"
            "事项整合数为统计期内有受理的一件事个数；提速事项数为使用到的承诺时限短于法定时限的事项个数；"
            "材料精减数为打包少交的材料加告知承诺替代的材料。",
            "computed_at": computed.at,
        },
    )


@supervision_view(month=True)
def report(request: HttpRequest, page: Page) -> HttpResponse:
    today = timezone.localdate()
    months = []
    first = today.replace(day=1)
    for _ in range(24):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    return _render(request, page, "supervision/report.html", {"months": months})


@supervision_view(month=True)
def report_pdf(request: HttpRequest, page: Page) -> HttpResponse:
    document = report_document(page.ctx, scope_label=page.scope.label)
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    month = f"{page.ctx.filters.period.start:%Y-%m}"
    response["Content-Disposition"] = f'inline; filename="kuaiban-report-{month}.pdf"'
    return response


def _export_tables(page: Page, name: str) -> list[Table]:
    ctx = page.ctx
    if name == "overview" or name in OVERVIEW_TABLES:
        tables = overview_tables(overview_cached(ctx).value)
        return tables if name == "overview" else [t for t in tables if t.key == name]
    if name == "items":
        rows = items_cached(ctx).value.rows
        return [item_table(rows, total=len(rows))]
    if name == "overdue-subcases":
        queryset = overdue_subcase_list(ctx.scope, ctx.filters)
        found = list(queryset[: EXPORT_MAX_ROWS + 1])
        return [_capped(subcase_table(found[:EXPORT_MAX_ROWS], total=len(found)), len(found))]
    if name == "overdue-steps":
        steps = list(overdue_step_list(ctx.scope, ctx.filters)[: EXPORT_MAX_ROWS + 1])
        return [_capped(step_table(steps[:EXPORT_MAX_ROWS], total=len(steps)), len(steps))]
    if name == "contact-points":
        return [contact_point_table(contact_points_cached(ctx).value)]
    raise Http404("没有这个表")


def _capped(table: Table, found: int) -> Table:
    if found > EXPORT_MAX_ROWS:
        table.note += f" 仅导出前 {EXPORT_MAX_ROWS:,} 行，请缩小筛选范围导出其余部分。"
    return table


@supervision_view()
def export(request: HttpRequest, page: Page, table: str) -> HttpResponse:
    tables = _export_tables(page, table)
    filters = page.ctx.filters
    heading = [
        f"统计范围：{page.scope.label}",
        f"统计期：{filters.period.label}",
        *(f"{label}：{value}" for label, value in filters.labels),
        f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    ]
    content = workbook_bytes(tables, heading=heading)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"kuaiban-{table}-{filters.period.start}-{filters.period.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
