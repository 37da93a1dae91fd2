"""综合反馈 / 统一出件: every result of an application gathered in one place (the shapes and the
办理结果通知书; the sub-cases fill them in `kuaiban/cases/outcome.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from kuaiban.applications.hooks import casework
from kuaiban.applications.models import Application
from kuaiban.documents.model import Block, Bullets, Document, Heading, Paragraph, Table


@dataclass(frozen=True)
class ResultLine:
    item: str
    kind: str
    name: str
    number: str


@dataclass(frozen=True)
class ItemLine:
    """One item of the application as the applicant follows it: who handles it, where it is."""

    name: str
    agency: str
    stage: int
    status: str
    status_label: str


@dataclass
class Outcome:
    """What the applicant is told: one status, the results, what needs doing, why not."""

    application: Application
    results: list[ResultLine] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    # The officers' own words with a correction request: (item, note), shown as they wrote them.
    correction_notes: list[tuple[str, str]] = field(default_factory=list)
    pending: int = 0
    items: list[ItemLine] = field(default_factory=list)
    # The applicant may still withdraw: no officer has started work on any sub-case.
    can_withdraw: bool = False

    @property
    def has_results(self) -> bool:
        """Whether a 办理结果通知书 has anything to say: a result or a refusal with its reason."""
        return bool(self.results or self.refused)

    @property
    def finished(self) -> bool:
        return self.application.finished and self.pending == 0


def application_outcome(application: Application) -> Outcome:
    """The outcome as the sub-cases tell it (`kuaiban/cases/outcome.py`, through `hooks`)."""
    return casework().outcome(application=application)


def outcome_document(outcome: Outcome) -> Document:
    application = outcome.application
    blocks: list[Block] = [
        Heading("办理结果"),
        Table(
            headers=["事项", "类别", "名称", "编号"],
            rows=[[r.item, r.kind, r.name, r.number] for r in outcome.results],
            widths=[3, 1, 2, 2],
        )
        if outcome.results
        else Paragraph("暂无办理结果"),
    ]
    if outcome.refused:
        blocks += [
            Heading("不予办理或终止的事项"),
            Bullets([f"{name}：{reason}" for name, reason in outcome.refused]),
        ]
    if outcome.pending:
        blocks.append(Paragraph(f"另有 {outcome.pending} 项事项仍在办理中，办结后将一并告知。"))
    return Document(
        title="办理结果通知书",
        subtitle=application.bundle.name,
        meta=[
            ("办件编号", application.number),
            ("申请人", application.applicant_name),
            ("办理状态", application.get_status_display()),
            ("出具日期", timezone.localdate().strftime("%Y年%m月%d日")),
        ],
        blocks=blocks,
        footer="统一窗口出件：本件全部事项的办理结果汇总于此。咨询电话 12333",
    )
