"""综合反馈: an application's outcome as its sub-cases tell it (the shapes are
`kuaiban/applications/results.py`, the applicant's pages ask through `applications.hooks`)."""

from __future__ import annotations

from kuaiban.applications.models import Application
from kuaiban.applications.results import ItemLine, Outcome, ResultLine
from kuaiban.cases.models import SubCase, SubCaseStatus

# The applicant may withdraw until an officer has started work on any sub-case.
WITHDRAWABLE = frozenset({SubCaseStatus.OPEN, SubCaseStatus.WAITING})

_KINDS = {"document": "文书", "e_certificate": "电子证照", "notice": "通知"}


def application_outcome(application: Application) -> Outcome:
    outcome = Outcome(application=application)
    statuses: set[str] = set()
    subcase: SubCase
    for subcase in application.subcases.all():
        statuses.add(subcase.status)
        outcome.items.append(
            ItemLine(
                name=subcase.seed_name,
                agency=subcase.agency.name if subcase.agency else "待分派",
                stage=subcase.stage,
                status=subcase.status,
                # The enum's label: one translation, not one per choice as get_…_display().
                status_label=str(SubCaseStatus(subcase.status).label),
            )
        )
        if subcase.status == SubCaseStatus.APPROVED:
            outcome.results += [
                ResultLine(
                    subcase.seed_name,
                    _KINDS.get(r.get("kind", ""), "文书"),
                    r.get("name", ""),
                    r.get("number", ""),
                )
                for r in subcase.results
            ] or [ResultLine(subcase.seed_name, "办结", "已办结", "")]
        elif subcase.status in (SubCaseStatus.REJECTED, SubCaseStatus.STOPPED):
            outcome.refused.append((subcase.seed_name, subcase.decision_note))
        elif subcase.status == SubCaseStatus.REVOKED:
            outcome.refused.append((subcase.seed_name, f"办结决定已撤销：{subcase.revoke_reason}"))
        elif subcase.status == SubCaseStatus.CORRECTION:
            outcome.corrections += [
                c for c in subcase.correction_items if c not in outcome.corrections
            ]
            if subcase.decision_note:
                outcome.correction_notes.append((subcase.seed_name, subcase.decision_note))
        elif subcase.status != SubCaseStatus.WITHDRAWN:
            outcome.pending += 1
    outcome.can_withdraw = bool(statuses) and statuses <= WITHDRAWABLE
    return outcome
