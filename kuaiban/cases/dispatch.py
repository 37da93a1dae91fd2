"""``subcase.dispatch``: the sub-case as signed JSON to the agency's own system (现行系统办理).

The body is built when it is sent, from the sub-case as it is then; the idempotency key (in
the ``Idempotency-Key`` header and the body) stays the same for every attempt. The contract
is documented in ``kuaiban/integrations/README.md``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kuaiban.applications.models import Application, ApplicationMaterial
from kuaiban.cases.material_listing import MaterialEntry, material_entry, subcase_materials
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import Agency, Delivery, FieldType
from kuaiban.core.masking import mask_id_number, mask_phone, mask_text
from kuaiban.integrations import conf
from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.transport import webhook_send


def subcase_dispatch(message: OutboxMessage) -> str:
    """POST the sub-case to its agency; a note when there is nothing (any more) to send."""
    subcase = (
        SubCase.objects.select_related(
            "application__bundle", "application__scenario", "item", "agency"
        )
        .filter(pk=message.payload.get("subcase"))
        .first()
    )
    if subcase is None:
        raise DeliveryRefused(f"子件 {message.payload.get('subcase')} 不存在")
    agency = Agency.objects.filter(code=message.payload.get("agency", "")).first()
    if agency is None:
        raise DeliveryRefused(f"机构“{message.payload.get('agency')}”不存在")
    if subcase.agency_id != agency.pk:
        return "未发送：子件已转至其他机构（转办时另有分发消息）"
    if agency.delivery != Delivery.WEBHOOK:
        return "未发送：该机构已改为在本平台工作台办理"
    if not agency.webhook_url or not agency.webhook_secret:
        raise DeliveryRefused(f"机构“{agency.code}”未配置 Webhook 地址或签名密钥")
    webhook_send(
        url=agency.webhook_url,
        signer=agency.code,
        secret=agency.webhook_secret,
        message_key=message.idempotency_key,
        event=message.kind,
        payload=subcase_webhook_body(subcase, key=message.idempotency_key),
    )
    return ""


def subcase_webhook_body(subcase: SubCase, *, key: str) -> dict[str, Any]:
    application = subcase.application
    item = subcase.item
    path = f"/api/v1/subcases/{subcase.pk}"
    return {
        "event": str(OutboxKind.SUBCASE_DISPATCH),
        "idempotency_key": key,
        "subcase": {
            "id": subcase.pk,
            "version": subcase.version,
            "stage": subcase.stage,
            "status": subcase.status,
            "name": subcase.seed_name,
            "item": {"code": item.code, "name": item.name},
            "due_at": _iso(subcase.due_at),
        },
        "application": {
            "number": application.number,
            "bundle": application.bundle.name,
            "scenario": application.scenario.name,
            "channel": application.channel,
            "submitted_at": _iso(application.submitted_at),
            "applicant": _applicant(application),
        },
        "form": _form(subcase),
        "materials": _materials(subcase),
        "callback": {
            "decision": f"{conf.public_url()}{path}/decision",
            "detail": f"{conf.public_url()}{path}",
        },
    }


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _applicant(application: Application) -> dict[str, str]:
    # Masked: the full numbers are read through the signed detail endpoint, which is audited.
    return {
        "kind": application.applicant_kind,
        "name": application.applicant_name,
        "id_number": mask_id_number(application.applicant_id_number)
        if application.applicant_id_number
        else "",
        "credit_code": application.applicant_credit_code,  # public (企业信用信息公示)
        "phone": mask_phone(application.applicant_phone) if application.applicant_phone else "",
    }


def _form(subcase: SubCase) -> dict[str, str]:
    """The item's own fields from the merged form, personal numbers masked."""
    form = subcase.application.form
    out = {}
    for key, field_type in subcase.item.fields.values_list("key", "field_type"):
        if key not in form:
            continue
        value = str(form[key])
        if field_type == FieldType.ID_NUMBER:
            value = mask_id_number(value)
        elif field_type == FieldType.PHONE:
            value = mask_phone(value)
        elif field_type == FieldType.BANK_ACCOUNT:
            value = "*" * (len(value) - 4) + value[-4:] if len(value) > 8 else "*" * len(value)
        else:
            value = mask_text(value)
        out[key] = value
    return out


def _materials(subcase: SubCase) -> list[MaterialEntry]:
    return [_material(subcase, m) for m in subcase_materials(subcase)]


def _material(subcase: SubCase, material: ApplicationMaterial) -> MaterialEntry:
    try:
        return material_entry(subcase_id=subcase.pk, material=material)
    except OSError as error:  # storage unreachable or the file gone: retried, then dead
        raise DeliveryFailed(
            f"读取材料“{material.code}”的文件 {material.file.name} 失败（{type(error).__name__}）"
        ) from None
