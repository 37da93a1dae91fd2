"""Reads about cards: whose card it is (the one access helper), the print queue, the desk."""

from __future__ import annotations

from django.db.models import QuerySet

from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardEvent, CardPoint, CardStatus, SocialSecurityCard
from kuaiban.cards.rules import DEAD
from kuaiban.catalogue.models import Region
from kuaiban.catalogue.regions import region_and_below
from kuaiban.core.errors import NotFound
from kuaiban.shareddata.audit import records_read_audit
from kuaiban.shareddata.selectors import lookup_person


def live_cards() -> QuerySet[SocialSecurityCard]:
    return SocialSecurityCard.objects.exclude(status__in=list(DEAD))


def card_current(id_number: str) -> SocialSecurityCard | None:
    """The person's card: the live one, else the latest replaced or cancelled one."""
    key = id_number.strip().upper()
    if not key:
        return None
    rows = SocialSecurityCard.objects.filter(id_number=key).select_related("point", "region")
    live = rows.exclude(status__in=list(DEAD)).first()
    return live or rows.order_by("-applied_at", "-pk").first()


def access_card(*, user: User) -> SocialSecurityCard:
    """The caller's own card; 404 for anyone without one, whoever they are (a unit or an
    officer has no card here)."""
    if user.role != Role.PERSON or not user.id_number:
        raise NotFound("没有查到您的社会保障卡")
    card = card_current(user.id_number)
    if card is None:
        raise NotFound("没有查到您的社会保障卡")
    return card


def card_holder_phone(*, card: SocialSecurityCard, actor: User, purpose: str) -> str | None:
    """The holder's reserved mobile number (预留手机号): their account's, else the one on file in
    shared data; "" when neither has one, None when shared data cannot be reached. A clerk
    reading it is reading personal data, so the read is audited either way."""
    account = (
        User.objects.filter(role=Role.PERSON, id_number=card.id_number, is_active=True)
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    if account is not None:
        phone = account.phone
    else:
        found = lookup_person(id_number=card.id_number)
        if not found.available:
            return None
        phone = found.profile.values.get("person.phone", "") if found.profile else ""
    records_read_audit(actor=actor, id_number=card.id_number, purpose=purpose, channel="window")
    return phone


def card_events(card: SocialSecurityCard) -> QuerySet[CardEvent]:
    """The card's history, newest first, with the cards it replaced."""
    chain = [card.pk]
    previous = card.replaces_id
    while previous is not None and len(chain) < 20:
        chain.append(previous)
        previous = (
            SocialSecurityCard.objects.filter(pk=previous)
            .values_list("replaces_id", flat=True)
            .first()
        )
    return CardEvent.objects.filter(card_id__in=chain).select_related("card").order_by("-at", "-pk")


def points_for(region: Region | None) -> QuerySet[CardPoint]:
    """Points in ``region`` and below it (a city clerk sees the city's districts too)."""
    return CardPoint.objects.filter(region_and_below(region.pk if region else None)).select_related(
        "region"
    )


def points_selectable() -> QuerySet[CardPoint]:
    return CardPoint.objects.select_related("region").order_by("region__code", "code")


def print_queue(points: QuerySet[CardPoint]) -> QuerySet[SocialSecurityCard]:
    """立等可取: cards headed for printing points, not made yet, the earliest due first."""
    return (
        SocialSecurityCard.objects.filter(
            point__in=points.filter(instant_print=True),
            status__in=[CardStatus.APPLIED, CardStatus.MAKING],
        )
        .select_related("point")
        .order_by("due_at", "pk")
    )
