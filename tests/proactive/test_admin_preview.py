"""The administrator previews rule versions in the admin: each message names the rule as the
bureau calls it, with the count over the current shared data and the test cases passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.proactive.engine import eligible_queryset
from kuaiban.shareddata.models import DeathRecord, InsuranceRecord, Person

pytestmark = pytest.mark.django_db


def test_the_preview_action_names_the_rule_and_counts_the_live_data(client, published) -> None:  # type: ignore[no-untyped-def]
    version = published["silent-certification"]
    person = Person.objects.create(
        id_number="370102194803121236",
        name="赵德顺",
        gender="男",
        birth_date=dt.date(1948, 3, 12),
        region_code="370102",
    )
    InsuranceRecord.objects.create(
        person=person,
        first_contribution_date=dt.date(1970, 1, 1),
        contribution_months=420,
        status="已退休",
        last_activity_on=timezone.localdate() - dt.timedelta(days=20),
    )
    expected = eligible_queryset(version.definition, on=timezone.localdate()).count()
    assert expected >= 1
    client.force_login(User.objects.get(username="admin"))
    answer = client.post(
        "/admin/proactive/ruleversion/",
        {"action": "preview", "_selected_action": [version.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(m) for m in get_messages(answer.wsgi_request)]
    assert shown == [
        f"{version.rule.title}（第 {version.number} 版）：符合条件 {expected:,}；测试用例通过 "
        f"{len(version.definition['tests'])}/{len(version.definition['tests'])}"
    ]
    assert version.rule.code not in shown[0]

    DeathRecord.objects.create(person=person, died_on=timezone.localdate())  # live data
    answer = client.post(
        "/admin/proactive/ruleversion/",
        {"action": "preview", "_selected_action": [version.pk]},
        follow=True,
    )
    (message,) = (str(m) for m in get_messages(answer.wsgi_request))
    assert f"符合条件 {expected - 1:,}；" in message
