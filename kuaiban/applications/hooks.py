"""What the apps above `applications` do with an application, registered by them at start-up.

Sub-cases (`kuaiban.cases`) and window visits (`kuaiban.ratings`) point at applications, so
applications cannot import them. Submission and the applicant's pages still need them: this
module declares what they need as small interfaces, and `CasesConfig.ready()` /
`RatingsConfig.ready()` register the implementations (`cases/casework.py`,
`ratings/window.py`); `CardsConfig.ready()` registers a `SubmissionRule` (`cards/casework.py`). Dependencies then point one way only (`tests/core/test_app_graph.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from kuaiban.accounts.models import User
    from kuaiban.applications.models import Application
    from kuaiban.applications.receipt import PrintedRatingLink
    from kuaiban.applications.results import Outcome
    from kuaiban.bundles.planning import Plan
    from kuaiban.catalogue.models import Agency


class Casework(Protocol):
    """The sub-cases of an application (拆包分办 → 综合反馈)."""

    def build(
        self, *, application: Application, plan: Plan, agencies: dict[int, Agency]
    ) -> list[Any]:
        """The sub-cases of a stored application, unsaved: the submission stores them with its
        other rows in one statement, in its transaction; `open` then acts on them."""

    def open(self, *, subcases: list[Any]) -> bool:
        """Act on just-created sub-cases (秒办, dispatch to an agency's system); True when one
        was approved at once (the application and its later stages moved on)."""

    def outcome(self, *, application: Application) -> Outcome:
        """What the applicant is told: one status, the results, what needs doing, why not."""

    def withdraw(self, *, actor: User, application: Application) -> None:
        """The applicant withdraws the whole application (409 once work has started)."""

    def correction_answer(
        self,
        *,
        actor: User,
        application: Application,
        note: str,
        uploads: list[UploadedFile],
    ) -> None:
        """The applicant answers the correction requests with a note and files."""


class WindowVisits(Protocol):
    """一次一评: a walk-in served at a window may rate the visit."""

    def record(self, *, clerk: User, application: Application) -> None:
        """Record the visit of a submission made by a window clerk, in its transaction."""

    def printed_link(
        self, *, request: HttpRequest, application: Application
    ) -> PrintedRatingLink | None:
        """The rating link the serving clerk's printout carries, or None for anybody else."""


class HomeVisits(Protocol):
    """上门办: an application taken at the person's home closes the visit it was taken on."""

    def applied(self, *, clerk: User, application: Application, visit_id: int) -> None:
        """Link the application to the clerk's scheduled visit, in the submission's transaction;
        raise an `ApiError` (nothing is stored) when the visit is not the clerk's to close."""


class CommitmentControl(Protocol):
    """告知承诺 checked afterwards (`kuaiban.commitments`)."""

    def refusals(
        self,
        *,
        id_number: str,
        credit_code: str,
        items: list[str],
        materials: list[str],
    ) -> dict[str, list[str]]:
        """Errors by ``materials.<code>`` for commitments this person or unit may no longer
        make (a 失信 record, on an item where the bureau stops commitments); empty when none."""

    def committed(
        self, *, application: Application, commitments: list[Any], subcases: list[Any]
    ) -> None:
        """Open a check for each 告知承诺 of a stored application, in its transaction."""


class SubmissionRule(Protocol):
    """A rule an app above `applications` holds about who may ask for what (e.g. a card
    holder may not apply for a first card again)."""

    def refusal(self, *, plan: Plan, form: dict[str, str]) -> dict[str, list[str]]:
        """Errors by field key (as `application_submit` reports them), empty when allowed."""


_casework: list[Casework] = []
_submission_rules: list[SubmissionRule] = []
_commitment_control: list[CommitmentControl] = []
_window_visits: list[WindowVisits] = []
_home_visits: list[HomeVisits] = []


def home_visits_register(implementation: HomeVisits) -> None:
    """Called once by `HomeVisitsConfig.ready()`."""
    _home_visits[:] = [implementation]


def home_visits() -> HomeVisits | None:
    return _home_visits[0] if _home_visits else None


def casework_register(implementation: Casework) -> None:
    """Called once by `CasesConfig.ready()`; registering again replaces the implementation."""
    _casework[:] = [implementation]


def window_visits_register(implementation: WindowVisits) -> None:
    """Called once by `RatingsConfig.ready()`; registering again replaces the implementation."""
    _window_visits[:] = [implementation]


def submission_rule_register(rule: SubmissionRule) -> None:
    """Called once per app; registering a rule of the same type again replaces it."""
    _submission_rules[:] = [r for r in _submission_rules if type(r) is not type(rule)] + [rule]


def submission_refusals(*, plan: Plan, form: dict[str, str]) -> dict[str, list[str]]:
    """What the registered rules refuse in this submission, by field key."""
    errors: dict[str, list[str]] = {}
    for rule in _submission_rules:
        for key, messages in rule.refusal(plan=plan, form=form).items():
            errors.setdefault(key, []).extend(messages)
    return errors


def commitment_control_register(implementation: CommitmentControl) -> None:
    """Called once by `CommitmentsConfig.ready()`; registering again replaces it."""
    _commitment_control[:] = [implementation]


def commitment_control() -> CommitmentControl | None:
    """None when commitments are not checked: submission then opens no checks."""
    return _commitment_control[0] if _commitment_control else None


def casework() -> Casework:
    if not _casework:
        raise RuntimeError("kuaiban.cases is not installed: applications cannot be worked")
    return _casework[0]


def window_visits() -> WindowVisits | None:
    """None when ratings is not installed: window visits are then simply not recorded."""
    return _window_visits[0] if _window_visits else None
