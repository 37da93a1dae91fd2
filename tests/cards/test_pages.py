"""The pages: the holder's card (社会保障卡应用状态查询) and 亮证, the clerks' scan page, print
queue and window desk; each refused (404) to anyone it is not for."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kuaiban.accounts.models import Role, User
from kuaiban.cards.models import CardChannel, CardPoint, CardStatus, SocialSecurityCard
from kuaiban.cards.services import card_create
from kuaiban.cards.showing import show_token
from kuaiban.catalogue.models import Region
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_holder_s_page_shows_the_state_and_reports_a_temporary_loss(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    page = client.get("/me/card/").content.decode()
    assert "370100D156000005" in page and ">正常<" in page and "临时挂失" in page
    response = client.post("/me/card/loss")
    assert response.status_code == 302 and response["Location"] == "/me/card/"
    page = client.get("/me/card/").content.decode()
    assert ">临时挂失<" in page and "已临时挂失" in page and "解除挂失" in page
    assert "暂停使用（实体卡挂失中）" in page
    client.post("/me/card/unloss")
    assert SocialSecurityCard.objects.get(number="370100D156000005").status == CardStatus.NORMAL


def test_a_person_without_a_card_is_told_how_to_get_one(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["wangfang"])
    assert "没有查到您的社会保障卡" in client.get("/me/card/").content.decode()
    assert client.post("/me/card/loss").status_code == 404
    assert client.get("/me/card/password/").status_code == 404


@pytest.mark.parametrize("who", ["unit-qilu", "clerk-lixia", "officer-jn-card"])
def test_the_holder_pages_are_not_for_others(world, who: str) -> None:  # type: ignore[no-untyped-def]
    client = _client(world[who])
    for path in [
        "/me/card/",
        "/me/card/password/",
        "/me/credentials/",
        "/me/credentials/card/qr.svg",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post("/me/card/loss").status_code == 404


@pytest.mark.parametrize("who", ["zhangjianguo", "unit-qilu", "supervisor-sd"])
def test_the_clerk_pages_are_not_for_others(world, who: str) -> None:  # type: ignore[no-untyped-def]
    client = _client(world[who])
    for path in ["/cards/queue/", "/cards/desk/"]:
        assert client.get(path).status_code == 404, path
    assert client.get("/cards/scan/").status_code == 404


def test_a_pickup_point_with_a_printer_is_chosen_online(world) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(
        username="sunxm", password="x", role=Role.PERSON, id_number=make_id_number(seq="551")
    )
    card = card_create(
        actor=None,
        id_number=user.id_number,
        name="孙小梅",
        region=None,
        channel=CardChannel.SUBCASE,
    )
    assert card.point is None and card.due_at is not None
    client = _client(user)
    printing = CardPoint.objects.get(code="370102-hall")
    client.post("/me/card/point", {"point": str(printing.pk)})
    card.refresh_from_db()
    assert card.point == printing
    page = client.get("/me/card/").content.decode()
    assert "立等可取" in page and "历下区人社服务大厅" in page
    assert client.post("/me/card/point", {"point": "nope"}).status_code == 302  # told, unchanged
    card.refresh_from_db()
    assert card.point == printing


def test_the_password_page_resets_after_the_log_in_password(world) -> None:  # type: ignore[no-untyped-def]
    user = world["zhangjianguo"]
    user.set_password("demo-pass-1")
    user.save()
    client = _client(user)
    wrong = client.post(
        "/me/card/password/",
        {"mode": "reset", "login_password": "nope", "new_pin": "258036", "new_pin_again": "258036"},
    ).content.decode()
    assert "登录密码不正确，不能重置" in wrong and "258036" not in wrong
    done = client.post(
        "/me/card/password/",
        {
            "mode": "reset",
            "login_password": "demo-pass-1",
            "new_pin": "258036",
            "new_pin_again": "258036",
        },
    )
    assert done.status_code == 302
    assert SocialSecurityCard.objects.get(number="370100D156000005").pin_hash
    weak = client.post(
        "/me/card/password/",
        {"mode": "change", "old_pin": "258036", "new_pin": "111111", "new_pin_again": "111111"},
    ).content.decode()
    assert "密码不能是同一数字重复" in weak


def test_the_credentials_page_and_its_qr(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    page = client.get("/me/credentials/").content.decode()
    assert "电子社会保障卡" in page and "技工院校毕业证书" in page
    assert "截图或旧二维码无效" in page and "kuaiban/cards/show.js" in page
    qr = client.get("/me/credentials/card/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in qr["Cache-Control"]
    assert client.get("/me/credentials/employment_card/qr.svg").status_code == 404  # not his
    lost = _client(world["liuxiuying"])
    assert lost.get("/me/credentials/card/qr.svg").status_code == 404  # card lost: no QR
    assert "暂停使用" in lost.get("/me/credentials/").content.decode()


def test_the_scan_page_shows_whose_and_refuses_an_old_one(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    token = show_token(user=world["zhangjianguo"], kind="card")
    page = clerk.get("/cards/scan/", {"t": token}).content.decode()
    assert "核验通过" in page and "张*国" in page and "370102********1234" in page
    assert "370102196503121234" not in page
    page = clerk.get("/cards/scan/", {"t": token[:-2] + "zz"}).content.decode()
    assert "核验未通过" in page and "张*国" not in page


def _queued(n: int, point: CardPoint) -> list[SocialSecurityCard]:
    return [
        card_create(
            actor=None,
            id_number=make_id_number(seq=f"{600 + i:03d}"),
            name=f"排队{i}",
            region=point.region,
            channel=CardChannel.SUBCASE,
            point=point,
        )
        for i in range(n)
    ]


def test_the_print_queue_of_the_clerk_s_points(world) -> None:  # type: ignore[no-untyped-def]
    point = CardPoint.objects.get(code="370102-hall")
    [card] = _queued(1, point)
    clerk = _client(world["clerk-lixia"])
    page = clerk.get("/cards/queue/").content.decode()
    assert "排队0" in page and "开始制卡" in page
    assert card.id_number not in page  # masked
    clerk.post(f"/cards/queue/{card.pk}", {"action": "produce", "version": str(card.version)})
    card.refresh_from_db()
    assert card.status == CardStatus.MAKING
    clerk.post(f"/cards/queue/{card.pk}", {"action": "finish", "version": str(card.version)})
    card.refresh_from_db()
    assert card.status == CardStatus.READY
    assert "排队0" not in clerk.get("/cards/queue/").content.decode()  # left the queue


def test_a_clerk_elsewhere_sees_none_of_this_queue(world) -> None:  # type: ignore[no-untyped-def]
    [card] = _queued(1, CardPoint.objects.get(code="370102-hall"))
    nanjing = User.objects.create_user(
        username="clerk-xuanwu",
        password="x",
        role=Role.CLERK,
        region=Region.objects.get(code="320102"),
    )
    client = _client(nanjing)
    assert "排队0" not in client.get("/cards/queue/").content.decode()
    assert client.post(f"/cards/queue/{card.pk}", {"action": "produce"}).status_code == 404
    card.refresh_from_db()
    assert card.status == CardStatus.APPLIED


def test_the_queue_page_costs_the_same_queries_for_1_and_8_cards(world) -> None:  # type: ignore[no-untyped-def]
    point = CardPoint.objects.get(code="370102-hall")
    clerk = _client(world["clerk-lixia"])
    _queued(1, point)
    with CaptureQueriesContext(connection) as one:
        clerk.get("/cards/queue/")
    SocialSecurityCard.objects.filter(status="applied").delete()
    _queued(8, point)
    with CaptureQueriesContext(connection) as eight:
        clerk.get("/cards/queue/")
    assert len(one) == len(eight)


def test_the_window_desk_hands_out_a_card(world) -> None:  # type: ignore[no-untyped-def]
    clerk = _client(world["clerk-lixia"])
    assert "完整、正确的18位" in clerk.post("/cards/desk/", {"id_number": "3701"}).content.decode()
    page = clerk.post("/cards/desk/", {"id_number": "370102199506223010"}).content.decode()
    assert "待领取" in page and "领卡" in page
    card = SocialSecurityCard.objects.get(id_number="370102199506223010")
    clerk.post(
        "/cards/desk/",
        {"id_number": "370102199506223010", "action": "collect", "version": str(card.version)},
    )
    card.refresh_from_db()
    assert card.status == CardStatus.COLLECTED
    event = card.events.get(action="collect")
    assert event.actor == world["clerk-lixia"] and event.channel == CardChannel.WINDOW


def test_the_item_page_links_to_the_working_query(world) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/items/L-card-status-query/").content.decode()
    assert 'href="/me/card/"' in page and "在线办理：社会保障卡应用状态查询" in page


def test_the_desk_records_a_loss_reported_by_phone(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.core.models import AuditEvent

    clerk = _client(world["clerk-lixia"])
    holder = {"id_number": "370102196503121234"}  # 张建国's card, 正常
    page = clerk.post("/cards/desk/", holder).content.decode()
    assert "电话挂失（12333）" in page and "登记电话临时挂失" in page
    # Without the caller's identity checked, nothing is recorded.
    unchecked = clerk.post("/cards/desk/", {**holder, "action": "loss_phone"}).content.decode()
    assert "请先核实来电人身份" in unchecked
    card = SocialSecurityCard.objects.get(number="370100D156000005")
    assert card.status == CardStatus.NORMAL
    done = clerk.post(
        "/cards/desk/", {**holder, "action": "loss_phone", "caller_verified": "yes"}
    ).content.decode()
    assert "已登记电话临时挂失" in done
    card.refresh_from_db()
    assert card.status == CardStatus.TEMPORARY_LOSS and card.hold_until is not None
    event = card.events.get(action="loss_temporary")
    assert event.actor == world["clerk-lixia"] and event.channel == CardChannel.PHONE
    audit = AuditEvent.objects.filter(action="card.change", object_id=str(card.pk)).latest("pk")
    assert audit.actor == world["clerk-lixia"] and audit.changes["channel"] == "phone"
    # A card already held: the phone form is no longer offered, and a forged post is refused.
    assert 'value="loss_phone"' in page and 'value="loss_phone"' not in done
    again = clerk.post(
        "/cards/desk/", {**holder, "action": "loss_phone", "caller_verified": "yes"}
    ).content.decode()
    assert "不能临时挂失" in again
    assert card.events.filter(action="loss_temporary").count() == 1


def test_only_a_clerk_records_a_phone_loss(world) -> None:  # type: ignore[no-untyped-def]
    form = {"id_number": "370102196503121234", "action": "loss_phone", "caller_verified": "yes"}
    for who in ["zhangjianguo", "officer-jn-card", "supervisor-sd"]:
        assert _client(world[who]).post("/cards/desk/", form).status_code == 404
    card = SocialSecurityCard.objects.get(number="370100D156000005")
    assert card.status == CardStatus.NORMAL


def test_the_phone_loss_form_shows_the_reserved_phone_and_the_day_the_hold_lifts(  # type: ignore[no-untyped-def]
    world, settings
) -> None:
    from kuaiban.core.models import AuditEvent

    settings.KUAIBAN_CARD_TEMPORARY_LOSS_DAYS = 7
    holder = world["zhangjianguo"]
    holder.phone = "13900000001"
    holder.save(update_fields=["phone"])
    clerk = _client(world["clerk-lixia"])
    page = clerk.post("/cards/desk/", {"id_number": "370102196503121234"}).content.decode()
    assert '<dd id="reserved-phone">139****0001' in page and "13900000001" not in page
    assert '<dd id="hold-lifts">2025年3月10日</dd>' in page  # frozen on 3月3日, plus 7 days
    audit = AuditEvent.objects.filter(action="shareddata.read").latest("pk")
    assert audit.actor == world["clerk-lixia"] and audit.object_id == "370102********1234"
    assert audit.changes["purpose"] == "电话挂失核实预留手机号"


def test_a_temporary_loss_tells_the_holder_where_to_make_it_formal(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["zhangjianguo"])
    before = client.get("/me/card/").content.decode()
    assert 'id="make-it-formal"' not in before
    client.post("/me/card/loss")
    page = client.get("/me/card/").content.decode()
    assert "带身份证到办理社保卡挂失的服务网点窗口办理正式挂失" in page
    assert 'href="/service-points/?item=1.10.7"' in page
    finder = client.get("/service-points/?item=1.10.7")
    assert finder.status_code == 200 and "社会保障卡挂失" in finder.content.decode()


def test_the_holder_s_history_words_a_card_taken_over_plainly(world) -> None:  # type: ignore[no-untyped-def]
    from kuaiban.cards.models import CardAction, CardEvent

    card = SocialSecurityCard.objects.get(number="370100D156000005")
    assert card.events.filter(action=CardAction.ADOPT).exists()
    page = _client(world["zhangjianguo"]).get("/me/card/").content.decode()
    assert "原有社会保障卡（已在用）" in page
    assert "持卡库" not in page
    event = CardEvent(action=CardAction.LOSS_FORMAL, note="窗口办理")
    assert event.holder_wording() == "正式挂失（窗口办理）"
