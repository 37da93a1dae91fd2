"""What each certificate says: the ``Document`` (``kuaiban.documents``) and the summary shown on
the verification page, both from the person's records (``shareddata.rights``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kuaiban.certificates.models import CertificateKind
from kuaiban.core.errors import Unprocessable
from kuaiban.documents.model import Block, Heading, KeyValue, Paragraph, Table
from kuaiban.shareddata.models import Person
from kuaiban.shareddata.rights import (
    RightsRecord,
    rights_record_for,
    unemployment_months_paid,
)


@dataclass(frozen=True)
class Content:
    title: str
    meta: list[tuple[str, str]]
    blocks: list[Block]
    summary: dict[str, str]  # shown when the code is verified; identifiers masked


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _masked_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


def content_for(*, kind: str, person: Person, today: dt.date) -> Content:
    record = rights_record_for(person, today=today)
    if not record.registrations:
        raise Unprocessable("未查到您的参保记录，无法开具该证明", code="no_record")
    builder = {
        CertificateKind.RIGHTS_RECORD: _rights_record,
        CertificateKind.CONTRIBUTION_PROOF: _contribution_proof,
        CertificateKind.BENEFIT_PROOF: _benefit_proof,
        CertificateKind.UNEMPLOYMENT_TRANSFER: _unemployment_transfer,
    }[CertificateKind(kind)]
    return builder(record, person)


def _who(record: RightsRecord) -> list[tuple[str, str]]:
    return [
        ("姓名", record.name),
        ("公民身份号码", record.id_number_masked),
        ("参保地", record.region_name or "—"),
        ("数据截至", f"{record.as_of:%Y年%m月%d日}"),
    ]


def _base_summary(record: RightsRecord) -> dict[str, str]:
    return {
        "姓名": _masked_name(record.name),
        "公民身份号码": record.id_number_masked,
        "参保地": record.region_name or "—",
        "数据截至": f"{record.as_of:%Y-%m-%d}",
    }


def _rights_record(record: RightsRecord, person: Person) -> Content:
    blocks: list[Block] = [
        Heading("一、参保登记"),
        Table(
            ["险种", "参保状态", "参保日期", "缴费月数"],
            [
                [r.name, r.status, f"{r.since:%Y-%m}" if r.since else "—", str(r.months)]
                for r in record.registrations
            ],
            widths=[3, 2, 2, 2],
        ),
        Heading("二、缴费年限"),
        KeyValue(
            [
                (
                    "首次参保",
                    f"{record.first_contribution:%Y年%m月}" if record.first_contribution else "—",
                ),
                (
                    "累计缴费",
                    f"{record.contribution_months}个月（{record.contribution_years_label}）",
                ),
                ("当前（最后）参保单位", record.unit_name or "—"),
            ]
        ),
        Heading("三、逐年缴费情况（元）"),
        Table(
            ["年度", "月数", "月均基数", "养老单位", "养老个人", "失业", "工伤"],
            [
                [
                    str(y.year),
                    str(y.months),
                    _yuan(y.base_average),
                    _yuan(y.pension_unit),
                    _yuan(y.pension_personal),
                    _yuan(y.unemployment),
                    _yuan(y.injury),
                ]
                for y in record.years
            ],
        ),
        Heading("四、最近13个月缴费明细（元）"),
        Table(
            ["所属期", "缴费单位", "基数", "养老(单位/个人)", "失业(单位/个人)", "工伤"],
            [
                [
                    f"{m.month:%Y-%m}",
                    m.payer,
                    _yuan(m.base),
                    f"{_yuan(m.pension_unit)}/{_yuan(m.pension_personal)}",
                    f"{_yuan(m.unemployment_unit)}/{_yuan(m.unemployment_personal)}",
                    _yuan(m.injury_unit),
                ]
                for m in record.recent
            ],
            widths=[1.2, 3, 1.3, 2, 2, 1],
        ),
        Heading("五、养老保险个人账户（元）"),
        Table(
            ["年度", "上年末余额", "当年记账", "当年利息", "年末余额"],
            [
                [
                    str(a.year),
                    _yuan(a.opening),
                    _yuan(a.credited),
                    _yuan(a.interest),
                    _yuan(a.closing),
                ]
                for a in record.account[-10:]
            ],
        ),
        Paragraph(f"截至上年末个人账户累计储存额：{_yuan(record.account_balance)} 元。"),
    ]
    if record.benefits:
        blocks += [Heading("六、待遇领取"), _benefit_table(record)]
    summary = _base_summary(record) | {
        "累计缴费月数": str(record.contribution_months),
        "个人账户累计储存额": f"{_yuan(record.account_balance)} 元",
    }
    return Content("个人权益记录单", _who(record), blocks, summary)


def _contribution_proof(record: RightsRecord, person: Person) -> Content:
    registration = record.registrations[0]
    blocks: list[Block] = [
        Paragraph(
            f"兹证明 {record.name}（公民身份号码 {record.id_number_masked}）于"
            f"{record.first_contribution:%Y年%m月}起参加企业职工基本养老保险，"
            f"截至{record.as_of:%Y年%m月%d日}累计实际缴费{record.contribution_months}个月"
            f"（{record.contribution_years_label}），当前参保状态为“{registration.status}”。"
            if record.first_contribution
            else f"兹证明 {record.name} 的参保情况如下。"
        ),
        Table(
            ["险种", "参保状态", "参保日期", "缴费月数"],
            [
                [r.name, r.status, f"{r.since:%Y-%m}" if r.since else "—", str(r.months)]
                for r in record.registrations
            ],
            widths=[3, 2, 2, 2],
        ),
        Heading("逐年缴费情况"),
        Table(
            ["年度", "缴费月数", "月均缴费基数（元）"],
            [[str(y.year), str(y.months), _yuan(y.base_average)] for y in record.years],
        ),
        Paragraph("特此证明。"),
    ]
    summary = _base_summary(record) | {
        "参保状态": registration.status,
        "累计缴费月数": str(record.contribution_months),
    }
    return Content("个人参保缴费证明", _who(record), blocks, summary)


def _benefit_table(record: RightsRecord) -> Table:
    return Table(
        ["待遇", "状态", "起始月", "月发放标准（元）", "已发月数", "累计发放（元）"],
        [
            [
                b.kind_label,
                b.status_label,
                f"{b.started_on:%Y-%m}",
                _yuan(b.monthly_amount),
                str(b.months_paid),
                _yuan(b.paid_total),
            ]
            for b in record.benefits
        ],
    )


def _benefit_proof(record: RightsRecord, person: Person) -> Content:
    if not record.benefits:
        raise Unprocessable(
            "未查到您领取社会保险待遇的记录，无法开具待遇领取证明", code="no_benefit"
        )
    first = record.benefits[0]
    blocks: list[Block] = [
        Paragraph(
            f"兹证明 {record.name}（公民身份号码 {record.id_number_masked}）自"
            f"{first.started_on:%Y年%m月}起在{first.region_name or record.region_name}领取"
            f"{first.kind_label}，现月发放标准 {_yuan(first.monthly_amount)} 元，状态为“{first.status_label}”。"
        ),
        _benefit_table(record),
        Paragraph("特此证明。"),
    ]
    summary = _base_summary(record) | {
        "待遇": "、".join(b.kind_label for b in record.benefits),
        "发放状态": first.status_label,
        "月发放标准": f"{_yuan(first.monthly_amount)} 元",
    }
    return Content("社会保险待遇领取证明", _who(record), blocks, summary)


def _unemployment_transfer(record: RightsRecord, person: Person) -> Content:
    months = [m for m in record.months if m.unemployment_unit or m.unemployment_personal]
    if not months:
        raise Unprocessable(
            "未查到您缴纳失业保险的记录，无法开具失业保险关系转移证明", code="no_record"
        )
    benefit = next((b for b in record.benefits if b.kind == "unemployment"), None)
    paid = benefit.months_paid if benefit else 0
    left = (benefit.months_total or 0) - paid if benefit else 0
    last = months[-1]
    blocks: list[Block] = [
        KeyValue(
            [
                ("失业保险缴费起止", f"{months[0].month:%Y年%m月} 至 {last.month:%Y年%m月}"),
                ("累计缴费月数", f"{unemployment_months_paid(months)}个月"),
                ("最后参保单位", last.payer),
                ("转出地", record.region_name or "—"),
                ("已领取失业保险金", f"{paid}个月"),
                ("剩余领取期限", f"{max(0, left)}个月"),
            ]
        ),
        Paragraph(
            "该参保人员的失业保险关系自本证明开具之日起转出，请转入地经办机构凭本证明"
            "办理转入手续；缴费年限累计计算。"
        ),
    ]
    summary = _base_summary(record) | {
        "失业保险累计缴费月数": str(unemployment_months_paid(months)),
        "最后参保单位": last.payer,
    }
    return Content("参保人员失业保险关系转移证明", _who(record), blocks, summary)
