"""Rules: loaded from a file as drafts, approved by a second person, published after a preview
over the live data and a run of the test cases. A published version is never changed: a
changed rule in the file becomes a new draft version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from kuaiban.bundles.packfile.files import CATALOGUE_FILE_NAME
from kuaiban.bundles.services import pack_load
from kuaiban.core.audit import audit_record
from kuaiban.core.errors import ApiError, Conflict, Unprocessable
from kuaiban.core.models import AuditAction
from kuaiban.proactive.engine import preview_count
from kuaiban.proactive.models import ProactiveRule, RuleVersion, VersionStatus
from kuaiban.proactive.rulefile import RuleSpec, rule_case_run, rules_read

_MAY_REVIEW = (Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class LoadResult:
    version: RuleVersion
    created: bool


def rules_load(*, actor: User, path: Path) -> list[LoadResult]:
    """Every rule of the file as a draft version, unless its latest version has the same
    content. All or nothing: a file with a problem stores nothing (`PackInvalid`)."""
    specs = rules_read(path)
    results = []
    with transaction.atomic():
        _paying_packs_load(specs, path=path)
        for spec in specs:
            rule, _ = ProactiveRule.objects.get_or_create(
                code=spec.code,
                defaults={"title": spec.definition["title"], "target": spec.definition["target"]},
            )
            latest = rule.versions.order_by("-number").first()
            if latest is not None and latest.content_hash == spec.content_hash:
                results.append(LoadResult(version=latest, created=False))
                continue
            number = (rule.versions.aggregate(top=Max("number"))["top"] or 0) + 1
            version = RuleVersion.objects.create(
                rule=rule,
                number=number,
                definition=spec.definition,
                content_hash=spec.content_hash,
                source_file=f"{path}:{spec.line}",
                author=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.PROACTIVE_RULE_LOAD,
                object_type="rule_version",
                object_id=str(version.pk),
                changes={"rule": rule.code, "number": number},
            )
            results.append(LoadResult(version=version, created=True))
    return results


def _paying_packs_load(specs: list[RuleSpec], *, path: Path) -> None:
    """The single-item packs that pay granted amounts (`service.pays`), from the files beside
    the rules (``<pack code>.yaml``), checked against the catalogue one level up."""
    codes = {
        spec.definition["service"]["pays"]["pack"]
        for spec in specs
        if "pays" in (spec.definition.get("service") or {})
    }
    for code in sorted(codes):
        pack_load(
            path=path.with_name(f"{code}.yaml"),
            catalogue_path=path.parent.parent / CATALOGUE_FILE_NAME,
        )


def _reviewer_check(actor: User) -> None:
    if actor.role not in _MAY_REVIEW:
        raise ApiError("只有管理员或监督人员可以审核、发布规则", code="forbidden", status=403)


def rule_approve(*, actor: User, version: RuleVersion) -> RuleVersion:
    _reviewer_check(actor)
    if version.author_id == actor.pk:
        raise Conflict("审核人不能是规则的起草人，请由另一人审核", code="same_person")
    now = timezone.now()
    with transaction.atomic():
        changed = RuleVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).update(
            status=VersionStatus.APPROVED, approver=actor, approved_at=now
        )
        if not changed:
            raise Conflict("该版本不是草稿，不能审核", code="not_draft")
        audit_record(
            actor=actor,
            action=AuditAction.PROACTIVE_RULE_APPROVE,
            object_type="rule_version",
            object_id=str(version.pk),
        )
    version.refresh_from_db()
    return version


@dataclass(frozen=True)
class Preview:
    count: int
    tests: list[dict[str, object]]

    @property
    def tests_passed(self) -> bool:
        return all(t["passed"] for t in self.tests)


def rule_preview(*, version: RuleVersion) -> Preview:
    """The count of subjects the version finds in the live data today, and its test cases."""
    rule = version.definition
    tests = [rule_case_run(rule=rule, case=case) for case in rule.get("tests", [])]
    return Preview(count=preview_count(rule, on=timezone.localdate()), tests=tests)


def rule_publish(*, actor: User, version: RuleVersion) -> RuleVersion:
    """Publish an approved version: the previous published version of the rule is retired."""
    _reviewer_check(actor)
    preview = rule_preview(version=version)
    if not preview.tests_passed:
        failed = "；".join(f"{t['name']}：{t['detail']}" for t in preview.tests if not t["passed"])
        raise Unprocessable(f"测试用例未通过，不能发布：{failed}")
    now = timezone.now()
    with transaction.atomic():
        if version.status != VersionStatus.APPROVED:
            raise Conflict("只有已审核的版本可以发布", code="not_approved")
        RuleVersion.objects.filter(rule=version.rule, status=VersionStatus.PUBLISHED).update(
            status=VersionStatus.RETIRED
        )
        changed = RuleVersion.objects.filter(pk=version.pk, status=VersionStatus.APPROVED).update(
            status=VersionStatus.PUBLISHED,
            publisher=actor,
            published_at=now,
            preview_count=preview.count,
            test_results=preview.tests,
        )
        if not changed:
            raise Conflict("该版本已被他人处理", code="not_approved")
        audit_record(
            actor=actor,
            action=AuditAction.PROACTIVE_RULE_PUBLISH,
            object_type="rule_version",
            object_id=str(version.pk),
            changes={"preview_count": preview.count},
        )
    version.refresh_from_db()
    return version
