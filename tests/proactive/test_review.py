"""Review: draft → approved → published by a second person; publishing previews the live
data and runs the test cases; a published version never changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError

from kuaiban.accounts.models import User
from kuaiban.core.errors import ApiError, Conflict
from kuaiban.proactive.models import RuleVersion, VersionStatus
from kuaiban.proactive.services.rules import rule_approve, rule_publish, rules_load
from tests.proactive.conftest import RULES, person

pytestmark = pytest.mark.django_db


def _copy(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "proactive"
    folder.mkdir(exist_ok=True)
    (tmp_path / "catalogue.yaml").write_text(
        (RULES.parent.parent / "catalogue.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for pack in RULES.parent.glob("*.yaml"):  # the packs that pay grants, beside the rules
        if pack.name != RULES.name:
            (folder / pack.name).write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_author_cannot_approve_and_a_draft_cannot_be_published(demo_world: None) -> None:
    admin = User.objects.get(username="admin")
    (loaded, *_rest) = rules_load(actor=admin, path=RULES)
    with pytest.raises(Conflict):
        rule_approve(actor=admin, version=loaded.version)
    with pytest.raises(Conflict):
        rule_publish(actor=User.objects.get(username="supervisor-sd"), version=loaded.version)
    person_account = User.objects.get(username="zhangjianguo")
    with pytest.raises(ApiError):
        rule_approve(actor=person_account, version=loaded.version)


def test_the_database_refuses_an_approver_who_is_the_author(demo_world: None) -> None:
    admin = User.objects.get(username="admin")
    (loaded, *_rest) = rules_load(actor=admin, path=RULES)
    with pytest.raises(IntegrityError):
        RuleVersion.objects.filter(pk=loaded.version.pk).update(approver=admin)


def test_publishing_counts_the_live_data_and_keeps_the_test_results(demo_world: None) -> None:
    person("370102196501011250")  # reaches the retirement age
    admin, reviewer = User.objects.get(username="admin"), User.objects.get(username="supervisor-sd")
    loaded = {r.version.rule.code: r.version for r in rules_load(actor=admin, path=RULES)}
    version = rule_publish(
        actor=reviewer, version=rule_approve(actor=reviewer, version=loaded["retirement"])
    )
    assert version.status == VersionStatus.PUBLISHED
    assert version.preview_count is not None and version.preview_count >= 1
    assert version.test_results and all(t["passed"] for t in version.test_results)


def test_a_changed_rule_is_a_new_draft_and_the_published_version_stays(
    demo_world: None, tmp_path: Path
) -> None:
    admin, reviewer = User.objects.get(username="admin"), User.objects.get(username="supervisor-sd")
    text = RULES.read_text(encoding="utf-8")
    path = _copy(tmp_path, text)
    first = {r.version.rule.code: r.version for r in rules_load(actor=admin, path=path)}
    v1 = rule_publish(
        actor=reviewer, version=rule_approve(actor=reviewer, version=first["stabilisation-refund"])
    )
    before = dict(v1.definition)
    path.write_text(text.replace("value: 5.5}", "value: 5}"), encoding="utf-8")
    again = {r.version.rule.code: r for r in rules_load(actor=admin, path=path)}
    assert (
        again["stabilisation-refund"].created and again["stabilisation-refund"].version.number == 2
    )
    assert not again["retirement"].created  # unchanged rules get no new version
    v1.refresh_from_db()
    assert v1.status == VersionStatus.PUBLISHED and v1.definition == before
    v2 = rule_publish(
        actor=reviewer,
        version=rule_approve(actor=reviewer, version=again["stabilisation-refund"].version),
    )
    v1.refresh_from_db()
    assert v2.status == VersionStatus.PUBLISHED and v1.status == VersionStatus.RETIRED
