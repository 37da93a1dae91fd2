"""API shapes for packs, bundles and plans (they feed the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, StrictBool, StringConstraints

from kuaiban.calendar.limits import TimeLimit
from kuaiban.core.text import Code, Line, Text


class LimitOut(Schema):
    value: int | None = Field(None, description="数值；即办时为空")
    unit: str = Field(
        description="working_days 工作日 / calendar_days 自然日 / months 个月 / instant 即办"
    )
    label: str = Field(description="中文表述，如 15工作日")
    text: str = Field("", description="政策原文表述（提速办清单中的文字）")


def limit_out(limit: TimeLimit | None, text: str = "") -> LimitOut | None:
    if limit is None:
        return None
    value = None if limit.is_instant else limit.value
    return LimitOut(value=value, unit=limit.unit, label=limit.label(), text=text)


class PackOut(Schema):
    code: str = Field(description="政策包代码")
    name: str = Field(description="政策文件标题")
    region: str = Field(description="地区")
    source: str = Field(description="文号")
    seed: str = Field(description="政策原文文件；市县政策包可为空")
    version: str = Field(description="政策包版本")
    region_code: str = Field(description="适用地区的六位行政区划代码")
    extends: str | None = Field(
        description="扩展的上级政策包代码（市县政策包，向上兼容）；省级政策包为 null"
    )
    basis: str = Field(description="市县政策包的本地依据；省级政策包为空")


class BundleOut(Schema):
    code: str = Field(description="一件事序号")
    name: str
    target: str = Field(description="person 个人 / unit 单位 / both")
    mode: str = Field(description="parallel 并行 / serial 串行 / integrated 整合办")
    pack: str = Field(description="所属政策包代码（按地区查询时为覆盖该地区的最基层政策包）")
    local: bool = Field(description="市县本地新增的一件事（不在上级政策包中）")
    basis: str = Field(description="本地新增的一件事的依据；否则为空")


class BundleItemOut(Schema):
    code: str = Field(description="事项编码")
    name: str = Field(description="事项名称（目录）")
    seed_name: str = Field(description="政策原文中的叫法")
    required: bool = Field(description="必做/必选为 true，情形/可选为 false")
    stage: int = Field(description="串行阶段，从1开始")
    when: str = Field("", description="触发该情形事项的问题键")
    group: str = Field("", description="所属事项组的政策原文名称（“…（含A；B）”），无则为空")
    group_required: bool = Field(False, description="所属事项组为必做：至少选择其中一项")
    target: str = Field("", description="该事项的办事对象（原文单列时），为空则同场景")
    agency: str = Field(description="责任机构类型")
    agency_label: str
    legal_limit: LimitOut | None
    promised_limit: LimitOut
    source: str = Field(description="政策出处")


class ScenarioOut(Schema):
    code: str
    name: str
    target: str
    mode: str
    source: str
    notes: list[str] = Field(default_factory=list, description="只属于本场景的备注（政策原文）")
    items: list[BundleItemOut]


class QuestionOut(Schema):
    key: str
    text: str


class BundleDetailOut(BundleOut):
    pack: str
    promised_limit: LimitOut | None = Field(description="一件事整体承诺时限（政策未规定时为空）")
    lead: str = Field(description="职责分工")
    notes: list[str]
    source: str
    questions: list[QuestionOut]
    scenarios: list[ScenarioOut]


class StrictIn(BaseModel):
    """A JSON object as input: anything else, or an unknown key, is a 422 naming the field.

    A plain pydantic model, not ninja's Schema: Schema reads the attributes of any object (right
    for output from ORM rows) and so took `"applicant": "1101…"` for an applicant without data.
    """

    model_config = ConfigDict(extra="forbid")


# Documented bounds of what a plan or an application may list.
MAX_ITEMS = 50
MAX_ANSWERS = 50


class ApplicantIn(StrictIn):
    """Who it is for; the same block in a plan and in an application."""

    # `default=` by name: type checkers see a default only so (PEP 681 field specifiers).
    id_number: Annotated[Text, StringConstraints(max_length=18)] = Field(
        default="", description="个人：居民身份证号（柜员代办时必填其一）"
    )
    credit_code: Annotated[Text, StringConstraints(max_length=18)] = Field(
        default="", description="单位：统一社会信用代码"
    )
    name: Line = Field(default="", description="柜员代办时：申请人姓名或单位名称")
    phone: Annotated[Text, StringConstraints(max_length=20)] = Field(
        default="", description="联系电话"
    )


class PlanIn(StrictIn):
    scenario: Code = Field(description="场景编号，如 7-1")
    items: list[Code] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="勾选的情形/可选事项编码"
    )
    answers: dict[Code, StrictBool] = Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description="情形引导问题的回答（true / false）；键为该一件事的问题键",
    )
    applicant: ApplicantIn | None = Field(
        default=None,
        description="已知申请人时用共享数据预填（需登录：访问令牌或网站会话）",
    )


class PlanFieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    choices: list[str]
    prefill: str | None = Field(description="共享数据预填的值")
    items: list[str] = Field(description="需要该字段的事项")
    asked: bool = Field(
        True,
        description="是否向申请人询问；为 false 时由情形确定、由用人单位提供或不适用，无需提交",
    )
    fixed: str | None = Field(None, description="由所选情形确定的值（提交其他值将被拒绝）")
    same_as: str | None = Field(None, description="取另一字段的值（该字段的键）")
    by_employer: bool = Field(
        False, description="只有用人单位掌握，个人申请时不询问，由经办机构向单位核实"
    )
    not_applicable: str | None = Field(
        None, description="本情形或本申请人不适用该字段的理由（不询问、不存储，提交值将被拒绝）"
    )


class PlanMaterialOut(Schema):
    code: str
    name: str
    kind: str
    key: bool = Field(description="关键材料，不能容缺")
    commitment_allowed: bool = Field(description="可用告知承诺替代")
    gap_allowed: bool = Field(description="可容缺受理，后补")
    from_shared_data: bool = Field(description="已通过数据共享获取，无需提交")
    items: list[str]


class PlanSubItemOut(Schema):
    code: str
    name: str
    seed_name: str
    required: bool
    stage: int
    group: str = Field("", description="所属事项组的政策原文名称，无则为空")
    agency: str
    agency_label: str
    legal_limit: LimitOut | None
    promised_limit: LimitOut
    due_date: str = Field(description="该事项承诺办结日期")


class BurdenOut(Schema):
    separate: int = Field(description="逐项单独申请时的数量")
    bundled: int = Field(description="通过一件事办理时的数量")


class BurdenSetOut(Schema):
    fields: BurdenOut
    materials: BurdenOut
    applications: BurdenOut
    visits: BurdenOut


class SharedDataOut(Schema):
    used: bool
    records: list[str] = Field(default_factory=list, description="使用的共享数据记录")


class PlanOut(Schema):
    scenario: str
    mode: str
    fields: list[PlanFieldOut]
    materials: list[PlanMaterialOut]
    subitems: list[PlanSubItemOut]
    promised_due_date: str
    burden: BurdenSetOut
    credit_commitment_required: bool
    shared_data: SharedDataOut
