"""智能审核 on a sub-case: the item's checks evaluated on the application's form when the
sub-case opens, and 秒办 when allowed (the rule language is `kuaiban/catalogue/checks/`)."""

from __future__ import annotations

from django.utils import timezone

from kuaiban.applications.snapshot import Snapshot
from kuaiban.cases.hooks import decision_control
from kuaiban.cases.models import SubCase, SubCaseStatus
from kuaiban.catalogue.checks import evaluate_checks
from kuaiban.catalogue.checks.evaluate import CheckResult
from kuaiban.catalogue.models import ServiceItem, system_approval_problem
from kuaiban.core.errors import Conflict

AUTO_APPROVAL_NOTE = "系统自动审核通过（秒办）"
AUTO_APPROVAL_SYSTEM = "秒办"


def check_results_of(*, subcase: SubCase) -> list[CheckResult]:
    """The item's checks evaluated on the application's form, as of its submission day."""
    application = subcase.application
    return evaluate_checks(
        checks=list(subcase.item.checks or []),
        form=application.form or {},
        on=timezone.localdate(application.submitted_at),
        labels=application.frozen.field_labels(),
    )


def auto_review(*, subcase: SubCase, evaluated: bool = False) -> bool:
    """Evaluate the item's checks on the application's form and record them on the sub-case.

    ``evaluated``: the sub-case's ``check_results`` were just evaluated by `check_results_of`
    (a submission's first stage, `subcases_build`) and are taken as they are; evaluating the
    same checks on the same form for the same day again would give the same results.

    Approve at once (秒办) — and return True — only if the platform itself performs the item's
    act (`system_performs`, never for an item that pays money), the item is instant in the
    application's frozen snapshot, has at least one check, every check passes and the sub-case
    is open. Otherwise the results wait for the officer and the answer is False.
    """
    if subcase.finished:
        return False
    application = subcase.application
    results = subcase.check_results if evaluated else check_results_of(subcase=subcase)
    if results != subcase.check_results:
        SubCase.objects.filter(pk=subcase.pk).update(check_results=results)
        subcase.check_results = results
    if not (results and all(r["passed"] for r in results)):
        return False
    if subcase.status != SubCaseStatus.OPEN or not _instant(application.frozen, subcase):
        return False
    if not _system_performs(subcase.item):
        return False
    control = decision_control()
    if control is not None and control.needs_second_officer(subcase=subcase, paid_amount=None):
        return False  # 内控: a high-risk item is never approved by the system alone
    # Imported here: the sub-case services call this hook, so a top-level import would be circular.
    from kuaiban.cases.services import Outcome, subcase_decide

    try:
        subcase_decide(
            actor=None,
            subcase=subcase,
            outcome=Outcome.APPROVED,
            note=AUTO_APPROVAL_NOTE,
            system=AUTO_APPROVAL_SYSTEM,
        )
    except Conflict:
        return False  # someone acted on it meanwhile: their action stands, the results are kept
    return True


def _system_performs(item: ServiceItem) -> bool:
    problem = system_approval_problem(
        system_performs=item.system_performs, pays_money=item.pays_money
    )
    return item.system_performs and problem is None


def _instant(snapshot: Snapshot, subcase: SubCase) -> bool:
    """即办 as promised when the application was accepted (a pack's speed-up list may differ)."""
    item = snapshot.item(subcase.item.code)
    return item is not None and item.instant
