"""`applications.hooks.CommitmentControl` over this app's services (registered at start-up)."""

from __future__ import annotations

from typing import Any

from kuaiban.applications.models import Application
from kuaiban.commitments.opening import checks_open, commitment_refusals


class CommitmentWork:
    def refusals(
        self, *, id_number: str, credit_code: str, items: list[str], materials: list[str]
    ) -> dict[str, list[str]]:
        return commitment_refusals(
            id_number=id_number, credit_code=credit_code, items=items, materials=materials
        )

    def committed(
        self, *, application: Application, commitments: list[Any], subcases: list[Any]
    ) -> None:
        checks_open(application=application, commitments=commitments, subcases=subcases)
