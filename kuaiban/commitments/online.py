"""在线核查: a commitment checked against shared data, as soon as the source can answer and
again while the data has not arrived; and the sweeper that runs them, marks overdue checks and
alerts their owners and the supervisors once (`deadline.alert`).

A run is claimed like a deadline change (`filter(pk=…, next_try_at=old).update(…)`): of several
workers only one runs each check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kuaiban.commitments.models import (
    CHECK_OPEN,
    CheckMethod,
    CheckRule,
    CheckStatus,
    CommitmentCheck,
)
from kuaiban.commitments.outcomes import check_outcome_record
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import Conflict
from kuaiban.core.models import AuditAction
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue
from kuaiban.shareddata.audit import shared_data_read_audit
from kuaiban.shareddata.connectors import SharedDataConnector
from kuaiban.shareddata.selectors import lookup_enterprise, lookup_person

# How long before asking the source again: data arriving later (a record registered after the
# application) is found on the next try.
RETRY_AFTER = dt.timedelta(hours=1)
_PURPOSE = "告知承诺在线核查"


def check_online_run(
    *, check: CommitmentCheck, connector: SharedDataConnector | None = None
) -> CommitmentCheck:
    """Ask shared data once; decide when it answers, else note why and try again later."""
    rule = CheckRule.objects.filter(material_code=check.material_code).first()
    application = check.application
    now = timezone.now()
    if rule is None or not rule.online_path:
        return _later(check, note="未配置在线核查数据项，请经办人核查", at=None)
    if application.applicant_id_number:
        lookup = lookup_person(id_number=application.applicant_id_number, connector=connector)
    else:
        lookup = lookup_enterprise(
            credit_code=application.applicant_credit_code, connector=connector
        )
    if not lookup.available:
        return _later(check, note="共享数据平台暂时无法访问，稍后再次核查", at=now + RETRY_AFTER)
    profile = lookup.profile
    if profile is not None:
        shared_data_read_audit(
            actor=None,
            profile=profile,
            id_number=application.applicant_id_number,
            credit_code=application.applicant_credit_code,
            purpose=_PURPOSE,
            application=application.number,
        )
    source = rule.online_path.split(".", 1)[0]
    value = profile.values.get(rule.online_path, "") if profile is not None else ""
    system = f"共享数据（{lookup.connector}）"
    try:
        if value:
            return check_outcome_record(
                actor=None,
                check=check,
                confirmed=True,
                findings=f"共享数据中 {rule.online_path} 为 {value}，与承诺一致",
                system=system,
            )
        if profile is not None and source in profile.sources and rule.false_without_value:
            return check_outcome_record(
                actor=None,
                check=check,
                confirmed=False,
                findings=f"共享数据已有该类记录，但无 {rule.online_path}，与承诺不符",
                system=system,
            )
    except Conflict:
        check.refresh_from_db()  # an officer concluded it meanwhile: theirs stands
        return check
    return _later(check, note="共享数据中暂无相关记录，数据到达后将再次核查", at=now + RETRY_AFTER)


def _later(check: CommitmentCheck, *, note: str, at: dt.datetime | None) -> CommitmentCheck:
    CommitmentCheck.objects.filter(pk=check.pk).update(
        tries=check.tries + 1, last_try_note=note, next_try_at=at
    )
    check.refresh_from_db()
    return check


@dataclass
class CheckSweep:
    ran: int = 0
    decided: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return f"在线核查 {self.ran}（得出结论 {self.decided}），新超期 {self.overdue}"


def checks_sweep(
    *,
    now: dt.datetime | None = None,
    limit: int = 200,
    connector: SharedDataConnector | None = None,
) -> CheckSweep:
    """Run the online checks that are due, and mark open checks past their due time overdue."""
    now = now or timezone.now()
    result = CheckSweep()
    due = (
        CommitmentCheck.objects.filter(
            method=CheckMethod.ONLINE, status=CheckStatus.PENDING, next_try_at__lte=now
        )
        .order_by("next_try_at", "pk")
        .values_list("pk", "next_try_at")[:limit]
    )
    for pk, at in list(due):
        # Claimed by moving its time on: another worker's UPDATE then matches nothing.
        if not CommitmentCheck.objects.filter(pk=pk, next_try_at=at).update(
            next_try_at=now + RETRY_AFTER
        ):
            continue
        check = CommitmentCheck.objects.select_related("application").get(pk=pk)
        check = check_online_run(check=check, connector=connector)
        result.ran += 1
        result.decided += check.status != CheckStatus.PENDING
    result.overdue = checks_overdue_alert(now=now, limit=limit)
    return result


def checks_overdue_alert(*, now: dt.datetime, limit: int = 200) -> int:
    """Mark open checks past their due time overdue and alert once each: the check's owner (or
    its agency's officers) and the supervisors of its region and above (``deadline.alert``).

    Each check is claimed by a conditional UPDATE (``overdue=False`` → ``True``), so two
    workers sweeping at once alert once."""
    alerted = 0
    candidates = list(
        CommitmentCheck.objects.filter(Q(status__in=CHECK_OPEN), due_at__lt=now, overdue=False)
        .select_related("application", "agency")
        .order_by("due_at", "pk")[:limit]
    )
    for check in candidates:
        with transaction.atomic():
            claimed = CommitmentCheck.objects.filter(
                pk=check.pk, status__in=CHECK_OPEN, overdue=False
            ).update(overdue=True)
            if claimed != 1:
                continue
            due = timezone.localtime(check.due_at)
            where = check.agency.name if check.agency else "经办机构"
            outbox_enqueue(
                kind=OutboxKind.DEADLINE_ALERT,
                key=f"commitment_check.overdue:{check.pk}",
                payload={
                    "commitment_check": check.pk,
                    "subject": "告知承诺核查超期",
                    "text": (
                        f"{where}对办件 {check.application.number} 的告知承诺"
                        f"（{check.material_name}，{check.get_method_display()}）"
                        f"已超过核查期限 {due:%Y-%m-%d %H:%M}，请尽快核查。"
                    ),
                },
            )
            audit_record(
                actor=None,
                action=AuditAction.COMMITMENT_CHECK_OVERDUE,
                object_type="commitment_check",
                object_id=str(check.pk),
                changes={"due_at": due.isoformat()},
            )
        alerted += 1
    return alerted
