"""The kiosk: identify with ID number and phone tail, query and print, idle ends the session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.core.models import AuditEvent
from tests.selfservice.conftest import ZHANG

pytestmark = pytest.mark.django_db


def _identified() -> Client:
    client = Client()
    answer = client.post("/kiosk/", {"id_number": ZHANG, "phone_tail": "0001"})
    assert answer.status_code == 302 and answer["Location"] == "/kiosk/menu/"
    return client


def test_kiosk_query_and_print(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/insurance/").content.decode()
    assert "kiosk-main" in page and "累计缴费" in page
    assert AuditEvent.objects.filter(changes__channel="kiosk", changes__purpose="社保查询").exists()
    client.get("/kiosk/certificates/")
    issued = client.post("/kiosk/certificates/", {"kind": "contribution_proof"})
    code = issued.context["issued"].code
    assert client.get(f"/kiosk/certificates/{code}.pdf")["Content-Type"] == "application/pdf"
    assert Client().get(f"/kiosk/certificates/{code}.pdf").status_code == 404


def test_kiosk_wrong_phone_refused(intake_world: None) -> None:
    client = Client()
    answer = client.post("/kiosk/", {"id_number": ZHANG, "phone_tail": "9999"})
    assert answer.status_code == 404 and "核验未通过" in answer.content.decode()
    assert client.get("/kiosk/insurance/")["Location"] == "/kiosk/"


def test_kiosk_idle_ends_session(intake_world: None, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.KUAIBAN_KIOSK_IDLE_SECONDS = 60
    client = _identified()
    assert client.get("/kiosk/menu/").status_code == 200
    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get("/kiosk/menu/")["Location"] == "/kiosk/"
    monkeypatch.undo()
    assert client.get("/kiosk/menu/")["Location"] == "/kiosk/"  # ended, not just paused


def test_every_web_hub_item_is_reachable_at_the_kiosk(intake_world: None) -> None:
    import re

    from tests.selfservice.conftest import as_user

    web = as_user("zhangjianguo").get("/me/services/").content.decode()
    kiosk_client = _identified()
    kiosk = kiosk_client.get("/kiosk/menu/").content.decode()

    def tiles(page: str) -> dict[str, str]:
        return {
            label: href for href, label in re.findall(r'class="tile" href="([^"]+)">([^<]+)<', page)
        }

    web_tiles, kiosk_tiles = tiles(web), tiles(kiosk)
    assert set(web_tiles) == set(kiosk_tiles) and "社会保障卡应用状态查询" in web_tiles
    assert web_tiles["社会保障卡应用状态查询"] == "/me/card/"
    for label, href in kiosk_tiles.items():
        assert href.startswith("/kiosk/"), label
        answer = kiosk_client.get(href)
        assert answer.status_code == 200 and "kiosk-main" in answer.content.decode(), label


def test_kiosk_item_leads_into_the_bundle(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/items/1.8.1/").content.decode()
    assert "失业保险金" in page and "<svg" in page and "kiosk-main" in page
    assert "一件事" in page
    assert client.get("/kiosk/items/1.1.1/").status_code == 404  # not a kiosk item
    assert Client().get("/kiosk/items/1.8.1/")["Location"] == "/kiosk/"


def test_kiosk_card_status_is_read_only_and_audited(intake_world: None) -> None:
    client = _identified()
    page = client.get("/kiosk/card/").content.decode()
    assert 'id="card-status"' in page and '<form method="post" action="/me/card' not in page
    assert AuditEvent.objects.filter(action="card.read", changes__channel="kiosk").exists()
    assert Client().get("/kiosk/card/")["Location"] == "/kiosk/"
