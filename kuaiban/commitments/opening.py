"""Opening the checks of a stored application, and refusing commitments after a 失信 record."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from kuaiban.applications.models import Application, ApplicationCommitment, CommitmentKind
from kuaiban.calendar.arithmetic import end_of_day
from kuaiban.calendar.selectors import add_working_days
from kuaiban.cases.models import SubCase
from kuaiban.catalogue.models import FormField, Material
from kuaiban.catalogue.regions import region_and_above
from kuaiban.commitments.facts import UNSTATED_NOTE
from kuaiban.commitments.models import (
    AssistancePartner,
    CheckMethod,
    CheckRule,
    CheckStatus,
    CommitmentCheck,
    CreditRecord,
    ItemPolicy,
)
from kuaiban.commitments.sampling import is_drawn, sample_value

# Without a rule of its own a committed material is checked on site within this many days.
DEFAULT_DUE_WORKING_DAYS = 10


def _items_needing(material_codes: list[str]) -> dict[str, set[str]]:
    """Material code → the codes of the catalogue items that ask for it (one query)."""
    needing: dict[str, set[str]] = defaultdict(set)
    rows = Material.objects.filter(code__in=material_codes).values_list("code", "items__code")
    for code, item_code in rows:
        if item_code:
            needing[code].add(item_code)
    return needing


def commitment_refusals(
    *, id_number: str, credit_code: str, items: list[str], materials: list[str]
) -> dict[str, list[str]]:
    """失信 → commitments refused for the items where the bureau says so, with the reason the
    applicant (or the clerk serving them) reads."""
    subject = Q(id_number=id_number) if id_number else Q(credit_code=credit_code)
    record = (
        CreditRecord.objects.filter(subject, active=True)
        .select_related("commitment_check")
        .order_by("-recorded_at")
        .first()
    )
    if record is None:
        return {}
    refusing = set(
        ItemPolicy.objects.filter(item__code__in=items, refuse_when_discredited=True).values_list(
            "item__code", flat=True
        )
    )
    if not refusing:
        return {}
    needing = _items_needing(materials)
    when = timezone.localtime(record.recorded_at)
    reason = (
        f"您于 {when:%Y年%m月%d日} 被记录告知承诺不实（{record.commitment_check.material_name}：{record.reason}），"
        "按规定本事项不再适用告知承诺，请提交材料"
    )
    return {
        f"materials.{code}": [reason]
        for code in materials
        if needing.get(code, set()) & refusing or not needing.get(code)
    }


def checks_open(
    *, application: Application, commitments: list[ApplicationCommitment], subcases: list[SubCase]
) -> list[CommitmentCheck]:
    """One check per 告知承诺, in the submission's transaction: its method by the material's
    rule, sampled by the item's rate, owned by the agency whose decision relies on it."""
    notified = [c for c in commitments if c.kind == CommitmentKind.NOTIFICATION]
    if not notified:
        return []
    codes = [c.material_code for c in notified]
    rules = {r.material_code: r for r in CheckRule.objects.filter(material_code__in=codes)}
    needing = _items_needing(codes)
    by_item = {s.item.code: s for s in sorted(subcases, key=lambda s: (s.stage, s.pk or 0))}
    policies = {
        p.item.code: p
        for p in ItemPolicy.objects.filter(item__code__in=list(by_item)).select_related("item")
    }
    partners = _partners(application, {r.partner_kind for r in rules.values() if r.partner_kind})
    labels = dict(
        FormField.objects.filter(
            key__in={f for r in rules.values() for f in r.promised_fields}
        ).values_list("key", "label")
    )
    today = timezone.localdate()
    rows = []
    for commitment in notified:
        code = commitment.material_code
        rule = rules.get(code)
        relying = [by_item[i] for i in by_item if i in needing.get(code, set())]
        subcase = (
            relying[0]
            if relying
            else (min(by_item.values(), key=lambda s: s.stage) if by_item else None)
        )
        method = CheckMethod(rule.method) if rule else CheckMethod.ON_SITE
        days = rule.due_working_days if rule else DEFAULT_DUE_WORKING_DAYS
        check = CommitmentCheck(
            commitment=commitment,
            application=application,
            subcase=subcase,
            material_code=code,
            material_name=commitment.text.split("：", 1)[0][:120],
            method=method,
            agency=subcase.agency if subcase else None,
            region=application.region,
            due_at=end_of_day(add_working_days(start=today, days=days)),
        )
        if method == CheckMethod.ONLINE and rule is not None:
            check.promised_label, check.promised_value = _promised(
                rule.promised_fields, application.form, labels
            )
            if check.promised_value:
                check.next_try_at = timezone.now()  # the worker's next cycle runs it
            else:
                check.last_try_note = UNSTATED_NOTE  # nothing to compare: an officer checks
        else:
            policy = policies.get(subcase.item.code) if subcase else None
            if policy is not None and policy.sample_rate < 1:
                check.sample_rate = policy.sample_rate
                check.sample_seed = policy.sample_seed
                check.sample_value = sample_value(
                    seed=policy.sample_seed, number=application.number, material_code=code
                )
                if not is_drawn(value=check.sample_value, rate=Decimal(policy.sample_rate)):
                    check.status = CheckStatus.NOT_DRAWN
            if check.status == CheckStatus.PENDING and method == CheckMethod.ASSISTANCE:
                check.partner = partners.get(rule.partner_kind) if rule else None
        rows.append(check)
    created = CommitmentCheck.objects.bulk_create(rows)
    from kuaiban.commitments.assistance import assistance_request  # the outbox side

    for check in created:
        if check.partner is not None and check.status == CheckStatus.PENDING:
            assistance_request(check=check)
    return created


def _promised(
    fields: list[str], form: dict[str, object], labels: dict[str, str]
) -> tuple[str, str]:
    """The first of ``fields`` the form fills in: its label and value (what was promised)."""
    for key in fields:
        value = str(form.get(key) or "").strip()
        if value:
            return labels.get(key, ""), value[:200]
    return "", ""


def _partners(application: Application, kinds: set[str]) -> dict[str, AssistancePartner]:
    """The nearest partner of each kind: the application's region first, then up the chain."""
    if not kinds:
        return {}
    chain = region_and_above(application.region_id)
    found: dict[str, AssistancePartner] = {}
    candidates = AssistancePartner.objects.filter(kind__in=kinds, region_id__in=chain)
    for partner in sorted(candidates, key=lambda p: chain.index(p.region_id)):
        found.setdefault(partner.kind, partner)
    return found
