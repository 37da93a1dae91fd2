"""部门间行政协助: the request leaves through the outbox (``commitment.assist``), signed like a
sub-case dispatch; the partner's system answers with a signed POST to
``/api/v1/commitment-checks/<id>/assistance-answer`` (`kuaiban/commitments/api.py`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kuaiban.commitments.models import AssistancePartner, CheckStatus, CommitmentCheck
from kuaiban.core.masking import mask_id_number
from kuaiban.integrations import conf
from kuaiban.integrations.errors import DeliveryRefused
from kuaiban.integrations.models import OutboxKind, OutboxMessage
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.integrations.signing import verify_path_request
from kuaiban.integrations.transport import webhook_send


def assistance_request(*, check: CommitmentCheck) -> None:
    """Mark the check requested and write its message, in the caller's transaction."""
    now = timezone.now()
    CommitmentCheck.objects.filter(pk=check.pk, status=CheckStatus.PENDING).update(
        status=CheckStatus.REQUESTED, requested_at=now
    )
    check.status, check.requested_at = CheckStatus.REQUESTED, now
    outbox_enqueue(
        kind=OutboxKind.COMMITMENT_ASSIST,
        key=f"commitment.assist:{check.pk}:{check.partner_id}",
        payload={"check": check.pk, "partner": check.partner.code if check.partner else ""},
    )


def assistance_body(check: CommitmentCheck, *, key: str) -> dict[str, Any]:
    application = check.application
    identifier = application.applicant_id_number
    path = f"/api/v1/commitment-checks/{check.pk}/assistance-answer"
    return {
        "event": str(OutboxKind.COMMITMENT_ASSIST),
        "idempotency_key": key,
        "check": {
            "id": check.pk,
            "material": {"code": check.material_code, "name": check.material_name},
            "commitment": check.commitment.text,
            "due_at": timezone.localtime(check.due_at).isoformat(),
        },
        "applicant": {
            "name": application.applicant_name,
            # The partner matches on the full number it holds itself; the request shows it masked.
            "id_number": mask_id_number(identifier) if identifier else "",
            "credit_code": application.applicant_credit_code,
        },
        "application": application.number,
        "callback": {"answer": f"{conf.public_url()}{path}"},
    }


def assistance_deliver(message: OutboxMessage) -> str:
    """``commitment.assist`` → the partner's system."""
    check = (
        CommitmentCheck.objects.select_related("application", "commitment", "partner")
        .filter(pk=message.payload.get("check"))
        .first()
    )
    if check is None:
        raise DeliveryRefused(f"核查 {message.payload.get('check')} 不存在")
    if check.status != CheckStatus.REQUESTED:
        return f"未发送：核查当前状态为“{check.get_status_display()}”"
    partner = check.partner
    if partner is None or partner.code != message.payload.get("partner"):
        return "未发送：协助单位已变更"
    webhook_send(
        url=partner.webhook_url,
        signer=partner.code,
        secret=partner.webhook_secret,
        message_key=message.idempotency_key,
        event=message.kind,
        payload=assistance_body(check, key=message.idempotency_key),
    )
    return ""


def _partner_and_secret(code: str) -> tuple[AssistancePartner, str] | None:
    partner = AssistancePartner.objects.filter(code=code).exclude(webhook_secret="").first()
    return (partner, partner.webhook_secret) if partner is not None else None


def partner_verify_request(request: HttpRequest) -> AssistancePartner:
    """The partner that signed ``request`` over method, path, timestamp and body; 401 otherwise."""
    return verify_path_request(request, signer_of=_partner_and_secret)
