"""The sub-cases' side of an application, registered in `applications.hooks` at start-up
(`CasesConfig.ready()`): submission opens the sub-cases, the applicant's pages read the
outcome, withdraw and answer corrections through it."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.applications.results import Outcome
from kuaiban.bundles.planning import Plan
from kuaiban.cases.models import SubCase
from kuaiban.cases.outcome import application_outcome
from kuaiban.cases.services import (
    application_withdraw,
    correction_answer,
    subcases_build,
    subcases_open,
)
from kuaiban.catalogue.models import Agency


class SubCaseWork:
    """`applications.hooks.Casework` over the sub-case services."""

    def build(
        self, *, application: Application, plan: Plan, agencies: dict[int, Agency]
    ) -> list[SubCase]:
        return subcases_build(application=application, plan=plan, agencies=agencies)

    def open(self, *, subcases: list[SubCase]) -> bool:
        return subcases_open(subcases=subcases)

    def outcome(self, *, application: Application) -> Outcome:
        return application_outcome(application)

    def withdraw(self, *, actor: User, application: Application) -> None:
        application_withdraw(actor=actor, application=application)

    def correction_answer(
        self,
        *,
        actor: User,
        application: Application,
        note: str,
        uploads: list[UploadedFile],
    ) -> None:
        correction_answer(actor=actor, application=application, note=note, uploads=uploads)
