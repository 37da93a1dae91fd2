"""《政务服务差评事项核查整改情况报告单》: built once, shown as a page and as a PDF.

Due within 5 days (calendar days: the policy says 日) after the rectification is complete,
to the 政务服务管理办公室（行风办）; the report step of the ticket carries that deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from kuaiban.core.masking import mask_phone
from kuaiban.documents.model import Block, Document, Heading, KeyValue
from kuaiban.ratings.indicators import indicator_label
from kuaiban.ratings.models import (
    RectificationMode,
    RectificationTicket,
    StepKind,
    TicketStep,
    Verification,
)

TITLE = "政务服务差评事项核查整改情况报告单"


@dataclass
class Section:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Report:
    ticket: RectificationTicket
    meta: list[tuple[str, str]]
    sections: list[Section]
    submitted: bool
    due: dt.datetime | None


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else "—"


def _last(steps: list[TicketStep], kind: StepKind) -> TicketStep | None:
    done = [s for s in steps if s.kind == kind and s.outcome != "suspended"]
    return done[-1] if done else None


def _who(step: TicketStep | None) -> str:
    if step is None:
        return "—"
    if step.owner is not None:
        return str(step.owner)
    return str(step.owner_agency) if step.owner_agency else "—"


def _rater_rows(ticket: RectificationTicket) -> list[tuple[str, str]]:
    rating = ticket.rating
    application = rating.application or (rating.visit.application if rating.visit else None)
    name = (
        application.applicant_name
        if application
        else (rating.visit.applicant_name if rating.visit else "")
    )
    phone = application.applicant_phone if application else ""
    indicators = "；".join(
        f"{indicator_label(rating.subject, code)} {level}"
        for code, level in rating.indicators.items()
    )
    return [
        ("评价人", name or "—"),
        ("联系电话", mask_phone(phone) if phone else "—"),
        ("评价时间", _when(rating.rated_at)),
        ("评价等级", f"{rating.level} {rating.get_level_display()}"),
        ("分项评价", indicators or "—"),
        ("评价内容", rating.comment or "—"),
    ]


_NUMERALS = "一二三四五六七八九十"


def _source(ticket: RectificationTicket) -> str:
    rating = ticket.rating
    if rating.application:
        return f"办件 {rating.application.number}（一事一评）"
    if rating.visit:
        return f"窗口服务 {timezone.localtime(rating.visit.visited_at):%Y-%m-%d}（一次一评）"
    return "—"


def _callback_rows(steps: list[TicketStep]) -> list[tuple[str, str]]:
    callback = _last(steps, StepKind.CALLBACK)
    done = callback is not None and callback.done_at is not None
    return [
        ("回访时间", _when(callback.done_at if callback else None)),
        ("回访人", _who(callback) if done else "—"),
        ("回访记录", callback.note if callback and callback.note else "—"),
    ]


def _verify_rows(ticket: RectificationTicket, steps: list[TicketStep]) -> list[tuple[str, str]]:
    verify = _last(steps, StepKind.VERIFY)
    verdict = ticket.verification
    return [
        ("核实结论", str(Verification(verdict).label) if verdict else "待核实"),
        ("核实经过", verify.note if verify and verify.done_at else "—"),
        ("是否采纳", "不予采纳" if ticket.rating.excluded else "采纳"),
    ]


def _rectify_rows(ticket: RectificationTicket, steps: list[TicketStep]) -> list[tuple[str, str]]:
    rectify = _last(steps, StepKind.RECTIFY)
    mode = ticket.rectification_mode
    ledger = rectify is not None and mode == RectificationMode.LEDGER
    return [
        ("整改方式", str(RectificationMode(mode).label) if mode else "待确定"),
        ("整改期限", _when(rectify.due_at) if ledger and rectify else "—"),
        ("整改完成时间", _when(ticket.rectified_at)),
        ("整改措施", rectify.note if rectify and rectify.note else "—"),
    ]


def _feedback_rows(steps: list[TicketStep]) -> list[tuple[str, str]]:
    feedback = _last(steps, StepKind.FEEDBACK)
    done = feedback is not None and feedback.done_at is not None
    return [
        ("反馈时间", _when(feedback.done_at if feedback else None)),
        ("反馈方式和内容", feedback.note if feedback and done else "—"),
    ]


def _appeal_rows(appeal: TicketStep, steps: list[TicketStep]) -> list[tuple[str, str]]:
    review = _last(steps, StepKind.REVIEW)
    decided = review is not None and review.done_at is not None
    verdict = review.outcome if review and decided else ""
    return [
        ("申请人", "责任机构" if appeal.outcome == "agency" else "评价人"),
        ("申请时间", _when(appeal.done_at)),
        ("申请理由", appeal.note),
        (
            "复核结论",
            str(Verification(verdict).label) if verdict in Verification.values else "复核中",
        ),
        ("复核意见", review.note if review and decided else "—"),
    ]


def ticket_report_content(ticket: RectificationTicket) -> Report:
    steps = list(ticket.steps.select_related("owner", "owner_agency").order_by("pk"))
    parts = [
        ("差评情况", _rater_rows(ticket)),
        ("回访情况", _callback_rows(steps)),
        ("核实情况", _verify_rows(ticket, steps)),
    ]
    if ticket.verification == Verification.TRUE or ticket.rectification_mode:
        parts.append(("整改情况", _rectify_rows(ticket, steps)))
    parts.append(("反馈情况", _feedback_rows(steps)))
    appeal = _last(steps, StepKind.APPEAL)
    if appeal is not None:
        parts.append(("申诉复核", _appeal_rows(appeal, steps)))
    report = _last(steps, StepKind.REPORT)
    submitted = report is not None and report.outcome == "submitted"
    due = report.due_at if report else None
    status = f"已报送（{_when(report.done_at)}）" if submitted and report else "未报送"
    return Report(
        ticket=ticket,
        meta=[
            ("工单编号", str(ticket.pk)),
            ("责任单位", ticket.agency.name),
            ("评价来源", _source(ticket)),
            ("报送期限", _when(due) if due else "整改完成后5日内"),
            ("报送状态", status),
        ],
        sections=[
            Section(f"{_NUMERALS[n]}、{title}", rows) for n, (title, rows) in enumerate(parts)
        ],
        submitted=submitted,
        due=due,
    )


def report_document(report: Report) -> Document:
    blocks: list[Block] = []
    for section in report.sections:
        blocks += [Heading(section.heading), KeyValue(section.rows)]
    return Document(
        title=TITLE,
        subtitle=report.ticket.agency.name,
        meta=report.meta,
        blocks=blocks,
        footer="整改完成后5日内报送政务服务管理办公室（行风办）",
    )
