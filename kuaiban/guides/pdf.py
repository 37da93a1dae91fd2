"""Service guides as PDF documents: the same content as the pages, laid out for print."""

from __future__ import annotations

from collections.abc import Sequence

from kuaiban.catalogue.models import CommitmentText
from kuaiban.documents.model import Bullets, Document, Heading, KeyValue, Paragraph, Table
from kuaiban.guides.content import BundleGuide, GuideOffice, ItemGuide

Block = Heading | Paragraph | Bullets | Table | KeyValue


def _commitment_texts(texts: Sequence[CommitmentText]) -> list[Block]:
    """告知承诺书 as published (Jiangsu 2021 二（三）1 “规范编制告知承诺书文本……公示”): for each
    material marked 可承诺, what is promised, the consequence of a false promise and the check —
    the same texts the page shows and the applicant signs."""
    if not texts:
        return []
    blocks: list[Block] = [
        Heading("告知承诺书（公示文本）"),
        Paragraph("标注“可承诺”的证明可签署以下告知承诺书代替；办理后将按所列方式核查。"),
    ]
    for text in texts:
        blocks += [
            Paragraph(f"{text.material.name}（{text.version} 版）"),
            Bullets(
                [
                    f"承诺事项：{text.promise}",
                    f"承诺不实的后果：{text.consequence}",
                    f"核查方式：{text.verification}",
                ]
            ),
        ]
    return blocks


def bundle_guide_document(
    guide: BundleGuide, commitment_texts: Sequence[CommitmentText] = ()
) -> Document:
    bundle = guide.bundle
    blocks: list[Block] = [
        KeyValue(
            pairs=[
                ("政策依据", guide.pack.basis),
                ("办事对象", bundle.get_target_display()),
                ("办理模式", bundle.get_mode_display()),
                ("职责分工", bundle.lead or "—"),
                ("收费标准", guide.fee),
                ("咨询电话", guide.hotline),
            ]
        ),
        Heading("办理渠道"),
        Bullets(guide.channels),
        Heading("办理流程"),
        Bullets([f"{n}. {step}" for n, step in enumerate(guide.steps, start=1)]),
        *_offices(guide.offices),
    ]
    for scenario in guide.scenarios:
        plan = scenario.plan
        blocks += [
            Heading(f"场景 {scenario.code} {scenario.name}（{scenario.mode}）"),
            Table(
                headers=["事项", "类别", "阶段", "责任机构", "法定时限", "承诺时限"],
                rows=[
                    [
                        f"{r.public_code} {r.seed_name}".strip(),
                        "必做" if r.required else "情形",
                        str(r.stage),
                        r.agency,
                        r.legal,
                        f"{r.promised} {r.speedup}".strip(),
                    ]
                    for r in scenario.items
                ],
                widths=[3, 1, 1, 2, 2, 3],
            ),
            Paragraph(f"一套材料（{len(plan.materials)} 项，已去重）："),
            Bullets([_material_line(m) for m in plan.materials]),
            Paragraph(
                f"一张表单：需填写 {scenario.burden['fields'].bundled} 项"
                f"（逐项单独申请需填写 {scenario.burden['fields'].separate} 项），"
                f"需提供 {scenario.burden['materials'].bundled} 份材料；"
                f"一次申请代替 {scenario.burden['applications'].separate} 次"
                "（只办必做事项、数据共享中有您的记录时）。"
            ),
        ]
        if scenario.notes:
            blocks += [Paragraph("本场景备注（政策原文）："), Bullets(scenario.notes)]
    blocks += [Heading("材料说明"), Paragraph(guide.materials_note)]
    blocks += _commitment_texts(commitment_texts)
    if guide.notes:
        blocks += [Heading("备注（政策原文）"), Bullets(guide.notes)]
    return Document(
        title=f"{bundle.title}办事指南",
        subtitle=guide.pack.region.name,
        meta=[("生成日期", guide.generated)],
        blocks=blocks,
        footer="快办 · 人社服务综合受理平台 · 线上线下同源发布",
    )


def _offices(offices: list[GuideOffice]) -> list[Block]:
    if not offices:
        return [
            Heading("办理地点、时间和咨询电话"),
            Paragraph("请到当地人社服务大厅办理，或拨打 12333 咨询。"),
        ]
    return [
        Heading("办理地点、时间和咨询电话"),
        Table(
            headers=["责任机构", "办理地点", "办理时间", "咨询电话"],
            rows=[[o.name, o.address, o.hours, o.phone] for o in offices],
            widths=[3, 3, 3, 2],
        ),
    ]


def _material_line(material: object) -> str:
    m = material
    marks = []
    if getattr(m, "shared_source", ""):
        marks.append("可数据共享获取")
    if getattr(m, "commitment_allowed", False):
        marks.append("可承诺")
    if not getattr(m, "key", True):
        marks.append("可容缺")
    suffix = f"（{'、'.join(marks)}）" if marks else ""
    return f"{getattr(m, 'name', '')}{suffix}"


def item_guide_document(
    guide: ItemGuide, commitment_texts: Sequence[CommitmentText] = ()
) -> Document:
    item = guide.item
    blocks: list[Block] = [
        KeyValue(
            pairs=[
                *([("事项编码", item.public_code)] if item.public_code else []),
                ("办事对象", guide.target),
                ("责任机构", guide.agency),
                ("业务板块", item.category),
                ("全程网办", "是" if item.online and not item.onsite_required else "否，须到现场"),
                ("信用承诺", "涉及资金支付，须作出信用承诺" if item.pays_money else "不涉及"),
                ("收费标准", item.fee_text),
                ("咨询电话", guide.hotline),
            ]
        ),
        Heading("办结时限"),
        Table(
            headers=["依据", "法定时限", "承诺时限", "提速"],
            rows=[
                [pack.basis if pack else "本地默认", legal, promised, ratio]
                for pack, legal, promised, ratio in guide.limits
            ],
            widths=[3, 2, 3, 1],
        ),
        Heading("申请材料"),
        Bullets([_material_line(m) for m in item.materials.all()] or ["无需提交材料"]),
        *_commitment_texts(commitment_texts),
        Heading("办理渠道"),
        Bullets(guide.channels),
        Heading("办理流程"),
        Bullets([f"{n}. {step}" for n, step in enumerate(guide.steps, start=1)]),
        *_offices(guide.offices),
    ]
    if guide.bundles:
        blocks += [
            Heading("可在以下“一件事”中一并办理"),
            Bullets([f"{b.pack.region.name}：{b.name}" for b in guide.bundles]),
        ]
    return Document(
        title=f"{item.name} 办事指南",
        meta=[("生成日期", guide.generated)],
        blocks=blocks,
        footer="快办 · 人社服务综合受理平台 · 线上线下同源发布",
    )
