"""Writes for sub-cases: created at submission, then worked stage by stage.

Every action is one transaction: a conditional UPDATE on the sub-case's version (so two
officers acting at once cannot both win), the application's derived status, the next stage
opening or later stages stopping, outbox messages, and an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.materials import correction_files_store, correction_uploads_check
from kuaiban.applications.models import Application, ApplicationMaterial, ApplicationStatus
from kuaiban.bundles.planning import Plan
from kuaiban.calendar.arithmetic import end_of_day
from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.calendar.selectors import add_working_days, due_at, working_days_between
from kuaiban.cases.hooks import decision_control, decision_listeners
from kuaiban.cases.models import DeadlineState, SubCase, SubCaseStatus
from kuaiban.cases.outcome import WITHDRAWABLE, application_outcome
from kuaiban.cases.review import auto_review, check_results_of
from kuaiban.cases.status import derive_status
from kuaiban.catalogue.models import Agency, Delivery
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue


def subcases_build(
    *, application: Application, plan: Plan, agencies: dict[int, Agency]
) -> list[SubCase]:
    """The sub-cases, unsaved (the submission stores them with its other rows in one
    statement): the first stage open with its due dates and its automatic checks already
    evaluated, later stages waiting for it. `subcases_open` then acts on them."""
    first = min((s.stage for s in plan.subitems), default=1)
    items = {bi.item.code: bi.item for bi in plan.scenario.bundle_items.all()}
    now = timezone.now()
    rows = []
    for sub in plan.subitems:
        opening = sub.stage == first
        item = items[sub.code]
        row = SubCase.of_application(
            application,
            item=item,
            seed_name=sub.seed_name,
            agency_kind=sub.agency_kind,
            agency=agencies[item.pk],
            stage=sub.stage,
            status=SubCaseStatus.OPEN if opening else SubCaseStatus.WAITING,
            due_at=sub.due_at if opening else None,
            opened_at=now if opening else None,
        )
        if opening:
            # Stored with the row, so opening it writes nothing unless it is approved at once.
            row.check_results = check_results_of(subcase=row)
        rows.append(row)
    return rows


def subcases_open(*, subcases: list[SubCase]) -> bool:
    """What happens to just-created open sub-cases: 秒办, or dispatch to an external agency.
    True when one was approved at once (the application and its later stages moved on)."""
    approved = False
    for subcase in subcases:
        if subcase.status == SubCaseStatus.OPEN:
            # Their checks were evaluated when the rows were made (`subcases_build`).
            approved = _open(subcase, evaluated=True) or approved
    return approved


def _open(subcase: SubCase, *, evaluated: bool = False) -> bool:
    """A sub-case that just opened: 智能审核 first (秒办 if it passes), else to its agency."""
    if auto_review(subcase=subcase, evaluated=evaluated):
        return True
    _dispatch_if_external(subcase)
    return False


# ---------------------------------------------------------------------------------------------
# Working a sub-case
# ---------------------------------------------------------------------------------------------

_WORKABLE = SubCase.RUNNING


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    CORRECTION = "correction"


_DECIDED = {
    Outcome.APPROVED: AuditAction.SUBCASE_APPROVED,
    Outcome.REJECTED: AuditAction.SUBCASE_REJECTED,
    Outcome.CORRECTION: AuditAction.SUBCASE_CORRECTION,
}


def _transition(
    subcase: SubCase,
    *,
    allowed: Collection[SubCaseStatus],
    expected_version: int | None,
    review_requested_at__isnull: bool | None = None,
    **changes: Any,
) -> SubCase:
    """Apply ``changes`` only if nobody acted since the caller looked: one winner, no lost update."""
    if SubCaseStatus(subcase.status) not in allowed:
        raise Conflict(
            f"子件当前状态为“{subcase.get_status_display()}”，不能执行此操作", code="invalid_state"
        )
    version = subcase.version if expected_version is None else expected_version
    rows = SubCase.objects.filter(pk=subcase.pk, version=version, status__in=allowed)
    if review_requested_at__isnull is not None:
        rows = rows.filter(review_requested_at__isnull=review_requested_at__isnull)
    updated = rows.update(version=version + 1, **changes)
    if updated != 1:
        raise Conflict("该子件刚刚已被他人处理，请刷新后查看最新状态", code="concurrent_update")
    subcase.refresh_from_db()
    return subcase


def subcase_accept(*, actor: User | None, subcase: SubCase, version: int | None = None) -> SubCase:
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed={SubCaseStatus.OPEN},
            expected_version=version,
            status=SubCaseStatus.ACCEPTED,
            accepted_at=timezone.now(),
            handled_by=actor,
        )
        _after(actor, subcase, AuditAction.SUBCASE_ACCEPT, {})
    return subcase


def subcase_decide(
    *,
    actor: User | None,
    subcase: SubCase,
    outcome: Outcome,
    note: str = "",
    results: list[dict[str, str]] | None = None,
    correction_items: list[str] | None = None,
    version: int | None = None,
    system: str = "",
    paid_amount: Decimal | None = None,
) -> SubCase:
    """Approve (with results and, for an item that pays, the amount paid), reject (with a
    reason) or request correction (一次性告知).

    A high-risk approval (内控: the item's risk points, the amount at or above the bureau's
    threshold, a reopened sub-case) does not take effect: it waits (待复核) for a second,
    different officer (`subcase_review`).
    """
    note = note.strip()
    if paid_amount is not None and (paid_amount < 0 or outcome != Outcome.APPROVED):
        raise Unprocessable(
            "核定发放金额只在办结时填写，且不能为负数",
            fields={"paid_amount": ["请填写不小于 0 的金额，或留空"]},
        )
    if outcome == Outcome.REJECTED and not note:
        raise Unprocessable("不予办理须说明理由", fields={"note": ["请填写不予办理的理由"]})
    items = [c.strip() for c in (correction_items or []) if c.strip()]
    if outcome == Outcome.CORRECTION and not items:
        raise Unprocessable(
            "请一次性列明需要补正的全部内容", fields={"correction_items": ["至少填写一项"]}
        )
    _refuse_while_awaiting_review(subcase)
    control = decision_control()
    if (
        actor is not None
        and control is not None
        and not control.may_decide(actor=actor, subcase=subcase)
    ):
        raise ApiError("您的岗位权限不包括此类事项", code="no_post", status=403)
    now = timezone.now()
    changes: dict[str, Any] = {
        "decision_note": note,
        "handled_by": actor,
        "review_requested_at": None,
        "review_requested_by": None,
    }
    action = _DECIDED[outcome]
    if outcome == Outcome.APPROVED:
        changes |= {"results": results or [], "paid_amount": paid_amount}
        if control is not None and control.needs_second_officer(
            subcase=subcase, paid_amount=paid_amount
        ):
            # 内控: the first approval only asks for the second officer; the status stays.
            changes |= {"review_requested_at": now, "review_requested_by": actor}
            action = AuditAction.SUBCASE_REVIEW_REQUEST
        else:
            changes |= {"status": SubCaseStatus.APPROVED, "decided_at": now}
    elif outcome == Outcome.REJECTED:
        changes |= {"status": SubCaseStatus.REJECTED, "decided_at": now}
    else:
        changes |= {
            "status": SubCaseStatus.CORRECTION,
            "paused_since": now,
            "correction_items": items,
        }
    with transaction.atomic():
        subcase = _transition(subcase, allowed=_WORKABLE, expected_version=version, **changes)
        detail = {"note": note, "system": system}
        if paid_amount is not None:
            detail["paid_amount"] = str(paid_amount)
        _after(actor, subcase, action, detail)
    return subcase


def _refuse_while_awaiting_review(subcase: SubCase) -> None:
    # The first officer's approval stands until the second officer agrees or returns it.
    if subcase.review_requested_at is not None:
        raise Conflict(
            "办结决定正等待另一名经办人复核，复核前不能另作决定或转办", code="awaiting_review"
        )


def subcase_review(
    *,
    actor: User,
    subcase: SubCase,
    approve: bool,
    note: str = "",
    version: int | None = None,
) -> SubCase:
    """The second officer of a high-risk approval (四眼原则): agree, and the approval takes
    effect; or return it to the first officer with a reason. Never the first officer."""
    note = note.strip()
    if subcase.review_requested_at is None:
        raise Conflict("该子件没有待复核的办结决定", code="not_awaiting_review")
    if subcase.review_requested_by_id == actor.pk:
        raise ApiError(
            "复核须由另一名经办人进行，提请人不能复核自己的决定", code="same_officer", status=403
        )
    control = decision_control()
    if control is not None and not control.may_review(actor=actor, subcase=subcase):
        raise ApiError("您没有复核此类事项的岗位权限", code="no_post", status=403)
    if not approve and not note:
        raise Unprocessable("退回须说明理由", fields={"note": ["请填写退回理由"]})
    now = timezone.now()
    if approve:
        changes: dict[str, Any] = {
            "status": SubCaseStatus.APPROVED,
            "decided_at": now,
            "reviewed_by": actor,
        }
        action = AuditAction.SUBCASE_APPROVED
    else:
        changes = {
            "review_requested_at": None,
            "review_requested_by": None,
            "decision_note": note,
        }
        action = AuditAction.SUBCASE_REVIEW_RETURN
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed=_WORKABLE,
            expected_version=version,
            review_requested_at__isnull=False,
            **changes,
        )
        _after(actor, subcase, action, {"note": note, "reviewer": actor.username})
    return subcase


def subcase_revoke(
    *, actor: User, subcase: SubCase, reason: str, version: int | None = None
) -> SubCase:
    """撤销: an approval that rested on something false is revoked, with the reason; the
    applicant is told through the derived status. Nothing is deleted."""
    reason = reason.strip()
    if not reason:
        raise Unprocessable("撤销须说明理由", fields={"reason": ["请填写撤销理由"]})
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed={SubCaseStatus.APPROVED},
            expected_version=version,
            status=SubCaseStatus.REVOKED,
            revoked_at=timezone.now(),
            revoked_by=actor,
            revoke_reason=reason,
        )
        _after(actor, subcase, AuditAction.SUBCASE_REVOKE, {"reason": reason})
    return subcase


def subcase_amend(
    *,
    actor: User,
    subcase: SubCase,
    reason: str,
    results: list[dict[str, str]],
    version: int | None = None,
) -> SubCase:
    """更正: the approval stands with corrected results; the old ones stay in the audit row."""
    reason = reason.strip()
    if not reason:
        raise Unprocessable("更正须说明理由", fields={"reason": ["请填写更正理由"]})
    before = list(subcase.results)
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed={SubCaseStatus.APPROVED},
            expected_version=version,
            results=results,
            revoke_reason=reason,
        )
        _after(
            actor,
            subcase,
            AuditAction.SUBCASE_AMEND,
            {"reason": reason, "results_before": before, "results": results},
        )
    return subcase


# A decision already made may be taken up again (重新办理): a rejection reconsidered, an
# approval revoked or to be redone. The reopened sub-case's next approval needs a second officer.
REOPENABLE = (SubCaseStatus.APPROVED, SubCaseStatus.REJECTED, SubCaseStatus.REVOKED)


def subcase_reopen(
    *, actor: User, subcase: SubCase, reason: str, version: int | None = None
) -> SubCase:
    """重新办理: a decided sub-case is worked again by ``actor``, with a reason, on a new time
    limit from now. The earlier decision stays in the audit trail; the reopening is itself a
    risk point (内控), so its next approval waits for a second officer."""
    reason = reason.strip()
    if not reason:
        raise Unprocessable("重新办理须说明理由", fields={"reason": ["请填写重新办理的理由"]})
    control = decision_control()
    if control is not None and not control.may_decide(actor=actor, subcase=subcase):
        raise ApiError("您的岗位权限不包括此类事项", code="no_post", status=403)
    now = timezone.now()
    item = subcase.application.frozen.item(subcase.item.code)
    limit = (item.promised if item else None) or TimeLimit(LimitUnit.WORKING_DAYS, 0)
    before = {"status": subcase.status, "note": subcase.decision_note}
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed=set(REOPENABLE),
            expected_version=version,
            status=SubCaseStatus.ACCEPTED,
            handled_by=actor,
            decided_at=None,
            due_at=due_at(start=now, limit=limit),
            deadline_state=DeadlineState.ON_TIME,
            reopened_at=now,
            reopened_by=actor,
            reopen_reason=reason,
            review_requested_at=None,
            review_requested_by=None,
            reviewed_by=None,
        )
        _after(actor, subcase, AuditAction.SUBCASE_REOPEN, {"reason": reason, "before": before})
    return subcase


def subcase_transfer(
    *, actor: User, subcase: SubCase, agency: Agency, reason: str, version: int | None = None
) -> SubCase:
    if not reason.strip():
        raise Unprocessable("转办须说明理由", fields={"reason": ["请填写转办理由"]})
    if agency.pk == subcase.agency_id:
        raise Unprocessable("不能转给本机构", fields={"agency": ["请选择其他机构"]})
    _refuse_while_awaiting_review(subcase)
    with transaction.atomic():
        subcase = _transition(
            subcase,
            allowed=_WORKABLE,
            expected_version=version,
            agency=agency,
            status=SubCaseStatus.OPEN,
            handled_by=None,
            accepted_at=None,
        )
        _dispatch_if_external(subcase)
        _after(
            actor,
            subcase,
            AuditAction.SUBCASE_TRANSFER,
            {"to": agency.code, "reason": reason.strip()},
        )
    return subcase


def correction_answer(
    *,
    actor: User,
    application: Application,
    note: str = "",
    uploads: list[UploadedFile] | None = None,
) -> list[SubCase]:
    """The applicant has supplied what was asked (a note, files, or both): the files join the
    application's materials, and the clock runs again, extended by the pause."""
    note = note.strip()
    if len(note) > 2000:
        raise Unprocessable("补正说明过长", fields={"note": ["补正说明不超过 2000 字"]})
    checked = correction_uploads_check(list(uploads or []))
    if not note and not checked:
        message = "请说明补正情况或上传补正材料"
        raise Unprocessable(message, fields={"files": [message], "note": [message]})
    now = timezone.now()
    answered = []
    stored: list[ApplicationMaterial] = []
    try:
        with transaction.atomic():
            for subcase in application.subcases.filter(status=SubCaseStatus.CORRECTION):
                paused = subcase.paused_since or now
                due = _extend(subcase.due_at, paused, now)
                subcase = _transition(
                    subcase,
                    allowed={SubCaseStatus.CORRECTION},
                    expected_version=None,
                    status=SubCaseStatus.ACCEPTED,
                    paused_since=None,
                    due_at=due,
                    pauses=[*subcase.pauses, [paused.isoformat(), now.isoformat()]],
                )
                answered.append(subcase)
            if not answered:
                raise Conflict("当前没有需要补正的事项", code="invalid_state")
            stored = correction_files_store(application=application, uploads=checked)
            files = [m.code for m in stored]
            _after(
                actor,
                answered[0],
                AuditAction.APPLICATION_CORRECTION_ANSWER,
                {"note": note, "files": files},
            )
    except BaseException:
        for row in stored:  # nothing stays stored from a failed answer
            row.file.delete(save=False)
        raise
    return answered


def application_withdraw(*, actor: User, application: Application) -> Application:
    """The applicant may withdraw until an officer has started work on any sub-case."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        statuses = set(locked.subcases.values_list("status", flat=True))
        if not statuses <= WITHDRAWABLE:
            raise Conflict(
                "已有事项开始办理，不能撤回；如需终止请联系经办机构", code="invalid_state"
            )
        locked.subcases.update(status=SubCaseStatus.WITHDRAWN, version=F("version") + 1)
        _status_refresh(locked, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_WITHDRAW,
            object_type="application",
            object_id=locked.number,
        )
    return locked


def _extend(due: dt.datetime | None, paused: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """Add the working days the clock stood still to the deadline (补正期间不计时)."""
    if due is None:
        return None
    lost = working_days_between(start=paused, end=now)
    days = int(lost.to_integral_value(rounding=ROUND_CEILING))
    if days == 0:
        return due
    return end_of_day(add_working_days(start=timezone.localtime(due).date(), days=days))


def _after(
    actor: User | None, subcase: SubCase, action: AuditAction, detail: dict[str, Any]
) -> None:
    """What every action implies: next stage or stop, derived status, audit."""
    application = Application.objects.select_for_update().get(pk=subcase.application_id)
    if subcase.status == SubCaseStatus.APPROVED:
        if action == AuditAction.SUBCASE_APPROVED:  # the approval itself, not a 更正 of it
            for listener in decision_listeners():  # e.g. the card changes (may refuse: 409)
                listener.approved(actor=actor, subcase=subcase)
        _stage_advance(application)
    elif subcase.status == SubCaseStatus.REJECTED and _is_serial(application):
        _stages_stop(application, after=subcase.stage, reason=subcase.decision_note)
    _status_refresh(
        application,
        actor=actor,
        request=subcase if subcase.status == SubCaseStatus.CORRECTION else None,
    )
    audit_record(
        actor=actor,
        action=action,
        object_type="subcase",
        object_id=str(subcase.pk),
        changes={"application": application.number, "status": subcase.status, **detail},
    )


def _is_serial(application: Application) -> bool:
    return application.frozen.serial


def _stage_advance(application: Application) -> None:
    """When every sub-case of a stage is approved, the next stage opens with its due dates."""
    subcases = list(application.subcases.all())
    waiting = sorted({s.stage for s in subcases if s.status == SubCaseStatus.WAITING})
    if not waiting:
        return
    nxt = waiting[0]
    earlier = [s for s in subcases if s.stage < nxt]
    if any(s.status != SubCaseStatus.APPROVED for s in earlier):
        return
    now = timezone.now()
    frozen = application.frozen
    for subcase in (s for s in subcases if s.stage == nxt):
        item = frozen.item(subcase.item.code)
        limit = (item.promised if item else None) or TimeLimit(LimitUnit.WORKING_DAYS, 0)
        due = due_at(start=now, limit=limit)
        SubCase.objects.filter(pk=subcase.pk, status=SubCaseStatus.WAITING).update(
            status=SubCaseStatus.OPEN, opened_at=now, due_at=due, version=F("version") + 1
        )
        subcase.refresh_from_db()
        _open(subcase)


def _stages_stop(application: Application, *, after: int, reason: str) -> None:
    """A rejection in a serial chain stops the later stages; the applicant is told why."""
    application.subcases.filter(stage__gt=after, status=SubCaseStatus.WAITING).update(
        status=SubCaseStatus.STOPPED,
        decision_note=f"前序事项不予办理，本事项终止：{reason}",
        version=F("version") + 1,
    )


def _dispatch_if_external(subcase: SubCase) -> None:
    agency = subcase.agency
    if agency is None or agency.delivery != Delivery.WEBHOOK:
        return
    outbox_enqueue(
        kind=OutboxKind.SUBCASE_DISPATCH,
        key=f"subcase.dispatch:{subcase.pk}:{agency.code}:{subcase.version}",
        payload={"subcase": subcase.pk, "agency": agency.code},
    )


def _status_refresh(
    application: Application, *, actor: User | None, request: SubCase | None = None
) -> None:
    """Derive the applicant's one status; tell them once when it meaningfully changes, and on
    every correction ``request``: its notice lists all that is asked by now (一次性告知)."""
    status = derive_status(application.subcases.values_list("status", flat=True))
    if status == application.status and request is None:
        return
    if status != application.status:
        Application.objects.filter(pk=application.pk).update(status=status)
        application.status = status
    payload = {"number": application.number, "status": str(status)}
    if status == ApplicationStatus.NEEDS_CORRECTION:
        payload |= {"subject": "请补正（一次性告知）", "text": _correction_notice(application)}
    outbox_enqueue(
        kind=OutboxKind.NOTIFY_APPLICANT,
        key=f"notify:{application.number}:{status}:{timezone.now().isoformat()}"
        + (f":{request.pk}.{request.version}" if request else ""),
        payload=payload,
    )


def _correction_notice(application: Application) -> str:
    """一次性告知: everything the agencies ask for now, with their explanations, in one text."""
    outcome = application_outcome(application)
    lines = [f"您的办件 {application.number}（{application.bundle.name}）需要补正以下全部内容："]
    lines += [f"{n}. {item}" for n, item in enumerate(outcome.corrections, start=1)]
    lines += [f"{name}：{note}" for name, note in outcome.correction_notes]
    lines.append("请登录“我的办件”一次补正（可上传文件）；补正期间办理时限暂停计时。")
    return "\n".join(lines)
