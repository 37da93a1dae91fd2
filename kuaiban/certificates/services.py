"""Issuing and revoking certificates. An issued PDF is signed once and stored byte for byte:
what the person downloads again is the file whose digest the verification page knows."""

from __future__ import annotations

import hashlib
import io
import secrets

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.certificates.documents import content_for
from kuaiban.certificates.models import Certificate, CertificateFile, CertificateKind
from kuaiban.certificates.seal import seal_png
from kuaiban.certificates.signing import pdf_sign
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.documents.model import Document, Image, KeyValue
from kuaiban.documents.render import render_pdf
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.models import Person

# Crockford's alphabet: no I, L, O or U, so a code read aloud or typed is not misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def code_new() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def code_normalize(code: str) -> str:
    """What a person types or scans → the stored form (upper case, groups of four)."""
    raw = "".join(c for c in code.upper() if c.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def verify_url(code: str, *, base_url: str) -> str:
    base = settings.KUAIBAN_PUBLIC_URL or base_url.rstrip("/")
    return f"{base}{reverse('certificates:verify', args=[code])}"


def _qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def certificate_issue(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    person: Person,
    kind: str,
    channel: str,
    base_url: str,
) -> Certificate:
    """Build, sign and store the certificate of ``kind`` about ``person`` (the caller checked
    access); 422 when the records cannot support it (no benefit for a 待遇领取证明 …)."""
    now = timezone.now()
    content = content_for(kind=kind, person=person, today=timezone.localdate(now))
    code = code_new()
    url = verify_url(code, base_url=base_url)
    bureau = f"{content.summary.get('参保地', '')}{settings.KUAIBAN_SIGNING_SEAL_NAME}".lstrip("—")
    document = Document(
        title=content.title,
        meta=[*content.meta, ("验证码", code)],
        blocks=[
            *content.blocks,
            KeyValue(
                [
                    ("开具机构", bureau),
                    ("开具时间", f"{timezone.localtime(now):%Y年%m月%d日 %H:%M}"),
                ]
            ),
            Image(
                _qr_png(url), width=30, caption=f"扫码验真，或登录快办“证明验真”输入验证码 {code}"
            ),
            Image(seal_png(bureau), width=36, caption="电子印章"),
        ],
        footer=f"验证码 {code} · 本证明经数字签名，涂改无效",
    )
    signed = pdf_sign(render_pdf(document), reason=content.title, location=bureau)
    with transaction.atomic():
        certificate = Certificate.objects.create(
            kind=kind,
            code=code,
            holder=actor if isinstance(actor, User) and actor.is_authenticated else None,
            holder_id_number=person.id_number,
            holder_name=person.name,
            summary=content.summary,
            sha256=hashlib.sha256(signed).hexdigest(),
            channel=channel,
        )
        CertificateFile.objects.create(certificate=certificate, pdf=signed)
        # The content was read from the person's records: a read like any query's.
        records_read_audit(
            actor=actor,
            id_number=person.id_number,
            purpose=f"开具{certificate.get_kind_display()}",
            channel=channel,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_ISSUE,
            object_type="certificate",
            object_id=code,
            changes={
                "kind": kind,
                "holder": mask_id_number(person.id_number),
                "channel": channel,
                "sha256": certificate.sha256,
            },
        )
    return certificate


REVOKE_REASON_MAX = 200


def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """作废 by the bureau (the caller checked ``actor`` may, `access_certificate_for_staff`):
    the verification page shows it revoked, with the reason; once only; audited."""
    reason = reason.strip()
    problem = (
        "请写明作废原因"
        if not reason
        else f"作废原因不超过{REVOKE_REASON_MAX}字"
        if len(reason) > REVOKE_REASON_MAX
        else ""
    )
    if problem:
        raise Unprocessable(problem, fields={"reason": [problem]})
    now = timezone.now()
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason
        )
        if not updated:
            raise Conflict("该证明已作废")
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_REVOKE,
            object_type="certificate",
            object_id=certificate.code,
            changes={
                "reason": reason,
                "kind": certificate.kind,
                "holder": mask_id_number(certificate.holder_id_number),
            },
        )
    certificate.refresh_from_db(fields=["revoked_at", "revoked_reason"])
    return certificate


KIND_LABELS = dict(CertificateKind.choices)
