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

from kuaiban.commitments.facts import (
    ONLINE_FACTS,
    UNSTATED_NOTE,
    Verdict,
    fact_values,
    online_verdict,
)
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
from kuaiban.shareddata.audit import records_read_audit, shared_data_read_audit
from kuaiban.shareddata.connectors import (
    SharedDataConnector,
    SharedDataUnavailable,
    default_connector,
)
from kuaiban.shareddata.selectors import lookup_enterprise, lookup_person

# How long before asking the source again: data arriving later (a record registered after the
# application) is found on the next try.
RETRY_AFTER = dt.timedelta(hours=1)
_PURPOSE = "告知承诺在线核查"


def check_online_run(
    *,
    check: CommitmentCheck,
    connector: SharedDataConnector | None = None,
    now: dt.datetime | None = None,
) -> CommitmentCheck:
    """Compare what was promised with shared data once: the same → 属实, different → 不实,
    nothing on file yet (or the source down) → noted and tried again later."""
    rule = CheckRule.objects.filter(material_code=check.material_code).first()
    fact = ONLINE_FACTS.get(rule.online_path) if rule is not None else None
    if rule is None or fact is None:
        return _later(check, note="未配置在线核查数据项，请经办人核查", at=None)
    if not check.promised_value:
        return _later(check, note=UNSTATED_NOTE, at=None)
    now = now or timezone.now()
    source = connector or default_connector()
    try:
        found, on_file = _read(check, rule.online_path, source)
    except SharedDataUnavailable:
        return _later(check, note="共享数据平台暂时无法访问，稍后再次核查", at=now + RETRY_AFTER)
    except _NotAnswerable:
        return _later(check, note="共享数据无法核查单位申请人的此项承诺，请经办人核查", at=None)
    verdict = online_verdict(
        promised=check.promised_value,
        found=found,
        on_file=on_file,
        is_date=fact.is_date,
        false_without_value=rule.false_without_value,
    )
    if verdict == Verdict.WAIT:
        return _later(
            check, note="共享数据中暂无相关记录，数据到达后将再次核查", at=now + RETRY_AFTER
        )
    stated = f"申请所填{check.promised_label}为 {check.promised_value}"
    if verdict == Verdict.CONFIRMED:
        findings = f"{stated}，与{fact.label}一致"
    elif found and fact.from_records:
        findings = f"{stated}；共享数据中申请人的证书共 {len(found)} 本，没有此编号的证书"
    elif found:
        findings = f"{stated}；{fact.label}为 {found[0]}，与承诺不符"
    else:
        findings = f"{stated}；共享数据已有该类记录，但没有{fact.label}，与承诺不符"
    try:
        return check_outcome_record(
            actor=None,
            check=check,
            confirmed=verdict == Verdict.CONFIRMED,
            findings=findings,
            system=f"共享数据（{source.name}）",
        )
    except Conflict:
        check.refresh_from_db()  # an officer concluded it meanwhile: theirs stands
        return check


class _NotAnswerable(Exception):
    """The fact is a person's record and the applicant is a unit."""


def _read(check: CommitmentCheck, path: str, source: SharedDataConnector) -> tuple[list[str], bool]:
    """The values on file for ``path`` about the applicant, the read audited; raises
    SharedDataUnavailable when the source cannot answer."""
    application = check.application
    id_number, credit_code = application.applicant_id_number, application.applicant_credit_code
    if ONLINE_FACTS[path].from_records:
        if not id_number:
            raise _NotAnswerable
        records = source.records(id_number.strip().upper())
        records_read_audit(actor=None, id_number=id_number, purpose=_PURPOSE, channel="system")
        return fact_values(path, profile=None, records=records)
    if id_number:
        lookup = lookup_person(id_number=id_number, connector=source)
    else:
        lookup = lookup_enterprise(credit_code=credit_code, connector=source)
    if not lookup.available:
        raise SharedDataUnavailable(lookup.notice)
    if lookup.profile is not None:
        shared_data_read_audit(
            actor=None,
            profile=lookup.profile,
            id_number=id_number,
            credit_code=credit_code,
            purpose=_PURPOSE,
            application=application.number,
        )
    return fact_values(path, profile=lookup.profile, records=None)


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
        check = check_online_run(check=check, connector=connector, now=now)
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
