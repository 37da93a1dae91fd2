"""The local source's ``records``: four indexed queries (months, benefits, 职业年金, certificates),
each joined to the person by the unique ID number; their count does not grow with the history."""

from __future__ import annotations

from kuaiban.shareddata.connectors.records import (
    BENEFIT_KINDS,
    BENEFIT_STATUSES,
    SKILL_KINDS,
    AnnuityLine,
    BenefitLine,
    MonthLine,
    PersonRecords,
    SkillLine,
)
from kuaiban.shareddata.models import (
    Benefit,
    ContributionMonth,
    OccupationalAnnuity,
    Person,
    SkillCertificate,
)

_MONTH_COLUMNS = (
    "month",
    "payer_name",
    "base",
    "pension_unit",
    "pension_personal",
    "unemployment_unit",
    "unemployment_personal",
    "injury_unit",
    "payer_credit_code",
)


def local_records(id_number: str) -> PersonRecords | None:
    key = id_number.strip().upper()
    months = ContributionMonth.objects.filter(person__id_number=key).order_by("month")
    found = PersonRecords(
        months=[MonthLine(*row) for row in months.values_list(*_MONTH_COLUMNS)],
        benefits=[
            BenefitLine(
                kind=b.kind,
                kind_label=BENEFIT_KINDS.get(b.kind, b.kind),
                status=b.status,
                status_label=BENEFIT_STATUSES.get(b.status, b.status),
                started_on=b.started_on,
                ends_on=b.ends_on,
                monthly_amount=b.monthly_amount,
                basic_part=b.basic_part,
                account_part=b.account_part,
                transitional_part=b.transitional_part,
                months_total=b.months_total,
                months_paid=b.months_paid,
                paid_total=b.paid_total,
                bank=b.bank,
                region_name=b.region_name,
            )
            for b in Benefit.objects.filter(person__id_number=key).order_by("kind", "-started_on")
        ],
        skills=[
            SkillLine(
                kind=c.kind,
                kind_label=SKILL_KINDS.get(c.kind, c.kind),
                number=c.number,
                occupation=c.occupation,
                level=c.level,
                issuer=c.issuer,
                issued_on=c.issued_on,
                pk=c.pk,
            )
            for c in SkillCertificate.objects.filter(person__id_number=key).order_by(
                "-issued_on", "pk"
            )
        ],
    )
    annuity = OccupationalAnnuity.objects.filter(person__id_number=key).first()
    if annuity is not None:
        found.annuity = AnnuityLine(
            unit_name=annuity.unit_name,
            joined_on=annuity.joined_on,
            status=annuity.status,
            last_month=annuity.last_month,
            unit_total=annuity.unit_total,
            personal_total=annuity.personal_total,
            earnings=annuity.earnings,
            balance=annuity.balance,
        )
    empty = not (found.months or found.benefits or found.skills or found.annuity)
    if empty and not Person.objects.filter(id_number=key).exists():
        return None
    return found
