"""The second officer's page of one pending approval: everything the decision rests on, masked
identifiers, read recorded; the first officer's page offers no decision while it waits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from kuaiban.cases.models import SubCase
from kuaiban.cases.services import (
    Outcome,
    subcase_accept,
    subcase_decide,
    subcase_transfer,
)
from kuaiban.core.errors import Conflict
from kuaiban.core.models import AuditEvent
from kuaiban.workbench.selectors import transfer_targets
from tests.commitments.helpers import submitted, survivor_body

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _waiting(world) -> SubCase:  # type: ignore[no-untyped-def]
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    first = world["officer-jn-si"]
    subcase = subcase_accept(actor=first, subcase=app.subcases.get(item__code="1.6.10"))
    subcase = subcase_decide(
        actor=first,
        subcase=subcase,
        outcome=Outcome.APPROVED,
        note="按标准核定",
        results=[{"kind": "document", "name": "核定通知书", "number": "JN-1"}],
        paid_amount=Decimal("23456.00"),
    )
    assert subcase.awaiting_review
    return subcase


def test_the_reviewer_sees_what_the_decision_rests_on_with_identifiers_masked(world) -> None:
    subcase = _waiting(world)
    application = subcase.application
    response = _client(world["officer-sd-review"]).get(f"/checks/review/{subcase.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("23456.00 元", "按标准核定", "核定通知书", application.applicant_name):
        assert shown in page, shown
    assert "支付金额达到限额" in page
    material = application.materials.order_by("pk").first()
    assert material is not None and material.name in page
    assert application.applicant_id_number not in page
    assert application.applicant_id_number[-4:] in page
    assert AuditEvent.objects.filter(
        action="subcase.read", actor=world["officer-sd-review"]
    ).exists()
    listing = _client(world["officer-sd-review"]).get("/checks/review/").content.decode()
    assert f"/checks/review/{subcase.pk}/" in listing


def test_the_review_page_is_404_for_another_provinces_reviewer_and_the_first_officer(
    world,
) -> None:
    subcase = _waiting(world)
    url = f"/checks/review/{subcase.pk}/"
    assert _client(world["officer-ty-si"]).get(url).status_code == 404
    assert _client(world["officer-jn-si"]).get(url).status_code == 404
    assert _client(world["zhangjianguo"]).get(url).status_code == 404
    assert _client(world["officer-sd-review"]).get("/checks/review/99999999/").status_code == 404


def test_the_first_officer_is_told_it_waits_and_offered_no_decision(world) -> None:
    subcase = _waiting(world)
    page = _client(world["officer-jn-si"]).get(f"/workbench/subcases/{subcase.pk}/")
    text = page.content.decode()
    assert "正等待另一名经办人复核" in text
    for action in ("approve", "reject", "correction", "transfer"):
        assert f"/workbench/subcases/{subcase.pk}/{action}/" not in text, action


@pytest.mark.parametrize("action", ["reject", "correction", "approve", "transfer"])
def test_a_decision_while_the_review_waits_is_refused_with_409(world, action: str) -> None:
    subcase = _waiting(world)
    officer = world["officer-jn-si"]
    other = transfer_targets(subcase)[0]
    with pytest.raises(Conflict) as caught:
        if action == "transfer":
            subcase_transfer(actor=officer, subcase=subcase, agency=other, reason="不属本机构")
        else:
            subcase_decide(
                actor=officer,
                subcase=subcase,
                outcome=Outcome(
                    {"reject": "rejected", "correction": "correction", "approve": "approved"}[
                        action
                    ]
                ),
                note="理由",
                correction_items=["身份证复印件"],
            )
    assert caught.value.status == 409
    subcase.refresh_from_db()
    assert subcase.awaiting_review
    response = _client(officer).post(
        f"/workbench/subcases/{subcase.pk}/{action}/",
        {
            "version": subcase.version,
            "reject_note": "理由",
            "correction_items": "身份证复印件",
            "result1_name": "核定通知",
            "transfer_agency": str(other.pk),
            "transfer_reason": "不属本机构",
        },
    )
    assert response.status_code == 409
    subcase.refresh_from_db()
    assert subcase.awaiting_review


def test_the_approve_form_states_the_items_threshold(world) -> None:
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="gap"))
    subcase = subcase_accept(
        actor=world["officer-jn-si"], subcase=app.subcases.get(item__code="1.6.10")
    )
    page = _client(world["officer-jn-si"]).get(f"/workbench/subcases/{subcase.pk}/")
    assert "本事项金额达到 10,000 元的" in page.content.decode()
