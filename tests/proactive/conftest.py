"""The 免申即办 world: the demo world (every pack, the demo accounts) with the shipped rules
published by two different people, and helpers to make shared-data subjects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.proactive.models import ProactiveRun, RuleVersion, VersionStatus
from kuaiban.proactive.periods import period_for
from kuaiban.proactive.services.rules import rule_approve, rule_publish, rules_load
from kuaiban.proactive.services.runs import chunk_execute, run_start
from kuaiban.shareddata.models import DeathRecord, Enterprise, InsuranceRecord, Person
from tests.worlds import world_on

RULES = Path(settings.KUAIBAN_PACKS_DIR) / "proactive" / "rules.yaml"
CATALOGUE = Path(settings.KUAIBAN_PACKS_DIR) / "catalogue.yaml"


@pytest.fixture
def people() -> dict[str, User]:
    return {u.username: u for u in User.objects.all()}


@world_on("demo_world")
def published_rules_world() -> None:
    """The demo world with every shipped rule loaded by the administrator and approved and
    published by the Shandong supervisor: built once per session (tests/worlds.py)."""
    admin = User.objects.get(username="admin")
    reviewer = User.objects.get(username="supervisor-sd")
    for loaded in rules_load(actor=admin, path=RULES):
        version = rule_approve(actor=reviewer, version=loaded.version)
        rule_publish(actor=reviewer, version=version)


@pytest.fixture
def published(published_rules_world: None) -> dict[str, RuleVersion]:
    """Every shipped rule, loaded by the administrator and approved and published by the
    Shandong supervisor: the published version by rule code."""
    versions = RuleVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("rule")
    return {version.rule.code: version for version in versions}


def run_now(version: RuleVersion, *, chunk_size: int = 1000) -> ProactiveRun:
    """A run of the current period, its chunks executed here (as a worker would)."""
    period = period_for(version.definition["period"], timezone.localdate())
    run = run_start(actor=None, version=version, period=period, chunk_size=chunk_size)
    for chunk in run.chunks.all():
        chunk_execute(chunk_id=chunk.pk)
    run.refresh_from_db()
    return run


def chunk_killed_then_taken_again() -> None:
    """A worker writes the queued chunk's offers and dies before its transaction commits
    (nothing of it may remain); the message is due again after its back-off and a second
    worker takes it."""
    from kuaiban.deliveries.handlers import handlers_register
    from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
    from kuaiban.integrations.worker import outbox_drain
    from kuaiban.proactive import engine
    from kuaiban.proactive.models import Offer

    handlers_register()
    real = engine.offers_insert_many

    def dies_after_writing(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("worker killed")

    with mock.patch("kuaiban.proactive.services.runs.offers_insert_many", dies_after_writing):
        outbox_drain(limit=10, worker_id="test:dies")
    assert not Offer.objects.exists()  # the chunk's transaction was rolled back
    message = OutboxMessage.objects.get(kind=OutboxKind.PROACTIVE_CHUNK)
    assert message.state == OutboxState.PENDING
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox_drain(limit=10, worker_id="test:2")


def person(id_number: str, **extra: Any) -> Person:
    """A person of Jinan with an insurance record; ``extra`` sets insurance fields."""
    from kuaiban.core.identifiers import birth_date

    born = birth_date(id_number)
    row = Person.objects.create(
        id_number=id_number,
        name=extra.pop("name", "李四"),
        gender="男" if int(id_number[16]) % 2 else "女",
        birth_date=born,
        phone="13900000000",
        region_code=extra.pop("region_code", id_number[:6]),
        graduated_on=extra.pop("graduated_on", None),
    )
    died_on = extra.pop("died_on", None)
    kin = extra.pop("kin", "")
    InsuranceRecord.objects.create(
        person=row,
        unit_name=extra.pop("unit_name", "济南某某机械有限公司"),
        first_contribution_date=dt.date(1990, 1, 1),
        contribution_months=extra.pop("contribution_months", 400),
        status=extra.pop("status", "正常参保"),
        monthly_wage=extra.pop("monthly_wage", Decimal("6000.00")),
        **extra,
    )
    if died_on:
        DeathRecord.objects.create(
            person=row, died_on=died_on, next_of_kin_id_number=kin, next_of_kin_relation="子女"
        )
    return row


def unit_values(**extra: Any) -> dict[str, Any]:
    """A 济南 unit that the 稳岗返还 rule takes; ``extra`` changes its facts."""
    values: dict[str, Any] = {
        "name": "济南测试制造有限公司",
        "legal_representative": "王五",
        "region_code": "370102",
        "size": "小型",
        "insured_since": dt.date(2018, 1, 1),
        "employees": 100,
        "layoffs_last_year": 2,
        "arrears": Decimal(0),
        "ui_paid_last_year": Decimal("50000.00"),
    }
    values.update(extra)
    return values


def unit(credit_code: str, **extra: Any) -> Enterprise:
    return Enterprise.objects.create(credit_code=credit_code, **unit_values(**extra))


__all__ = [
    "CATALOGUE",
    "RULES",
    "VersionStatus",
    "chunk_killed_then_taken_again",
    "decide_all",
    "person",
    "run_now",
    "unit",
    "unit_values",
]


def decide_all(application: Any) -> None:
    """Every sub-case accepted and approved by an officer of its agency, and a high-risk
    approval (内控) agreed by the reviewing officer, as in the back office."""
    from kuaiban.cases.services import Outcome, subcase_accept, subcase_decide, subcase_review

    reviewer = User.objects.get(username="officer-sd-review")
    for subcase in application.subcases.all():
        officer = User.objects.filter(role="officer", agency=subcase.agency).first()
        subcase = subcase_accept(actor=officer, subcase=subcase)
        subcase = subcase_decide(
            actor=officer, subcase=subcase, outcome=Outcome.APPROVED, note="核准"
        )
        if subcase.awaiting_review:
            subcase_review(actor=reviewer, subcase=subcase, approve=True, note="复核同意")
    application.refresh_from_db()
