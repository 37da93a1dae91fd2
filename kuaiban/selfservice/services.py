"""Writes of the two small services: 资格考试报名 (and its review) and 证书邮寄 (request,
shipped, delivered). Each is one transaction with its audit row; officer steps are guarded by
the row's version (409 when someone else changed it first)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, NotFound, Unprocessable
from kuaiban.core.masking import mask_id_number
from kuaiban.core.models import AuditAction
from kuaiban.selfservice.models import (
    CertificateMailing,
    ExamRegistration,
    ExamRegistrationStatus,
    ExamSession,
    MailingStatus,
)
from kuaiban.shareddata.models import Person, SkillCertificate, SkillCertificateKind

# Education ranks for an exam's minimum (the catalogue's 学历 categories).
_EDUCATION_RANK = {
    "初中及以下": 0,
    "高中": 1,
    "中等职业教育": 1,
    "大学专科": 2,
    "大学本科": 3,
    "硕士研究生": 4,
    "博士研究生": 5,
}
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def _number(prefix: str, model: type[ExamRegistration] | type[CertificateMailing]) -> str:
    year = timezone.localdate().year
    count = model.objects.filter(number__startswith=f"{prefix}-{year}-").count()
    return f"{prefix}-{year}-{count + 1:06d}"


def exam_register(
    *, actor: User | None, person: Person, session_id: int, channel: str = "web"
) -> ExamRegistration:
    """Register ``person`` (the caller checked who it is: their account, or their ID at a
    kiosk, where there is no account and ``actor`` is None) for the exam session."""
    session = ExamSession.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound("考试不存在")
    today = timezone.localdate()
    if not session.opens_on <= today <= session.closes_on:
        raise Unprocessable(
            f"不在报名时间内（{session.opens_on:%Y年%m月%d日}至{session.closes_on:%Y年%m月%d日}）",
            fields={"session": ["不在报名时间内"]},
        )
    need = _EDUCATION_RANK.get(session.min_education, 0)
    if _EDUCATION_RANK.get(person.education, 0) < need:
        raise Unprocessable(
            f"报名条件要求{session.min_education}及以上学历，共享数据中您的学历为{person.education or '未登记'}",
            fields={"session": ["学历不符合报名条件"]},
        )
    if not person.phone:
        raise Unprocessable(
            "共享数据中没有您的手机号，请先到窗口登记", fields={"phone": ["缺少手机号"]}
        )
    try:
        with transaction.atomic():
            registration = ExamRegistration.objects.create(
                number=_number("KS", ExamRegistration),
                session=session,
                applicant=actor,
                channel=channel,
                id_number=person.id_number,
                name=person.name,
                phone=person.phone,
                education=person.education,
            )
            audit_record(
                actor=actor,
                action=AuditAction.EXAM_REGISTER,
                object_type="exam_registration",
                object_id=registration.number,
                changes={
                    "session": session.pk,
                    "person": mask_id_number(person.id_number),
                    "channel": channel,
                },
            )
    except IntegrityError:
        raise Conflict("您已报名该考试") from None
    return registration


def exam_review(
    *, actor: User, registration: ExamRegistration, approve: bool, note: str, version: int
) -> ExamRegistration:
    """The 人事考试机构's 资格审核 (the caller checked access): approve, or reject with a reason."""
    if actor.role != Role.OFFICER:
        raise NotFound("报名不存在")
    if not approve and not note.strip():
        raise Unprocessable("审核未通过须写明原因", fields={"note": ["请填写原因"]})
    status = ExamRegistrationStatus.APPROVED if approve else ExamRegistrationStatus.REJECTED
    with transaction.atomic():
        updated = ExamRegistration.objects.filter(
            pk=registration.pk, version=version, status=ExamRegistrationStatus.SUBMITTED
        ).update(
            status=status, note=note.strip()[:200], reviewed_at=timezone.now(), version=version + 1
        )
        if not updated:
            raise Conflict("该报名已被审核或已变更，请刷新后重试")
        audit_record(
            actor=actor,
            action=AuditAction.EXAM_REVIEW,
            object_type="exam_registration",
            object_id=registration.number,
            changes={"status": status},
        )
    registration.refresh_from_db()
    return registration


def mailing_request(
    *,
    actor: User | None,
    person: Person,
    certificate_id: int,
    recipient: str,
    phone: str,
    address: str,
    channel: str = "web",
) -> CertificateMailing:
    """Mail one of ``person``'s certificates (``actor`` None at a kiosk, as for 报名)."""
    certificate = SkillCertificate.objects.filter(
        pk=certificate_id, person=person, kind=SkillCertificateKind.PROFESSIONAL
    ).first()
    if certificate is None:
        raise NotFound("证书不存在")
    errors: dict[str, list[str]] = {}
    recipient, phone, address = recipient.strip(), phone.strip(), address.strip()
    if not 2 <= len(recipient) <= 40:
        errors["recipient"] = ["请填写收件人姓名"]
    if not _PHONE.match(phone):
        errors["phone"] = ["请填写11位手机号"]
    if not 8 <= len(address) <= 200:
        errors["address"] = ["请填写省市区及详细地址（8至200字）"]
    if errors:
        raise Unprocessable("邮寄信息有误", fields=errors)
    try:
        with transaction.atomic():
            mailing = CertificateMailing.objects.create(
                number=_number("YJ", CertificateMailing),
                certificate=certificate,
                applicant=actor,
                channel=channel,
                recipient=recipient,
                phone=phone,
                address=address,
            )
            audit_record(
                actor=actor,
                action=AuditAction.MAILING_REQUEST,
                object_type="certificate_mailing",
                object_id=mailing.number,
                changes={"certificate": certificate.pk, "channel": channel},
            )
    except IntegrityError:
        raise Conflict("该证书已申请邮寄") from None
    return mailing


# state → the states it may move to, and the fields a move stamps
_MOVES = {
    MailingStatus.REQUESTED: {MailingStatus.SHIPPED, MailingStatus.CANCELLED},
    MailingStatus.SHIPPED: {MailingStatus.DELIVERED},
}


def mailing_move(
    *,
    actor: User,
    mailing: CertificateMailing,
    to: str,
    version: int,
    carrier: str = "",
    tracking_number: str = "",
) -> CertificateMailing:
    """寄出 (with carrier and tracking number), 签收, or 取消 before it is sent."""
    target = MailingStatus(to)
    if target not in _MOVES.get(MailingStatus(mailing.status), set()):
        raise Conflict(f"“{mailing.get_status_display()}”的邮寄申请不能改为“{target.label}”")
    if (
        target == MailingStatus.CANCELLED
        and actor.id_number != mailing.certificate.person.id_number
    ):
        raise NotFound("邮寄申请不存在")
    if target in (MailingStatus.SHIPPED, MailingStatus.DELIVERED) and actor.role != Role.OFFICER:
        raise NotFound("邮寄申请不存在")
    values: dict[str, object] = {"status": target, "version": version + 1}
    if target == MailingStatus.SHIPPED:
        if not carrier.strip() or not re.match(r"^[0-9A-Za-z]{8,30}$", tracking_number.strip()):
            raise Unprocessable(
                "寄出须填写快递公司和运单号",
                fields={"tracking_number": ["运单号为8至30位字母或数字"]},
            )
        values |= {
            "carrier": carrier.strip()[:40],
            "tracking_number": tracking_number.strip(),
            "shipped_at": timezone.now(),
        }
    if target == MailingStatus.DELIVERED:
        values["delivered_at"] = timezone.now()
    with transaction.atomic():
        updated = CertificateMailing.objects.filter(
            pk=mailing.pk, version=version, status=mailing.status
        ).update(**values)
        if not updated:
            raise Conflict("该邮寄申请已变更，请刷新后重试")
        audit_record(
            actor=actor,
            action=AuditAction.MAILING_UPDATE,
            object_type="certificate_mailing",
            object_id=mailing.number,
            changes={"status": target, "tracking_number": values.get("tracking_number", "")},
        )
    mailing.refresh_from_db()
    return mailing
