"""受理回执: what was received, what was promised, what is still owed — as a page and a PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kuaiban.applications.crossregion import CrossRegion, scope_needed
from kuaiban.applications.models import Application, ApplicationCommitment, Provision
from kuaiban.catalogue.regions import RegionTree
from kuaiban.core.masking import mask_id_number, mask_phone
from kuaiban.documents.model import (
    Block,
    Bullets,
    Document,
    Heading,
    Image,
    KeyValue,
    Paragraph,
    Table,
)


@dataclass(frozen=True)
class Receipt:
    application: Application
    meta: list[tuple[str, str]]
    received: list[str]
    shared: list[str]
    committed: list[str]
    owed: list[tuple[str, str]]
    corrections_given: list[tuple[str, dt.datetime | None]]
    items: list[list[str]]
    burden_rows: list[list[str]]
    saved_line: str


_BURDEN_LABELS = {
    "fields": "填写信息（项）",
    "materials": "提交材料（份）",
    "applications": "提交申请（次）",
    "visits": "到现场（次）",
}


def handled_in_label(application: Application) -> str:
    """办理地: the region whose agencies handle it, with the receiving place when elsewhere."""
    received = application.received_region
    if received is None:
        return application.region.name
    tree = RegionTree.load()
    scope = scope_needed(
        received_province=tree.top(received.pk),
        handling_province=tree.top(application.region_id),
    )
    return CrossRegion(received=received, handling=application.region, scope=scope).label


def application_receipt(application: Application) -> Receipt:
    materials = list(application.materials.all())
    due = timezone.localtime(application.promised_due_at)
    identifier = application.applicant_id_number or application.applicant_credit_code
    burden = application.burden
    saved = {k: v["separate"] - v["bundled"] for k, v in burden.items()}
    return Receipt(
        application=application,
        meta=[
            ("办件编号", application.number),
            (
                "一件事",
                f"{application.bundle.name}（{application.scenario.name}）",
            ),
            ("申请人", f"{application.applicant_name}（{mask_id_number(identifier)}）"),
            (
                "联系电话",
                mask_phone(application.applicant_phone) if application.applicant_phone else "—",
            ),
            ("受理渠道", application.get_channel_display()),
            *([("亲情代办", application.acted_for_label)] if application.agent_id else []),
            ("办理地", handled_in_label(application)),
            *([("受理说明", application.note)] if application.note else []),
            (
                "受理时间",
                timezone.localtime(application.submitted_at).strftime("%Y年%m月%d日 %H:%M"),
            ),
            ("承诺办结", due.strftime("%Y年%m月%d日") + "前"),
        ],
        received=[m.name for m in materials if m.provision == Provision.UPLOADED],
        shared=[
            m.name for m in materials if m.provision in (Provision.SHARED, Provision.ONLINE_FORM)
        ],
        committed=[_signed(c) for c in application.commitments.all()],
        owed=[
            (m.name, m.due_date.strftime("%Y年%m月%d日") if m.due_date else "")
            for m in materials
            if m.provision == Provision.GAP and m.supplied_at is None
        ],
        corrections_given=[
            (m.name, m.supplied_at) for m in materials if m.provision == Provision.CORRECTION
        ],
        items=[
            [
                s.seed_name,
                timezone.localtime(s.due_at).strftime("%Y-%m-%d")
                if s.due_at
                else "前序事项办结后起算",
            ]
            for s in application.subcases.all()
        ],
        burden_rows=[
            [label, str(burden[k]["separate"]), str(burden[k]["bundled"])]
            for k, label in _BURDEN_LABELS.items()
            if k in burden
        ],
        saved_line=(
            f"通过“一件事”打包办理，您少填 {saved.get('fields', 0)} 项信息、少交 "
            f"{saved.get('materials', 0)} 份材料、少提交 {saved.get('applications', 0)} 次申请。"
        ),
    )


@dataclass(frozen=True)
class PrintedRatingLink:
    """一次一评 on the clerk's printout: the walk-in's personal link, its QR code, its last day."""

    url: str
    qr_png: bytes
    until: str


def receipt_document(receipt: Receipt, *, rating_link: PrintedRatingLink | None = None) -> Document:
    blocks: list[Block] = []
    if rating_link is not None:
        blocks += [
            Heading("请评价本次窗口服务（一次一评）"),
            Image(rating_link.qr_png, width=36, caption="请办事人用手机扫码评价，无需登录"),
            KeyValue([("评价链接", rating_link.url), ("有效期至", rating_link.until)]),
        ]
    blocks += [
        Heading("已收到的材料"),
        Bullets(receipt.received or ["无（材料均通过数据共享、承诺或容缺方式提供）"]),
    ]
    if receipt.shared:
        blocks += [
            Heading("通过数据共享获取或由在线表单生成、无需提交的材料"),
            Bullets(receipt.shared),
        ]
    if receipt.committed:
        blocks += [Heading("您作出的承诺"), Bullets(receipt.committed)]
    blocks += [
        Heading("尚需补齐的材料"),
        Table(headers=["材料", "补齐期限"], rows=[list(o) for o in receipt.owed], widths=[3, 2])
        if receipt.owed
        else Paragraph("无"),
        Heading("办理事项"),
        Table(headers=["事项", "承诺办结期限"], rows=receipt.items, widths=[4, 2]),
        Heading("减负情况"),
        Table(
            headers=["", "逐项单独申请", "本次打包办理"], rows=receipt.burden_rows, widths=[2, 1, 1]
        ),
        Paragraph(receipt.saved_line),
    ]
    return Document(
        title="受理回执",
        subtitle=receipt.application.bundle.name,
        meta=receipt.meta,
        blocks=blocks,
        footer="请妥善保存本回执；凭办件编号和证件号码后4位可在“办件进度查询”随时查询。咨询电话 12333",
    )


def _signed(commitment: ApplicationCommitment) -> str:
    """The text as signed, with the version of the published 告知承诺书 and when."""
    when = timezone.localtime(commitment.signed_at)
    version = f"告知承诺书 {commitment.text_version} 版，" if commitment.text_version else ""
    return f"{commitment.text}（{version}{commitment.signer} 于 {when:%Y-%m-%d %H:%M} 签署）"
