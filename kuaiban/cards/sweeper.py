"""Temporary holds (临时挂失) that lift themselves.

A hold's end is stored in the indexed ``hold_until`` column. Each due hold is claimed like
the sub-cases' deadlines are: the change is a conditional UPDATE on the card's version and
state (`card_transition`), so of several workers sweeping at once only one records it — and
only that one tells the holder (a ``card.notify`` message in the outbox, written in the same
transaction as the change; delivered by `notices.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kuaiban.cards.models import CardAction, CardChannel, CardStatus, SocialSecurityCard
from kuaiban.cards.services import card_transition
from kuaiban.core.errors import Conflict
from kuaiban.integrations.models import OutboxKind
from kuaiban.integrations.services import outbox_enqueue_new


@dataclass
class HoldSweep:
    lifted: int = 0
    lost: int = 0  # claimed first by another worker, or acted on meanwhile

    def __str__(self) -> str:
        return f"临时挂失自动解除 {self.lifted}"


def temporary_holds_sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> HoldSweep:
    """Lift every temporary hold whose time has come (at most ``limit`` per call)."""
    now = now or timezone.now()
    due = SocialSecurityCard.objects.filter(
        status=CardStatus.TEMPORARY_LOSS, hold_until__lte=now
    ).order_by("hold_until", "pk")[:limit]
    result = HoldSweep()
    for card in due:
        try:
            with transaction.atomic():
                lifted = card_transition(
                    actor=None,
                    card=card,
                    action=CardAction.HOLD_LAPSE,
                    channel=CardChannel.SYSTEM,
                    note="临时挂失期满未转正式挂失，自动解除",
                )
                outbox_enqueue_new(
                    kind=OutboxKind.CARD_NOTIFY,
                    key=f"card.hold_lapse:{lifted.pk}:{lifted.version}",
                    payload={"card": lifted.pk, "action": CardAction.HOLD_LAPSE.value},
                )
        except Conflict:
            result.lost += 1
        else:
            result.lifted += 1
    return result
