"""The rule table alone (no database): every allowed transition, every refused one, the
electronic card's mirror and the password rule."""

from __future__ import annotations

import pytest

from kuaiban.cards.models import CardAction, CardStatus
from kuaiban.cards.rules import (
    DEAD,
    IN_HAND,
    RESTORE,
    TRANSITIONS,
    ECardState,
    transition_target,
)
from kuaiban.cards.services import pin_problem
from kuaiban.core.errors import Conflict

ALLOWED = [
    (action, before, after)
    for action, table in TRANSITIONS.items()
    for before, after in table.items()
]
REFUSED = [
    (action, status)
    for action, table in TRANSITIONS.items()
    for status in CardStatus
    if status not in table
]


@pytest.mark.parametrize(("action", "before", "after"), ALLOWED)
def test_every_allowed_transition_leads_where_the_table_says(action, before, after) -> None:  # type: ignore[no-untyped-def]
    target = transition_target(status=before, action=action, held_status=CardStatus.ENABLED)
    assert target == (CardStatus.ENABLED if after == RESTORE else after)


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_every_other_transition_is_refused_with_a_chinese_reason(action, status) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as refused:
        transition_target(status=status, action=action)
    assert refused.value.status == 409
    assert refused.value.code == "card_invalid_state"
    assert f"社会保障卡当前状态为“{status.label}”，不能{action.label}" in refused.value.message


def test_the_table_covers_the_lifecycle_of_the_brief() -> None:
    path = [
        (CardAction.PRODUCE, CardStatus.MAKING),
        (CardAction.FINISH, CardStatus.READY),
        (CardAction.COLLECT, CardStatus.COLLECTED),
        (CardAction.ENABLE, CardStatus.ENABLED),
        (CardAction.BANK_ACTIVATE, CardStatus.NORMAL),
    ]
    status = CardStatus.APPLIED
    for action, expected in path:
        status = transition_target(status=status, action=action)
        assert status == expected
    # Bank first, then the social-insurance function: also 正常.
    status = transition_target(status=CardStatus.COLLECTED, action=CardAction.BANK_ACTIVATE)
    assert transition_target(status=status, action=CardAction.ENABLE) == CardStatus.NORMAL


def test_examples_of_refusals_say_what_is_needed() -> None:
    with pytest.raises(Conflict, match="启用社会保障功能须先领取社会保障卡"):
        transition_target(status=CardStatus.MAKING, action=CardAction.ENABLE)
    with pytest.raises(Conflict, match="补领须先将原卡正式挂失或注销"):
        transition_target(status=CardStatus.TEMPORARY_LOSS, action=CardAction.REISSUE)
    with pytest.raises(Conflict, match="补领须先将原卡正式挂失或注销"):
        transition_target(status=CardStatus.NORMAL, action=CardAction.REISSUE)


def test_a_hold_restores_the_state_before_it_or_normal_when_unknown() -> None:
    for before in IN_HAND:
        assert (
            transition_target(
                status=CardStatus.TEMPORARY_LOSS, action=CardAction.UNLOSS, held_status=before
            )
            == before
        )
    assert (
        transition_target(status=CardStatus.FORMAL_LOSS, action=CardAction.UNLOSS, held_status="")
        == CardStatus.NORMAL
    )


def test_nothing_leaves_a_dead_card_except_reissuing_a_cancelled_one() -> None:
    for action, table in TRANSITIONS.items():
        for status in DEAD:
            if status in table:
                assert (action, status) == (CardAction.REISSUE, CardStatus.CANCELLED)
                assert table[status] == CardStatus.CANCELLED


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (CardStatus.APPLIED, ECardState.NOT_ISSUED),
        (CardStatus.MAKING, ECardState.NOT_ISSUED),
        (CardStatus.READY, ECardState.NOT_ISSUED),
        (CardStatus.COLLECTED, ECardState.PENDING),
        (CardStatus.BANK_ACTIVATED, ECardState.PENDING),
        (CardStatus.ENABLED, ECardState.VALID),
        (CardStatus.NORMAL, ECardState.VALID),
        (CardStatus.TEMPORARY_LOSS, ECardState.SUSPENDED),
        (CardStatus.FORMAL_LOSS, ECardState.SUSPENDED),
        (CardStatus.REPLACED, ECardState.INVALID),
        (CardStatus.CANCELLED, ECardState.INVALID),
    ],
)
def test_the_electronic_card_mirrors_the_physical_card(status, state) -> None:  # type: ignore[no-untyped-def]
    assert ECardState.of(status) == state
    assert ECardState.LABELS[state]


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("12345", "密码须为 6 位数字"),
        ("12a456", "密码须为 6 位数字"),
        ("１２３４５６", "密码须为 6 位数字"),  # full-width digits
        ("888888", "密码不能是同一数字重复"),
        ("123456", "密码不能是连续数字"),
        ("654321", "密码不能是连续数字"),
        ("258036", None),
    ],
)
def test_the_card_password_rule(pin: str, problem: str | None) -> None:
    assert pin_problem(pin) == problem
