"""The monthly report (按月通报) as a PDF: headline figures, tables and the definitions."""

from __future__ import annotations

from django.utils import timezone

from kuaiban.documents.model import Block, Bullets, Document, Heading, KeyValue, Paragraph
from kuaiban.documents.model import Table as PdfTable
from kuaiban.supervision.dashboard import (
    Context,
    Overview,
    burden_table,
    channel_table,
    contact_point_table,
    contact_points_cached,
    headlines,
    item_table,
    overview_cached,
    rating_table,
    region_table,
)
from kuaiban.supervision.definitions import DEFINITIONS
from kuaiban.supervision.selectors.lists import (
    overdue_step_list,
    overdue_subcase_list,
    step_table,
    subcase_table,
)
from kuaiban.supervision.tables import Kind, Table, text_of

# The longest-overdue entries listed in the report; the full lists are on the pages and in Excel.
REPORT_OVERDUE_ROWS = 20
_NUMERALS = "一二三四五六七八九十"
# Relative column widths in the PDF: room for "100.0%" and "2026-11-22 09:30" on one line.
_WIDTHS = {Kind.TEXT: 2.0, Kind.DATETIME: 2.0, Kind.INT: 1.35, Kind.RATE: 1.35, Kind.DAYS: 1.35}


def pdf_table(table: Table, *, drop: tuple[int, ...] = ()) -> PdfTable:
    keep = [i for i in range(len(table.columns)) if i not in drop]
    widths = [table.columns[i].width or _WIDTHS[table.columns[i].kind] for i in keep]
    return PdfTable(
        headers=[table.columns[i].label for i in keep],
        rows=[[text_of(row[i], table.columns[i].kind) for i in keep] for row in table.rows],
        widths=widths,
    )


def report_document(ctx: Context, *, scope_label: str) -> Document:
    computed = overview_cached(ctx)
    overview = computed.value
    sections = _sections(ctx, overview)
    blocks: list[Block] = []
    for number, (title, content) in enumerate(sections):
        blocks.append(Heading(f"{_NUMERALS[number]}、{title}"))
        blocks.extend(content)
    period = ctx.filters.period
    meta = [
        ("统计范围", scope_label),
        ("统计期", period.label),
        *((label, value) for label, value in ctx.filters.labels),
        ("数据统计时间", f"{timezone.localtime(computed.at):%Y-%m-%d %H:%M}"),
        ("生成时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"),
    ]
    return Document(
        title="“人社服务快办行动”月度通报",
        subtitle=f"{period.start:%Y年%m月}",
        meta=meta,
        blocks=blocks,
        footer="快办 · 监督统计 · 按月通报",
    )


def _sections(ctx: Context, o: Overview) -> list[tuple[str, list[Block]]]:
    figures = KeyValue(
        [
            (h.label, f"{h.text}（{h.detail}{'；' + h.target if h.target else ''}）")
            for h in headlines(o)
        ]
    )
    used = [r for r in o.items.rows if r.received or r.decided]
    subcases = list(overdue_subcase_list(ctx.scope, ctx.filters)[:REPORT_OVERDUE_ROWS])
    steps = list(overdue_step_list(ctx.scope, ctx.filters)[:REPORT_OVERDUE_ROWS])
    sections: list[tuple[str, list[Block]]] = [
        ("主要指标", [figures]),
        ("按地区", [pdf_table(region_table(o.regions))]),
        ("按受理渠道", [pdf_table(channel_table(o.channels))]),
        ("事项办理时限与提速", [pdf_table(item_table(used), drop=(0, 7))]),
        ("减负情况", [pdf_table(burden_table(o))]),
        ("好差评", [pdf_table(rating_table(o.ratings))]),
        (
            "超期未办结",
            [
                Paragraph(
                    f"当前超期子件 {o.overdue.subcases:,} 件、超期整改环节 {o.overdue.steps:,} 个，"
                    f"以下各列超期最久的前 {REPORT_OVERDUE_ROWS} 项，完整清单见监督统计页面。"
                ),
                pdf_table(subcase_table(subcases, total=o.overdue.subcases), drop=(7,)),
                pdf_table(step_table(steps, total=o.overdue.steps)),
            ],
        ),
    ]
    points = contact_points_cached(ctx).value
    if points:
        sections.append(("联系点进展", [pdf_table(contact_point_table(points))]))
    sections.append(("统计口径", [Bullets([f"{term}：{text}" for term, text in DEFINITIONS])]))
    return sections
