"""The demo's cards (part of `kuaiban demo_setup`): service points and cards in the states a
card service sees every day. Idempotent: a person who already has a card record is left alone.

- 张建国: the card the card registry shows (370100D156000005), 正常; his 技工院校毕业证书.
- 王芳 (Nanjing) holds no card — the Jiangsu 失业一件事 offers her one; her 《就业创业证》.
- 刘秀英: 正常 until she reported it lost online: 临时挂失.
- 赵磊: applied at 历下区人社服务大厅 (立等可取), printed, 待领取.
"""

from __future__ import annotations

import datetime as dt

from kuaiban.cards.models import CardAction, CardChannel, CardPoint, SocialSecurityCard
from kuaiban.cards.services import card_adopt, card_create, card_report_loss, card_transition
from kuaiban.catalogue.models import Region
from kuaiban.shareddata.models import ECertificate, Person

# (code, name, region, address, prints cards on the spot)
DEMO_POINTS = [
    (
        "370102-hall",
        "历下区人社服务大厅",
        "370102",
        "济南市历下区政务服务中心一楼（演示地址）",
        True,
    ),
    (
        "370100-card",
        "济南市社会保障卡服务中心",
        "370100",
        "济南市政务服务中心三楼（演示地址）",
        False,
    ),
    ("320102-hall", "玄武区人社服务大厅", "320102", "南京市玄武区政务服务中心（演示地址）", True),
    ("320100-card", "南京市社会保障卡服务中心", "320100", "南京市政务服务中心（演示地址）", False),
    ("140106-hall", "迎泽区人社服务大厅", "140106", "太原市迎泽区政务服务中心（演示地址）", False),
]

_ENABLED = (
    CardAction.PRODUCE,
    CardAction.FINISH,
    CardAction.COLLECT,
    CardAction.ENABLE,
    CardAction.BANK_ACTIVATE,
)


def cards_demo() -> None:
    for code, name, region, address, instant in DEMO_POINTS:
        if Region.objects.filter(code=region).exists():
            CardPoint.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "region": Region.objects.get(code=region),
                    "address": address,
                    "instant_print": instant,
                },
            )
    _zhang()
    _certificate("320102198807150421", "employment_card", "3201022021000418", dt.date(2026, 11, 5))
    _person_card("370102197803154526", "刘秀英", "13905310002", [*_ENABLED], lost=True)
    _person_card("370102199506223010", "赵磊", "13905310003", list(_ENABLED[:2]), lost=False)


def _zhang() -> None:
    person = Person.objects.filter(id_number="370102196503121234").first()
    if person is None:
        return
    _certificate(person.id_number, "graduation", "3701011985000213", dt.date(1985, 7, 10))
    if not SocialSecurityCard.objects.filter(id_number=person.id_number).exists():
        card_adopt(
            actor=None,
            id_number=person.id_number,
            name=person.name,
            number="370100D156000005",
            region=Region.objects.filter(code="370102").first(),
        )


def _certificate(id_number: str, kind: str, number: str, issued_on: dt.date) -> None:
    person = Person.objects.filter(id_number=id_number).first()
    if person is not None:
        ECertificate.objects.update_or_create(
            kind=kind, number=number, defaults={"person": person, "issued_on": issued_on}
        )


def _person_card(
    id_number: str, name: str, phone: str, steps: list[CardAction], *, lost: bool
) -> None:
    region = Region.objects.filter(code="370102").first()
    if region is None or SocialSecurityCard.objects.filter(id_number=id_number).exists():
        return
    Person.objects.update_or_create(
        id_number=id_number,
        defaults={
            "name": name,
            "gender": "女" if int(id_number[16]) % 2 == 0 else "男",
            "birth_date": dt.date(
                int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
            ),
            "phone": phone,
            "address": "山东省济南市历下区（演示地址）",
            "region_code": region.code,
        },
    )
    card = card_create(
        actor=None,
        id_number=id_number,
        name=name,
        region=region,
        channel=CardChannel.WINDOW,
        bank_name="中国建设银行济南历下支行",
    )
    for action in steps:
        card = card_transition(actor=None, card=card, action=action, channel=CardChannel.WINDOW)
    if lost:
        card_report_loss(actor=None, card=card, temporary=True, channel=CardChannel.ONLINE)
