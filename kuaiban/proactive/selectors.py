"""Reads of 免申即办: whose offers a user sees (one access helper), why a subject qualifies,
the 公示 list, and the supervisors' counts per rule and region."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Avg,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Concat, Substr, TruncDate

from kuaiban.accounts.models import Role, User
from kuaiban.catalogue.models import Region
from kuaiban.core.errors import NotFound
from kuaiban.proactive.engine import subject_model
from kuaiban.proactive.explain import Verdict, rule_evaluate
from kuaiban.proactive.language.fields import FIELDS, SUBJECT_KEY
from kuaiban.proactive.models import Objection, ObjectionStatus, Offer, OfferStatus


def subject_values(*, rule: Mapping[str, Any], key: str) -> dict[str, Any]:
    """Every shared-data value the rule's target has, for one subject (path → value)."""
    fields = FIELDS[rule["target"]]
    lookup = fields[SUBJECT_KEY[rule["target"]]].lookup
    row = (
        subject_model(rule)
        ._default_manager.filter(**{lookup: key})
        .values(*(f.lookup for f in fields.values()))
        .first()
    )
    if row is None:
        return {}
    return {path: row[f.lookup] for path, f in fields.items()}


def offers_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Offer]:
    """A person's own offers, a unit account's own; nobody else's (supervisors count them)."""
    queryset = Offer.objects.select_related("version__rule")
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.PERSON and user.id_number:
        return queryset.filter(subject_kind="person", subject_key=user.id_number.upper())
    if user.role == Role.UNIT and user.credit_code:
        return queryset.filter(subject_kind="unit", subject_key=user.credit_code.upper())
    return queryset.none()


def access_offer(*, user: AbstractBaseUser | AnonymousUser, offer_id: int) -> Offer:
    """The offer, if it is ``user``'s own; the same 404 for 'missing' and 'not yours'."""
    offer = offers_visible_to(user).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("服务不存在")
    return offer


@dataclass(frozen=True)
class Explained:
    offer: Offer
    verdict: Verdict

    @property
    def title(self) -> str:
        return str(self.offer.version.definition["title"])

    @property
    def summary(self) -> str:
        return str(self.offer.version.definition.get("summary", ""))

    @property
    def mode(self) -> str:
        return str(self.offer.version.definition["delivery"]["mode"])

    @property
    def can_accept(self) -> bool:
        service = self.offer.version.definition.get("service") or {}
        return self.offer.status == OfferStatus.OFFERED and "bundle" in service

    @property
    def reason(self) -> str:
        return "；".join(f"{r.label}（{r.detail}）" for r in self.verdict.results if r.passed)


def offer_explain(offer: Offer) -> Explained:
    """Why the subject qualifies: the offer's own rule version on the data the offer is about
    (the deceased's, for a next of kin), as of the day the offer was made."""
    rule = offer.version.definition
    values = subject_values(rule=rule, key=offer.about_key or offer.subject_key)
    return Explained(
        offer=offer, verdict=rule_evaluate(rule=rule, values=values, on=offer.eligible_on)
    )


def publicity_list(*, rule_code: str = "") -> QuerySet[Offer]:
    """The offers in 公示 (and those held by an open objection), oldest ending first."""
    queryset = Offer.objects.filter(status=OfferStatus.PUBLICISED).select_related("version__rule")
    if rule_code:
        queryset = queryset.filter(rule_code=rule_code)
    return queryset.annotate(
        open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN))
    ).order_by("publicity_until", "pk")


def objections_open() -> QuerySet[Objection]:
    return Objection.objects.filter(status=ObjectionStatus.OPEN).select_related("offer")


def objection_get(*, objection_id: int) -> Objection:
    objection = Objection.objects.select_related("offer").filter(pk=objection_id).first()
    if objection is None:
        raise NotFound("异议不存在")
    return objection


STAT_COLUMNS = (
    ("eligible", "符合条件"),
    ("offered", "待确认"),
    ("publicised", "公示中"),
    ("accepted", "已确认办理"),
    ("declined", "已放弃"),
    ("lapsed", "逾期未确认"),
    ("granted", "已享受"),
    ("withdrawn", "异议撤销"),
)


def offer_stats(*, region: Region | None) -> list[dict[str, Any]]:
    """Per rule and city: counts by status, the amount granted or accepted, and the average
    days from eligibility to service (accepted or granted). One grouped query."""
    queryset = Offer.objects.all()
    if region is not None:
        prefix = region.code.rstrip("0")
        prefix = prefix + "0" * (len(prefix) % 2)
        queryset = queryset.filter(region_code__startswith=prefix)
    served = Q(status__in=[OfferStatus.ACCEPTED, OfferStatus.GRANTED])
    days = ExpressionWrapper(
        TruncDate("decided_at") - F("eligible_on"), output_field=DurationField()
    )
    rows = (
        queryset.annotate(city=_city())
        .values("rule_code", "city")
        .annotate(
            eligible=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status, _label in STAT_COLUMNS[1:]},
            amount=Sum("amount", filter=served),
            days=Avg(days, filter=served),
        )
        .order_by("rule_code", "city")
    )
    return list(rows)


def _city() -> Concat:
    """The city of a region code: its first four digits and 00."""
    return Concat(Substr("region_code", 1, 4), Value("00"), output_field=CharField())


CERTIFICATION_GROUP = "pension-certification"  # 静默认证 and its reminder (rules.yaml)


def certification_list(*, region_code: str, period: str) -> QuerySet[Offer]:
    """The year's 养老保险待遇资格认证 outcomes of the pensioners of ``region_code`` (a district,
    or every district of a city or province): certified from their data (静默认证) or reminded."""
    prefix = region_code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return (
        Offer.objects.filter(
            exclusion_group=CERTIFICATION_GROUP, period=period, region_code__startswith=prefix
        )
        .select_related("version__rule")
        .order_by("rule_code", "region_code", "pk")
    )
