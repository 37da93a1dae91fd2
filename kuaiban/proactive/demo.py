"""The demo's 免申即办: a few facts in the demo's shared data, the shipped rules published by
two different accounts, and one run of each, so the demo applicant and unit see offers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.proactive.models import ProactiveRun, RuleVersion, RunStatus, VersionStatus
from kuaiban.proactive.services.offers import offers_sweep
from kuaiban.proactive.services.rules import rule_approve, rule_publish, rules_load
from kuaiban.proactive.services.runs import chunks_execute, runs_chunk_groups, runs_start
from kuaiban.shareddata.models import DeathRecord, Enterprise, InsuranceRecord, Person

RULES_FILE = "proactive/rules.yaml"
# 张建国's father, a pensioner who died last month: 张建国 is his next of kin.
_FATHER = {
    "id_number": "37010219380405123X",
    "name": "张德厚",
    "gender": "男",
    "birth_date": dt.date(1938, 4, 5),
    "region_code": "370102",
    "address": "山东省济南市历下区文化东路56号",
    "household_address": "山东省济南市历下区文化东路56号",
}


# A pensioner who has not seen a doctor nor used her card for nine months: she is reminded to
# certify (静默认证's other side); 李秀英 (the self-service demo's pensioner, with an account)
# saw a doctor last month and is certified from her data.
_REMINDED = {
    "id_number": "370102195608201228",
    "name": "赵桂兰",
    "gender": "女",
    "birth_date": dt.date(1956, 8, 20),
    "region_code": "370102",
    "phone": "13905310003",
    "address": "山东省济南市历下区历山路12号",
    "household_address": "山东省济南市历下区历山路12号",
}
_CERTIFIED = "37010219620508122X"


def rules_path() -> Path:
    return Path(settings.KUAIBAN_PACKS_DIR) / RULES_FILE


def demo_facts(*, today: dt.date) -> None:
    Enterprise.objects.filter(credit_code="91370100MA3C4X5K7L").update(
        size="小型",
        insured_since=dt.date(2015, 7, 1),
        employees=86,
        layoffs_last_year=1,
        arrears=Decimal(0),
        ui_paid_last_year=Decimal("61920.00"),
    )
    InsuranceRecord.objects.filter(person__id_number="370102196503121234").update(
        monthly_wage=Decimal("7800.00"), last_activity_on=today - dt.timedelta(days=20)
    )
    InsuranceRecord.objects.filter(person__id_number=_CERTIFIED).update(
        last_activity_on=today - dt.timedelta(days=26)
    )
    _pensioner(_REMINDED, since=dt.date(1976, 3, 1), months=396, active=today - dt.timedelta(270))
    father = _pensioner(_FATHER, since=dt.date(1958, 9, 1), months=420, active=None)
    DeathRecord.objects.update_or_create(
        person=father,
        defaults={
            "died_on": today - dt.timedelta(days=12),
            "next_of_kin_id_number": "370102196503121234",
            "next_of_kin_name": "张建国",
            "next_of_kin_relation": "子女",
            "dependants": 0,
        },
    )


def _pensioner(
    person: dict[str, object], *, since: dt.date, months: int, active: dt.date | None
) -> Person:
    """A 济南 pensioner of the demo's shared data (insured on their own account)."""
    values = dict(person)
    row, _ = Person.objects.update_or_create(id_number=values.pop("id_number"), defaults=values)
    InsuranceRecord.objects.update_or_create(
        person=row,
        defaults={
            "unit_name": "",
            "first_contribution_date": since,
            "contribution_months": months,
            "status": "已退休",
            "region_name": "济南市",
            "last_activity_on": active,
        },
    )
    return row


def proactive_demo(*, author: User, reviewer: User) -> list[ProactiveRun]:
    """Load, approve (another person), publish and run every shipped rule; idempotent."""
    today = timezone.localdate()
    demo_facts(today=today)
    for loaded in rules_load(actor=author, path=rules_path()):
        version = loaded.version
        if version.status == VersionStatus.DRAFT:
            version = rule_approve(actor=reviewer, version=version)
        if version.status == VersionStatus.APPROVED:
            rule_publish(actor=reviewer, version=version)
    published = RuleVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("pk")
    runs = runs_start(actor=author, versions=list(published))
    for group in runs_chunk_groups(runs):
        chunks_execute(chunk_ids=group)
    for run in runs:
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
    offers_sweep(today=today)
    return runs
