from __future__ import annotations

from typing import Any

from django.test import Client

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.cases.models import SubCase
from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide
from kuaiban.commitments.models import CommitmentCheck
from tests.applications.helpers import pdf, post_multipart
from tests.conftest import make_id_number

DECEASED = make_id_number(birth="19400101", seq="015")


def survivor_body(**materials: str) -> dict[str, Any]:
    """Shandong 9-1 退休人员过世: 张建国 claims for his late father, with one 供养亲属."""
    return {
        "pack": "shandong-2020",
        "bundle": "9",
        "scenario": "9-1",
        "items": [],
        "form": {
            "person_name": "张德顺",
            "id_number": DECEASED,
            "death_date": "2025-02-20",
            "claimant_name": "张建国",
            "claimant_id_number": "370102196503121234",
            "claimant_relation": "子女",
            "phone": "13812345678",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": "张建国",
            "dependants_count": "1",
        },
        "materials": {"cremation_certificate": "gap", **materials},
        "commitments": {"credit": True},
        "channel": "web",
    }


def unemployment_body(holder: str) -> dict[str, Any]:
    """Shandong 3-1 失业: the 解除或终止劳动合同证明 committed, the end date stated on the form."""
    return {
        "pack": "shandong-2020",
        "bundle": "3",
        "scenario": "3-1",
        "items": [],
        "channel": "web",
        "commitments": {"credit": True},
        "materials": {"termination_proof": "commitment"},
        "form": {
            "unemployment_date": "2025-02-01",
            "unemployment_reason": "劳动合同期满终止",
            "employer_name": "济南某某机械有限公司",
            "termination_date": "2025-02-01",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": holder,
        },
    }


def submit(user: User, body: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
    client = Client()
    client.force_login(user)
    return post_multipart(
        client, body, files if files is not None else {"death_certificate": pdf()}
    )


def submitted(user: User, body: dict[str, Any]) -> Application:
    response = submit(user, body)
    assert response.status_code == 201, response.content
    return Application.objects.get(number=response.json()["number"])


def check_of(application: Application, material: str) -> CommitmentCheck:
    return CommitmentCheck.objects.get(application=application, material_code=material)


def approve(officer: User, subcase: SubCase) -> SubCase:
    if subcase.status == "open":
        subcase = subcase_accept(actor=officer, subcase=subcase)
    return subcase_decide(actor=officer, subcase=subcase, outcome=Outcome.APPROVED)
