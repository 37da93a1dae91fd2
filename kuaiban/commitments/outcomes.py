"""What a check's outcome sets going: closed when confirmed; when false, the decision that
relied on it is reviewed, money is flagged for recovery, the applicant is told and may
object, and a 失信 record is kept. Every step is one transaction with its audit row."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.cases.models import SubCaseStatus
from kuaiban.cases.services import subcase_amend, subcase_revoke
from kuaiban.commitments.models import (
    CHECK_OPEN,
    CheckMethod,
    CheckObjection,
    CheckStatus,
    CommitmentCheck,
    CreditRecord,
    DecisionReview,
    ObjectionStatus,
    Recovery,
)
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.core.text import text_error
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue

FINDINGS_MAX = 2000


def check_assignable_officers(check: CommitmentCheck) -> QuerySet[User]:
    """Who may carry out an on-site check: the active officers of the check's agency."""
    if check.agency_id is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.OFFICER, agency_id=check.agency_id, is_active=True
    ).order_by("username")


def _text(value: str, *, field: str, label: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise Unprocessable(f"请填写{label}", fields={field: [f"请填写{label}"]})
    if len(value) > FINDINGS_MAX:
        raise Unprocessable(f"{label}过长", fields={field: [f"不超过 {FINDINGS_MAX} 字"]})
    if problem := text_error(value):
        raise Unprocessable(problem, fields={field: [problem]})
    return value


def _claim(
    check: CommitmentCheck, *, version: int | None, allowed: tuple[str, ...], **changes: Any
) -> CommitmentCheck:
    """A conditional UPDATE on the version: two officers at once get one winner and a 409."""
    if check.status not in allowed:
        raise Conflict(
            f"核查当前状态为“{check.get_status_display()}”，不能执行此操作", code="invalid_state"
        )
    expected = check.version if version is None else version
    won = CommitmentCheck.objects.filter(pk=check.pk, version=expected, status__in=allowed).update(
        version=expected + 1, **changes
    )
    if won != 1:
        raise Conflict("该核查刚刚已被他人处理，请刷新后查看最新状态", code="concurrent_update")
    check.refresh_from_db()
    return check


def check_schedule(
    *,
    actor: User,
    check: CommitmentCheck,
    day: Any,
    owner: User | None = None,
    version: int | None = None,
) -> CommitmentCheck:
    """现场核查: fix the day and assign it to an officer of the check's agency (by default the
    acting officer)."""
    if check.method != CheckMethod.ON_SITE:
        raise Unprocessable("只有现场核查需要安排日期", fields={"day": ["该核查不是现场核查"]})
    if day < timezone.localdate():
        raise Unprocessable("核查日期不能早于今天", fields={"day": ["请选择今天或以后的日期"]})
    owner = actor if owner is None else owner
    if owner.pk not in set(check_assignable_officers(check).values_list("pk", flat=True)):
        raise Unprocessable(
            "现场核查只能交给本单位的工作人员", fields={"owner": ["请选择本单位的工作人员"]}
        )
    with transaction.atomic():
        check = _claim(
            check,
            version=version,
            allowed=(CheckStatus.PENDING, CheckStatus.SCHEDULED),
            status=CheckStatus.SCHEDULED,
            scheduled_for=day,
            owner=owner,
        )
        _audit(
            actor,
            check,
            AuditAction.COMMITMENT_CHECK_STEP,
            {"scheduled_for": day.isoformat(), "owner": owner.username},
        )
    return check


def check_outcome_record(
    *,
    actor: User | None,
    check: CommitmentCheck,
    confirmed: bool,
    findings: str,
    version: int | None = None,
    system: str = "",
) -> CommitmentCheck:
    """The check's conclusion, by an officer or (``system``) by shared data or a partner."""
    findings = _text(findings, field="findings", label="核查情况")
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": CheckStatus.CONFIRMED if confirmed else CheckStatus.FALSE,
        "findings": findings,
        "decided_at": now,
        "decided_by": actor,
        "decided_by_system": system,
        "next_try_at": None,
    }
    if actor is not None and check.owner_id is None:
        changes["owner"] = actor
    with transaction.atomic():
        check = _claim(check, version=version, allowed=CHECK_OPEN, **changes)
        if not confirmed:
            _consequences(actor, check, findings)
        _audit(
            actor,
            check,
            AuditAction.COMMITMENT_CHECK_OUTCOME,
            {"status": check.status, "system": system},
        )
    return check


def _consequences(actor: User | None, check: CommitmentCheck, findings: str) -> None:
    """不实: review the decision, flag money, keep the 失信 record, tell the applicant."""
    subcase = check.subcase
    application = check.application
    review = DecisionReview.NONE
    recovery = Recovery.NONE
    if subcase is not None:
        review = DecisionReview.PENDING
        if subcase.status == SubCaseStatus.APPROVED and subcase.item.pays_money:
            recovery = Recovery.FLAGGED
    CommitmentCheck.objects.filter(pk=check.pk).update(decision_review=review, recovery=recovery)
    check.decision_review, check.recovery = review, recovery
    record = CreditRecord.objects.create(
        id_number=application.applicant_id_number,
        credit_code=application.applicant_credit_code
        if not application.applicant_id_number
        else "",
        name=application.applicant_name,
        commitment_check=check,
        reason=findings,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREDIT_RECORD_CREATE,
        object_type="credit_record",
        object_id=str(record.pk),
        changes={"application": application.number, "material": check.material_code},
    )
    outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key=f"commitment.false:{check.pk}",
        payload={
            "number": application.number,
            "subject": "告知承诺核查结果",
            "text": (
                f"您在办件 {application.number} 中就“{check.material_name}”作出的告知承诺，"
                f"经核查与实际情况不符：{findings}。已作出的办理决定将予复查，"
                "并记录告知承诺不实。如有异议，请登录“我的办件”查看并提出异议。"
            ),
        },
    )


def check_decision_review(
    *,
    actor: User,
    check: CommitmentCheck,
    revoke: bool,
    reason: str,
    results: list[dict[str, str]] | None = None,
) -> CommitmentCheck:
    """The officer revokes the decision that relied on the false commitment, or amends it."""
    reason = _text(reason, field="reason", label="理由")
    if check.decision_review != DecisionReview.PENDING or check.subcase is None:
        raise Conflict("该核查没有待复查的办结决定", code="invalid_state")
    subcase = check.subcase
    if subcase.status != SubCaseStatus.APPROVED:
        raise Conflict(
            f"子件当前状态为“{subcase.get_status_display()}”，请在工作台按核查结论办理",
            code="invalid_state",
        )
    with transaction.atomic():
        if revoke:
            subcase_revoke(actor=actor, subcase=subcase, reason=f"告知承诺不实：{reason}")
        else:
            subcase_amend(
                actor=actor, subcase=subcase, reason=reason, results=results or subcase.results
            )
        outcome = DecisionReview.REVOKED if revoke else DecisionReview.AMENDED
        won = CommitmentCheck.objects.filter(
            pk=check.pk, decision_review=DecisionReview.PENDING
        ).update(decision_review=outcome, version=check.version + 1)
        if won != 1:
            raise Conflict("该核查刚刚已被他人处理，请刷新后查看最新状态", code="concurrent_update")
        _audit(
            actor, check, AuditAction.COMMITMENT_CHECK_STEP, {"decision": outcome, "reason": reason}
        )
    check.refresh_from_db()
    return check


def objection_submit(*, actor: User, check: CommitmentCheck, text: str) -> CheckObjection:
    """The applicant objects to a finding of 不实 (one open objection at a time)."""
    text = _text(text, field="text", label="异议理由")
    if check.status != CheckStatus.FALSE:
        raise Conflict("只能对核查不实的结论提出异议", code="invalid_state")
    try:
        with transaction.atomic():
            objection = CheckObjection.objects.create(
                commitment_check=check, text=text, submitted_by=actor
            )
            audit_record(
                actor=actor,
                action=AuditAction.COMMITMENT_OBJECTION,
                object_type="commitment_check",
                object_id=str(check.pk),
                changes={"objection": objection.pk},
            )
    except IntegrityError:
        raise Conflict("您已提出异议，正在处理中", code="objection_open") from None
    return objection


def objection_decide(
    *, actor: User, objection: CheckObjection, upheld: bool, note: str
) -> CheckObjection:
    """异议成立: the check is corrected to 属实, the 失信 record lifted, recovery stopped.
    不成立: the finding stands, with the reason the applicant reads."""
    note = _text(note, field="note", label="处理意见")
    now = timezone.now()
    with transaction.atomic():
        won = CheckObjection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED,
            decided_by=actor,
            decided_at=now,
            note=note,
        )
        if won != 1:
            raise Conflict("该异议已处理", code="invalid_state")
        check = objection.commitment_check
        if upheld:
            CommitmentCheck.objects.filter(pk=check.pk).update(
                status=CheckStatus.CONFIRMED,
                findings=f"{check.findings}\n异议成立：{note}",
                recovery=Recovery.CLEARED if check.recovery == Recovery.FLAGGED else check.recovery,
                version=check.version + 1,
            )
            CreditRecord.objects.filter(commitment_check=check, active=True).update(
                active=False, lifted_at=now, lifted_by=actor, lift_reason=note
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREDIT_RECORD_LIFT,
                object_type="commitment_check",
                object_id=str(check.pk),
                changes={"note": note},
            )
        audit_record(
            actor=actor,
            action=AuditAction.COMMITMENT_OBJECTION_DECIDE,
            object_type="commitment_check",
            object_id=str(check.pk),
            changes={"objection": objection.pk, "upheld": upheld},
        )
        outbox_enqueue(
            kind=OutboxKind.NOTIFY_APPLICANT,
            key=f"commitment.objection:{objection.pk}",
            payload={
                "number": check.application.number,
                "subject": "核查结论异议处理结果",
                "text": f"您对“{check.material_name}”核查结论的异议"
                + ("成立，不实记录已解除" if upheld else "不成立")
                + f"：{note}",
            },
        )
    objection.refresh_from_db()
    return objection


def _audit(
    actor: User | None, check: CommitmentCheck, action: AuditAction, detail: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="commitment_check",
        object_id=str(check.pk),
        changes={"application": check.application.number, **detail},
    )
