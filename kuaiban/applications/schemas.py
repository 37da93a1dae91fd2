"""API shapes for applications."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from kuaiban.applications.models import Application


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ApplicantIn(StrictSchema):
    id_number: str = Field(default="", description="个人：居民身份证号（柜员代办时必填其一）")
    credit_code: str = Field(default="", description="单位：统一社会信用代码")
    name: str = Field(default="", description="柜员代办时：申请人姓名或单位名称")
    phone: str = Field(default="", description="联系电话")


class CommitmentsIn(StrictSchema):
    credit: bool = Field(default=False, description="信用承诺（涉及资金支付的事项必须为 true）")
    materials: list[str] = Field(default_factory=list, description="以告知承诺替代的材料代码")


class ApplicationIn(StrictSchema):
    pack: str
    bundle: str
    scenario: str
    items: list[str] = Field(default_factory=list, description="勾选的情形/可选事项编码")
    answers: dict[str, bool] = Field(default_factory=dict, description="情形引导问题的回答")
    applicant: ApplicantIn = Field(default_factory=ApplicantIn)
    form: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    materials: dict[str, Literal["upload", "commitment", "gap"]] = Field(
        default_factory=dict,
        description="各材料的提供方式；upload 的文件以 multipart 字段 material.<代码> 上传",
    )
    commitments: CommitmentsIn = Field(default_factory=CommitmentsIn)
    channel: Literal["web", "app", "kiosk", "window", "api"] = "api"


class SubCaseOut(Schema):
    id: int
    item: str
    name: str
    agency: str | None
    agency_kind: str
    stage: int
    status: str
    due_at: str | None


class MaterialOut(Schema):
    code: str
    name: str
    provision: str
    due_date: str | None


class ApplicationOut(Schema):
    number: str
    status: str
    status_label: str
    pack: str
    bundle: str
    bundle_name: str
    scenario: str
    channel: str
    applicant_name: str
    applicant_identifier: str = Field(description="脱敏后的身份证号或信用代码")
    submitted_at: str
    promised_due_date: str
    subcases: list[SubCaseOut]
    materials: list[MaterialOut]
    commitments: list[str]
    shared_data: list[str]
    burden: dict[str, dict[str, int]]
    receipt_url: str
    shared_data_notice: str = ""
    results: list[dict[str, str]] = Field(
        default_factory=list, description="统一出件：全部办理结果"
    )
    refused: list[dict[str, str]] = Field(
        default_factory=list, description="不予办理或终止的事项及理由"
    )
    corrections: list[str] = Field(
        default_factory=list, description="需补正的全部内容（一次性告知）"
    )
    correction_notes: list[dict[str, str]] = Field(
        default_factory=list, description="经办机构随补正要求写给申请人的说明：[{item, note}]"
    )


class CorrectionIn(StrictSchema):
    note: str = Field(default="", max_length=2000, description="补正说明")


class ApplicationListItem(Schema):
    number: str
    bundle_name: str
    status: str
    status_label: str
    submitted_at: str
    promised_due_date: str

    @staticmethod
    def resolve_bundle_name(obj: Application) -> str:
        return obj.bundle.name

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_at(obj: Application) -> str:
        return timezone.localtime(obj.submitted_at).isoformat()

    @staticmethod
    def resolve_promised_due_date(obj: Application) -> str:
        return timezone.localtime(obj.promised_due_at).date().isoformat()
