"""The card's life through the services: audited with the actor, one winner at a time, the
temporary hold lifting itself (frozen time), 补换 with a new number, passwords never in clear."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from kuaiban.accounts.models import User
from kuaiban.cards.models import (
    CardAction,
    CardChannel,
    CardEvent,
    CardPoint,
    CardStatus,
    SocialSecurityCard,
)
from kuaiban.cards.services import (
    card_create,
    card_password_set,
    card_point_choose,
    card_replace,
    card_report_loss,
    card_transition,
    card_unloss,
)
from kuaiban.cards.sweeper import temporary_holds_sweep
from kuaiban.catalogue.models import Region
from kuaiban.core.errors import Conflict, Unprocessable
from kuaiban.core.models import AuditEvent
from tests.conftest import make_id_number
from tests.worlds import NOW

pytestmark = pytest.mark.django_db

ZHANG = "370102196503121234"


def _card(id_number: str = ZHANG) -> SocialSecurityCard:
    return SocialSecurityCard.objects.get(
        id_number=id_number,
        status__in=[s for s in CardStatus if s not in ("replaced", "cancelled")],
    )


def _new(world: dict[str, User], **extra: object) -> SocialSecurityCard:
    return card_create(
        actor=world["officer-jn-card"],
        id_number=make_id_number(seq="771"),
        name="孙小梅",
        region=Region.objects.get(code="370102"),
        channel=CardChannel.SUBCASE,
        **extra,  # type: ignore[arg-type]
    )


def test_a_new_card_goes_all_the_way_to_normal_audited_with_its_actor(world) -> None:  # type: ignore[no-untyped-def]
    clerk = world["clerk-lixia"]
    card = _new(world)
    assert card.status == CardStatus.APPLIED
    assert card.number == f"370102K{card.pk:09d}"
    # The district's hall prints cards: 立等可取, due the same day.
    assert card.point is not None and card.point.instant_print
    assert timezone.localtime(card.due_at).date() == timezone.localtime(NOW).date()
    for action in (
        CardAction.PRODUCE,
        CardAction.FINISH,
        CardAction.COLLECT,
        CardAction.ENABLE,
        CardAction.BANK_ACTIVATE,
    ):
        card = card_transition(actor=clerk, card=card, action=action, channel=CardChannel.WINDOW)
    assert card.status == CardStatus.NORMAL and card.collected_at == NOW
    events = list(card.events.order_by("pk").values_list("action", "to_status", "actor__username"))
    assert events == [
        ("apply", "applied", "officer-jn-card"),
        ("produce", "making", "clerk-lixia"),
        ("finish", "ready", "clerk-lixia"),
        ("collect", "collected", "clerk-lixia"),
        ("enable", "enabled", "clerk-lixia"),
        ("bank_activate", "normal", "clerk-lixia"),
    ]
    audits = AuditEvent.objects.filter(action="card.change", object_id=str(card.pk))
    assert audits.count() == 6
    latest = audits.order_by("-pk").first()
    assert latest is not None and latest.actor_label == "clerk-lixia"
    assert latest.changes["holder"].startswith("370102") and "*" in latest.changes["holder"]
    assert card.id_number not in str(list(audits.values_list("changes", flat=True)))


def test_a_point_without_a_printer_gets_the_small_batch_limit(world) -> None:  # type: ignore[no-untyped-def]
    card = _new(world, point=CardPoint.objects.get(code="370100-card"))
    # 5 working days from Monday 2025-03-03: Monday 2025-03-10, end of day.
    assert timezone.localtime(card.due_at).date() == dt.date(2025, 3, 10)
    printing = CardPoint.objects.get(code="370102-hall")
    card = card_point_choose(actor=world["zhangjianguo"], card=card, point=printing)
    assert card.point == printing and timezone.localtime(card.due_at).date() == dt.date(2025, 3, 3)


def test_a_person_holds_one_live_card(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict, match="已持有社会保障卡"):
        card_create(
            actor=None,
            id_number=ZHANG,
            name="张建国",
            region=None,
            channel=CardChannel.SUBCASE,
        )
    assert SocialSecurityCard.objects.filter(id_number=ZHANG).count() == 1


def test_the_temporary_hold_lifts_itself_after_the_configured_days(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_CARD_TEMPORARY_LOSS_DAYS = 3
    card = card_report_loss(
        actor=world["zhangjianguo"], card=_card(), temporary=True, channel=CardChannel.ONLINE
    )
    assert card.status == CardStatus.TEMPORARY_LOSS and card.held_status == CardStatus.NORMAL
    assert card.hold_until == NOW + dt.timedelta(days=3)

    # A minute early: nothing happens.
    assert temporary_holds_sweep(now=NOW + dt.timedelta(days=3, minutes=-1)).lifted == 0
    card.refresh_from_db()
    assert card.status == CardStatus.TEMPORARY_LOSS

    later = NOW + dt.timedelta(days=3, minutes=1)
    with mock.patch.object(timezone, "now", return_value=later):
        result = temporary_holds_sweep()
    assert (result.lifted, result.lost) == (1, 0)
    card.refresh_from_db()
    assert card.status == CardStatus.NORMAL and card.hold_until is None and card.held_status == ""
    lapse = card.events.get(action=CardAction.HOLD_LAPSE)
    assert lapse.actor is None and lapse.channel == CardChannel.SYSTEM and lapse.at == later
    # A second sweep finds nothing (claimed once).
    assert temporary_holds_sweep(now=later).lifted == 0


def test_a_formal_loss_at_the_window_stops_the_hold_from_lifting(world) -> None:  # type: ignore[no-untyped-def]
    card = card_report_loss(actor=None, card=_card(), temporary=True, channel=CardChannel.PHONE)
    card = card_report_loss(
        actor=world["clerk-lixia"], card=card, temporary=False, channel=CardChannel.WINDOW
    )
    assert card.status == CardStatus.FORMAL_LOSS and card.hold_until is None
    assert card.held_status == CardStatus.NORMAL  # what 解挂 brings back
    temporary_holds_sweep(now=NOW + dt.timedelta(days=60))  # lifts other people's holds only
    card.refresh_from_db()
    assert card.status == CardStatus.FORMAL_LOSS
    # Online, a formal loss can be neither reported nor lifted.
    with pytest.raises(Conflict, match="正式挂失的卡须本人持身份证和原卡到服务网点办理解挂"):
        card_unloss(actor=world["zhangjianguo"], card=card, channel=CardChannel.ONLINE)
    card = card_unloss(actor=world["clerk-lixia"], card=card, channel=CardChannel.WINDOW)
    assert card.status == CardStatus.NORMAL


def test_a_formal_loss_is_not_taken_online(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict, match="正式挂失须本人持身份证到社会保障卡服务网点办理"):
        card_report_loss(actor=None, card=_card(), temporary=False, channel=CardChannel.ONLINE)
    assert _card().status == CardStatus.NORMAL
    assert not CardEvent.objects.filter(card=_card(), action="loss_formal").exists()


def test_the_unloss_of_a_temporary_hold_online(world) -> None:  # type: ignore[no-untyped-def]
    card = card_report_loss(actor=None, card=_card(), temporary=True, channel=CardChannel.ONLINE)
    card = card_unloss(actor=world["zhangjianguo"], card=card, channel=CardChannel.ONLINE)
    assert card.status == CardStatus.NORMAL and card.hold_until is None


def test_reissue_gives_a_new_number_and_the_old_card_is_invalid(world) -> None:  # type: ignore[no-untyped-def]
    old = _card()
    with pytest.raises(Conflict, match="补领须先将原卡正式挂失或注销"):
        card_replace(
            actor=None,
            card=old,
            action=CardAction.REISSUE,
            channel=CardChannel.SUBCASE,
            reason="遗失",
        )
    old = card_report_loss(actor=None, card=old, temporary=False, channel=CardChannel.WINDOW)
    new = card_replace(
        actor=world["officer-jn-card"],
        card=old,
        action=CardAction.REISSUE,
        channel=CardChannel.SUBCASE,
        reason="遗失",
        application_number="370102-20250303-000001",
    )
    old.refresh_from_db()
    assert old.status == CardStatus.REPLACED
    assert new.number != old.number and new.replaces == old
    assert new.status == CardStatus.APPLIED and new.id_number == old.id_number
    with pytest.raises(Conflict):  # the old card can do nothing any more
        card_report_loss(actor=None, card=old, temporary=True, channel=CardChannel.ONLINE)
    with pytest.raises(Conflict, match="原卡已补换过新卡"):
        card_replace(
            actor=None,
            card=old,
            action=CardAction.EXCHANGE,
            channel=CardChannel.SUBCASE,
            reason="损坏",
        )


def test_exchange_of_a_damaged_card_and_cancel(world) -> None:  # type: ignore[no-untyped-def]
    new = card_replace(
        actor=None,
        card=_card(),
        action=CardAction.EXCHANGE,
        channel=CardChannel.SUBCASE,
        reason="损坏",
    )
    assert SocialSecurityCard.objects.get(number="370100D156000005").status == CardStatus.REPLACED
    cancelled = card_transition(
        actor=world["officer-jn-card"],
        card=new,
        action=CardAction.CANCEL,
        channel=CardChannel.SUBCASE,
    )
    assert cancelled.status == CardStatus.CANCELLED
    # 补领 of a cancelled card is allowed (the rule: 正式挂失 or 注销 of the old card).
    again = card_replace(
        actor=None,
        card=cancelled,
        action=CardAction.REISSUE,
        channel=CardChannel.SUBCASE,
        reason="遗失",
    )
    cancelled.refresh_from_db()
    assert cancelled.status == CardStatus.CANCELLED and again.status == CardStatus.APPLIED


def test_two_clerks_at_once_get_one_winner(world) -> None:  # type: ignore[no-untyped-def]
    card = SocialSecurityCard.objects.get(id_number="370102199506223010")  # 赵磊: 待领取
    stale = SocialSecurityCard.objects.get(pk=card.pk)
    card_transition(
        actor=world["clerk-lixia"], card=card, action=CardAction.COLLECT, channel=CardChannel.WINDOW
    )
    with pytest.raises(Conflict) as refused:
        card_transition(
            actor=world["clerk-jinan"],
            card=stale,
            action=CardAction.COLLECT,
            channel=CardChannel.WINDOW,
        )
    assert refused.value.code == "concurrent_update"
    assert card.events.filter(action="collect").count() == 1


def test_passwords_are_hashed_never_shown_and_changed_with_the_old_one(world) -> None:  # type: ignore[no-untyped-def]
    card = card_password_set(
        actor=world["zhangjianguo"], card=_card(), new_pin="258036", channel=CardChannel.ONLINE
    )
    assert "258036" not in card.pin_hash and check_password("258036", card.pin_hash)
    with pytest.raises(Unprocessable, match="原密码不正确"):
        card_password_set(
            actor=None, card=card, new_pin="147025", old_pin="000000", channel=CardChannel.ONLINE
        )
    card = card_password_set(
        actor=None, card=card, new_pin="147025", old_pin="258036", channel=CardChannel.ONLINE
    )
    assert check_password("147025", card.pin_hash)
    events = card.events.filter(action__startswith="password")
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "password_reset",
        "password_change",
    ]
    everything = str(list(card.events.values())) + str(
        list(AuditEvent.objects.filter(object_id=str(card.pk)).values())
    )
    assert "258036" not in everything and "147025" not in everything
    with pytest.raises(Unprocessable, match="连续数字"):
        card_password_set(actor=None, card=card, new_pin="123456", channel=CardChannel.ONLINE)


def test_the_holder_is_told_once_when_the_temporary_hold_lifts_itself(  # type: ignore[no-untyped-def]
    world, settings, caplog
) -> None:
    import logging

    from kuaiban.core.masking import mask_phone
    from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
    from kuaiban.integrations.worker import outbox_drain

    settings.KUAIBAN_CARD_TEMPORARY_LOSS_DAYS = 3
    settings.KUAIBAN_NOTIFY_CHANNELS = ["console"]
    holder = world["zhangjianguo"]
    card = card_report_loss(actor=holder, card=_card(), temporary=True, channel=CardChannel.ONLINE)
    later = NOW + dt.timedelta(days=3, minutes=1)
    with mock.patch.object(timezone, "now", return_value=later):
        assert temporary_holds_sweep().lifted == 1
        assert temporary_holds_sweep().lifted == 0  # claimed once: told once
    (message,) = OutboxMessage.objects.filter(kind=OutboxKind.CARD_NOTIFY, payload__card=card.pk)
    assert message.payload == {"card": card.pk, "action": "hold_lapse"}
    with caplog.at_level(logging.INFO, logger="kuaiban.notify"):
        due = message.next_attempt_at
        assert outbox_drain(limit=10, now=due, worker_id="w1").delivered == 1
    [line] = [r.getMessage() for r in caplog.records if r.name == "kuaiban.notify"]
    assert "社保卡临时挂失已自动解除" in line and f"尾号{card.number[-4:]}" in line
    assert "已满3天" in line and timezone.localtime(later).strftime("%Y年%m月%d日 %H:%M") in line
    assert holder.phone and mask_phone(holder.phone) in line and holder.phone not in line
    message.refresh_from_db()
    assert message.state == OutboxState.DELIVERED


def test_a_hold_lifted_by_the_holder_or_made_formal_sends_no_lapse_notice(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.integrations.models import OutboxKind, OutboxMessage

    card = card_report_loss(actor=None, card=_card(), temporary=True, channel=CardChannel.PHONE)
    card_unloss(actor=world["zhangjianguo"], card=card, channel=CardChannel.ONLINE)
    temporary_holds_sweep(now=NOW + dt.timedelta(days=60))  # lifts other people's holds only
    assert OutboxMessage.objects.filter(kind=OutboxKind.CARD_NOTIFY).exists()
    assert not OutboxMessage.objects.filter(
        kind=OutboxKind.CARD_NOTIFY, payload__card=card.pk
    ).exists()


def test_a_holder_without_an_account_is_told_on_the_phone_on_file(world, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from kuaiban.core.masking import mask_phone
    from kuaiban.integrations.models import OutboxKind, OutboxMessage
    from kuaiban.integrations.worker import outbox_drain
    from kuaiban.shareddata.models import Person

    settings.KUAIBAN_NOTIFY_CHANNELS = ["console"]
    User.objects.filter(id_number=ZHANG).update(id_number="")  # reported through 12333 only
    card = card_report_loss(actor=None, card=_card(), temporary=True, channel=CardChannel.PHONE)
    later = card.hold_until + dt.timedelta(minutes=1)
    with mock.patch.object(timezone, "now", return_value=later):
        temporary_holds_sweep()
    (message,) = OutboxMessage.objects.filter(kind=OutboxKind.CARD_NOTIFY, payload__card=card.pk)
    with caplog.at_level(logging.INFO, logger="kuaiban.notify"):
        outbox_drain(limit=10, now=message.next_attempt_at, worker_id="w1")
    on_file = Person.objects.get(id_number=ZHANG).phone
    [line] = [r.getMessage() for r in caplog.records if r.name == "kuaiban.notify"]
    assert "社保卡临时挂失已自动解除" in line and mask_phone(on_file) in line
    read = AuditEvent.objects.filter(action="shareddata.read", changes__channel="system").last()
    assert read is not None and read.changes["purpose"] == "社保卡状态变化通知"
