"""What the holder's page and the API show of a card, and the audit of those reads."""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.accounts.models import User
from kuaiban.cards.models import CardAction, CardEvent, CardStatus, SocialSecurityCard
from kuaiban.cards.rules import ECardState, allowed_actions
from kuaiban.cards.selectors import card_events
from kuaiban.cards.showing import Credential
from kuaiban.core.audit import audit_record
from kuaiban.core.masking import mask_card_number, mask_id_number
from kuaiban.core.models import AuditAction

# What a holder may do themselves, online (the rest needs a window or an application).
SELF_SERVICE = (
    CardAction.LOSS_TEMPORARY,
    CardAction.UNLOSS,
    CardAction.POINT_CHOOSE,
    CardAction.PASSWORD_CHANGE,
    CardAction.PASSWORD_RESET,
)
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class CardView:
    card: SocialSecurityCard
    ecard_state: str
    ecard_label: str
    self_service: list[CardAction]
    history: list[CardEvent]
    replaced_by: str | None

    @property
    def in_production(self) -> bool:
        return self.card.status in (CardStatus.APPLIED, CardStatus.MAKING)


def card_view(card: SocialSecurityCard) -> CardView:
    status = CardStatus(card.status)
    actions = allowed_actions(status, SELF_SERVICE)
    if status == CardStatus.FORMAL_LOSS:  # 解挂 of a formal loss is done at a window
        actions = [a for a in actions if a != CardAction.UNLOSS]
    successor = SocialSecurityCard.objects.filter(replaces=card).values_list("number", flat=True)
    state = ECardState.of(status)
    return CardView(
        card=card,
        ecard_state=state,
        ecard_label=ECardState.LABELS[state],
        self_service=actions,
        history=list(card_events(card)[:HISTORY_LIMIT]),
        replaced_by=successor.first(),
    )


def read_audit(user: User, card: SocialSecurityCard, *, channel: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.CARD_READ,
        object_type="card",
        object_id=str(card.pk),
        changes={"card": mask_card_number(card.number), "channel": channel},
    )


def verify_audit(user: User, credential: Credential | None, *, outcome: str) -> None:
    """Every check of a shown QR, the refused ones too (a forged or replayed code)."""
    audit_record(
        actor=user,
        action=AuditAction.CREDENTIAL_VERIFY,
        object_type="person" if credential else "credential",
        object_id=mask_id_number(credential.id_number) if credential else "-",
        changes={"outcome": outcome, "kind": credential.kind if credential else ""},
    )
