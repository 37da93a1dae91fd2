"""The applicant sees one status, derived from the sub-cases (pure: no database)."""

from __future__ import annotations

from collections.abc import Iterable

from kuaiban.applications.models import ApplicationStatus
from kuaiban.cases.models import SubCaseStatus

_TERMINAL = {
    SubCaseStatus.APPROVED,
    SubCaseStatus.REJECTED,
    SubCaseStatus.STOPPED,
    SubCaseStatus.REVOKED,
}


def derive_status(statuses: Iterable[str]) -> ApplicationStatus:
    """received → in progress → (needs correction) → partly done → done / rejected.

    All approved: done. All finished with some approved and some not: partly done. All
    finished, none approved: rejected. While work goes on, a correction request shows first
    (the applicant has to act), then any approved sub-case makes it partly done, then any
    accepted one makes it in progress.
    """
    current = [SubCaseStatus(s) for s in statuses]
    if not current:
        return ApplicationStatus.RECEIVED
    if all(s == SubCaseStatus.WITHDRAWN for s in current):
        return ApplicationStatus.WITHDRAWN
    approved = any(s == SubCaseStatus.APPROVED for s in current)
    if all(s in _TERMINAL for s in current):
        if all(s == SubCaseStatus.APPROVED for s in current):
            return ApplicationStatus.DONE
        return ApplicationStatus.PARTLY_DONE if approved else ApplicationStatus.REJECTED
    if any(s == SubCaseStatus.CORRECTION for s in current):
        return ApplicationStatus.NEEDS_CORRECTION
    if approved:
        return ApplicationStatus.PARTLY_DONE
    if any(s in (SubCaseStatus.ACCEPTED, SubCaseStatus.REJECTED) for s in current):
        return ApplicationStatus.IN_PROGRESS
    return ApplicationStatus.RECEIVED
