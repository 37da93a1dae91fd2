"""The social security card's lifecycle as one pure rule table, checked by one function.

Every entry point — the person's own pages and API, the window desk, the print queue, the
sub-case decisions of the 10-x items and the sweeper that lifts a temporary hold — asks
`transition_target` what an action does to a card in a given state. Nothing else decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from kuaiban.cards.models import CardAction, CardStatus
from kuaiban.core.errors import Conflict

S = CardStatus

# The card is in the holder's hands (handed out, not lost, not replaced, not cancelled), in the
# order of its life: the table below lists them so, whatever the hashing of this process.
IN_HAND_ORDER: tuple[CardStatus, ...] = (S.COLLECTED, S.ENABLED, S.BANK_ACTIVATED, S.NORMAL)
IN_HAND: frozenset[CardStatus] = frozenset(IN_HAND_ORDER)
# Nothing more happens to a card in one of these; a person holds at most one card outside them.
DEAD: frozenset[CardStatus] = frozenset({S.REPLACED, S.CANCELLED})
LOST: frozenset[CardStatus] = frozenset({S.TEMPORARY_LOSS, S.FORMAL_LOSS})

# Restore: the state the card was in before it was reported lost (`SocialSecurityCard.held_status`).
RESTORE = "restore"

# action → {state before: state after}. An action absent for a state is refused.
TRANSITIONS: Mapping[CardAction, Mapping[CardStatus, CardStatus | str]] = {
    CardAction.PRODUCE: {S.APPLIED: S.MAKING},
    CardAction.POINT_CHOOSE: {S.APPLIED: S.APPLIED, S.MAKING: S.MAKING},
    CardAction.FINISH: {S.MAKING: S.READY},
    CardAction.COLLECT: {S.READY: S.COLLECTED},
    # 启用 (the social-insurance function) and 银行账户激活 in either order; both → 正常.
    CardAction.ENABLE: {S.COLLECTED: S.ENABLED, S.BANK_ACTIVATED: S.NORMAL},
    CardAction.BANK_ACTIVATE: {S.COLLECTED: S.BANK_ACTIVATED, S.ENABLED: S.NORMAL},
    CardAction.LOSS_TEMPORARY: dict.fromkeys(IN_HAND_ORDER, S.TEMPORARY_LOSS),
    # 正式挂失 at a window, also of a card already held temporarily.
    CardAction.LOSS_FORMAL: {
        **dict.fromkeys(IN_HAND_ORDER, S.FORMAL_LOSS),
        S.TEMPORARY_LOSS: S.FORMAL_LOSS,
    },
    CardAction.UNLOSS: {S.TEMPORARY_LOSS: RESTORE, S.FORMAL_LOSS: RESTORE},
    CardAction.HOLD_LAPSE: {S.TEMPORARY_LOSS: RESTORE},
    # 补领 (lost card): only once the old card is formally reported lost, or cancelled.
    CardAction.REISSUE: {S.FORMAL_LOSS: S.REPLACED, S.CANCELLED: S.CANCELLED},
    # 换领 / 换发 (damaged, changed details, expired): the card in hand is given back.
    CardAction.EXCHANGE: dict.fromkeys(IN_HAND_ORDER, S.REPLACED),
    CardAction.CANCEL: {s: S.CANCELLED for s in S if s not in DEAD},
    CardAction.PASSWORD_CHANGE: {s: s for s in IN_HAND_ORDER},
    CardAction.PASSWORD_RESET: {s: s for s in IN_HAND_ORDER},
}

# Why an action is refused, in the words a person or clerk understands.
_WHY: Mapping[CardAction, str] = {
    CardAction.PRODUCE: "只有已申领、尚未制卡的卡可以开始制卡",
    CardAction.POINT_CHOOSE: "卡片已制成或已领取，不能再更改领卡网点",
    CardAction.FINISH: "只有制卡中的卡可以登记制卡完成",
    CardAction.COLLECT: "只有待领取的卡可以发放",
    CardAction.ENABLE: "启用社会保障功能须先领取社会保障卡",
    CardAction.BANK_ACTIVATE: "激活银行账户须先领取社会保障卡",
    CardAction.LOSS_TEMPORARY: "只有已领取、正在使用的卡可以临时挂失",
    CardAction.LOSS_FORMAL: "只有已领取的卡或临时挂失中的卡可以正式挂失",
    CardAction.UNLOSS: "该卡未挂失，无需解挂",
    CardAction.HOLD_LAPSE: "该卡不在临时挂失中",
    CardAction.REISSUE: "补领须先将原卡正式挂失或注销",
    CardAction.EXCHANGE: "换领、换发须持有正在使用的卡",
    CardAction.CANCEL: "该卡已作废或已注销",
    CardAction.PASSWORD_CHANGE: "只有已领取、正在使用的卡可以修改密码",
    CardAction.PASSWORD_RESET: "只有已领取、正在使用的卡可以重置密码",
}


def transition_target(
    *, status: CardStatus, action: CardAction, held_status: str = ""
) -> CardStatus:
    """The state ``action`` leads to from ``status``, or a 409 that says why not."""
    target = TRANSITIONS[action].get(status)
    if target is None:
        label = CardStatus(status).label
        raise Conflict(
            f"社会保障卡当前状态为“{label}”，不能{action.label}：{_WHY[action]}",
            code="card_invalid_state",
        )
    if target == RESTORE:
        # A hold on a card whose earlier state was not recorded ends in 正常 (an imported card).
        return CardStatus(held_status) if held_status in IN_HAND else S.NORMAL
    return CardStatus(target)


def allowed_actions(status: CardStatus, actions: tuple[CardAction, ...]) -> list[CardAction]:
    """Those of ``actions`` the table allows from ``status`` (the buttons a page offers)."""
    return [a for a in actions if status in TRANSITIONS[a]]


class ECardState:
    """What the electronic card shows: it mirrors the physical card (pure, no database)."""

    VALID = "valid"
    NOT_ISSUED = "not_issued"
    PENDING = "pending"
    SUSPENDED = "suspended"
    INVALID = "invalid"

    LABELS: Mapping[str, str] = {
        VALID: "有效",
        NOT_ISSUED: "未签发（实体卡尚未领取）",
        PENDING: "待启用（实体卡已领取，社保功能未启用）",
        SUSPENDED: "暂停使用（实体卡挂失中）",
        INVALID: "已失效",
    }

    @classmethod
    def of(cls, status: CardStatus) -> str:
        if status in (S.ENABLED, S.NORMAL):
            return cls.VALID
        if status in (S.COLLECTED, S.BANK_ACTIVATED):
            return cls.PENDING
        if status in LOST:
            return cls.SUSPENDED
        if status in DEAD:
            return cls.INVALID
        return cls.NOT_ISSUED
