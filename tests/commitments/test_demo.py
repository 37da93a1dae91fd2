"""The demo's 告知承诺 (`kuaiban commitments_demo`): submitted through the real submission, the
checks, the review queue, the dashboard and the applicant's page are not empty; run twice, it
submits nothing more."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.applications.models import Application
from kuaiban.commitments.demo import commitments_demo
from kuaiban.commitments.models import CheckMethod, CheckStatus, CommitmentCheck
from kuaiban.riskcontrol.selectors import reviews_visible_to, risk_figures

pytestmark = pytest.mark.django_db


def _page(world, username: str, url: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world[username])
    response = client.get(url)
    assert response.status_code == 200, (username, url)
    return response.content.decode()


def test_the_demo_fills_every_commitment_page(world, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("commitments_demo")
    assert "告知承诺办件" in capsys.readouterr().out
    online = CommitmentCheck.objects.get(
        application__applicant__username="zhaolei", material_code="termination_proof"
    )
    # The online check waits for shared data that has not arrived: open, at the employment
    # centre, retried by the worker.
    assert online.method == CheckMethod.ONLINE and online.status == CheckStatus.PENDING
    assert online.next_try_at is not None and online.agency.code == "370100-employment"
    on_site = CommitmentCheck.objects.get(material_code="dependant_proof")
    assert on_site.sample_value is not None  # drawn or not, the draw is recorded
    number = online.application.number
    assert number in _page(world, "officer-jn-emp", "/checks/")
    assert number in _page(world, "zhaolei", "/me/commitments/")
    survivor = on_site.application.number
    assert survivor in _page(world, "zhangjianguo", "/me/commitments/")
    # The lump sum approved by the first officer waits for a second, different one.
    reviewer = world["officer-sd-review"]
    waiting = reviews_visible_to(reviewer)
    assert [s.application.number for s in waiting] == [survivor]
    assert waiting[0].review_requested_by == world["officer-jn-si"]
    assert survivor in _page(world, "officer-sd-review", "/checks/review/")
    assert waiting[0].paid_amount == Decimal("48600.00")
    assert "48600.00 元" in _page(world, "officer-sd-review", f"/checks/review/{waiting[0].pk}/")
    figures = risk_figures(user=world["supervisor-sd"])
    assert sum(r.made for r in figures.by_item) == CommitmentCheck.objects.count() == 3
    assert figures.reviews_pending == 1
    board = _page(world, "supervisor-sd", "/checks/dashboard/")
    assert '<dd id="reviews-pending">1</dd>' in board
    # Again: nothing more.
    assert commitments_demo(today=timezone.localdate()).applications == []
    assert Application.objects.count() == 2
    assert User.objects.get(username="zhaolei").applications.count() == 1
