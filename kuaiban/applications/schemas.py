"""API shapes for applications."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, StrictBool

from kuaiban.applications.models import Application
from kuaiban.bundles.schemas import MAX_ANSWERS, MAX_ITEMS, ApplicantIn
from kuaiban.core.text import Code, Note, Text


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# Documented bounds: a bundle has far fewer materials and form fields than these.
MAX_MATERIALS = 100
MAX_FORM_FIELDS = 200

FormValue = Note | int | float | bool | None


class CommitmentsIn(StrictSchema):
    credit: StrictBool = Field(
        default=False, description="信用承诺（涉及资金支付的事项必须为 true）"
    )
    materials: list[Code] = Field(
        default_factory=list, max_length=MAX_MATERIALS, description="以告知承诺替代的材料代码"
    )


class ApplicationIn(StrictSchema):
    pack: Code
    bundle: Code
    scenario: Code
    items: list[Code] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="勾选的情形/可选事项编码"
    )
    answers: dict[Code, StrictBool] = Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description="情形引导问题的回答（true / false）；键为该一件事的问题键",
    )
    applicant: ApplicantIn = Field(default_factory=ApplicantIn)
    handling_region: Code = Field(
        default="",
        description=(
            "跨省通办、全省通办：办理地的市或区县行政区划代码（如 370100）；在本地办理时不填。"
            "所选事项须在办理地的政策包中列为可异地收件"
        ),
    )
    form: dict[Code, FormValue] = Field(
        default_factory=dict,
        max_length=MAX_FORM_FIELDS,
        description="合并表单的填写内容，键为字段键（见 plan 的 fields）",
    )
    materials: dict[Code, Literal["upload", "commitment", "gap"]] = Field(
        default_factory=dict,
        max_length=MAX_MATERIALS,
        description="各材料的提供方式；upload 的文件以 multipart 字段 material.<代码> 上传",
    )
    commitments: CommitmentsIn = Field(default_factory=CommitmentsIn)
    channel: Literal["web", "app", "kiosk", "window", "api"] = "api"


# The answer's shapes are plain pydantic models: `application_out` builds them field by field,
# so they need none of ninja's reading from attributes, whose wrapper around every nested
# object was a twentieth of a submission's CPU. The OpenAPI document is the same.
class SubCaseOut(BaseModel):
    id: int
    item: str
    name: str
    agency: str | None
    agency_kind: str
    stage: int
    status: str
    due_at: str | None


class ApplicationMaterialOut(BaseModel):
    code: str
    name: str
    provision: str
    due_date: str | None


class ApplicationOut(BaseModel):
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
    handled_in: str = Field(default="", description="办理地（子件分送该地区的经办机构）")
    received_in: str | None = Field(
        default=None, description="收件地（跨省通办、全省通办时；本地办理为空）"
    )
    submitted_at: str
    promised_due_date: str
    subcases: list[SubCaseOut]
    materials: list[ApplicationMaterialOut]
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
    note: Text = Field(default="", max_length=2000, description="补正说明")


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
