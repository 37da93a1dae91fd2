"""The push to the provincial 好差评 system, against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kuaiban.integrations.errors import DeliveryFailed, DeliveryRefused
from kuaiban.integrations.models import OutboxMessage
from kuaiban.ratings.pushes import rating_push_deliver, rating_push_handle
from tests.ratings.helpers import as_user, first_agency, rate

README = Path(__file__).resolve().parents[2] / "kuaiban" / "ratings" / "README.md"


class Receiver(ThreadingHTTPServer):
    """The province's end: keeps each push once per Idempotency-Key; can be told to fail."""

    def __init__(self) -> None:
        # Bound but not listening yet: a connection is refused, as when the receiver is down.
        super().__init__(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self.server_bind()
        self.received: dict[str, dict[str, Any]] = {}
        self.headers_seen: list[dict[str, str]] = []
        self.hits = 0
        self.fail_with: int | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/haocaiping"

    def up(self) -> None:
        self.server_activate()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.server.hits += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.headers_seen.append(dict(self.headers))
        if self.server.fail_with:
            self.send_response(self.server.fail_with)
            self.end_headers()
            return
        key = self.headers.get("Idempotency-Key", "")
        self.server.received.setdefault(key, json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    server = Receiver()
    settings.KUAIBAN_RATING_PUSH_URL = server.url
    settings.KUAIBAN_RATING_PUSH_TIMEOUT = 2
    yield server
    if server.thread is not None:
        server.shutdown()
    server.server_close()


def _documented_fields() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("The body (`schema` `kuaiban.rating/1`), every field:", 1)[1]
    table = table.split("\n\n", 2)[1]
    return re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)


@pytest.mark.django_db
def test_down_then_up_then_a_retry_counts_once(world, done_app, receiver) -> None:
    response = rate(as_user(world["zhangjianguo"]), done_app.number, level=2, comment="等太久")
    rating_id = response.json()["id"]
    message = OutboxMessage.objects.get(idempotency_key=f"rating.push:{rating_id}")
    payload = message.payload
    # Down: the connection is refused, the function raises so that the worker retries.
    with pytest.raises(DeliveryFailed):
        rating_push_deliver(payload)
    assert receiver.hits == 0
    receiver.up()
    # Up but failing: a 503 raises too.
    receiver.fail_with = 503
    with pytest.raises(DeliveryFailed):
        rating_push_deliver(payload)
    receiver.fail_with = None
    rating_push_deliver(payload)
    assert rating_push_handle(message) == ""  # the worker's retry of the same message
    assert receiver.hits == 3
    assert list(receiver.received) == [f"rating.push:{rating_id}"]  # kept once
    headers = receiver.headers_seen[-1]
    assert headers["Content-Type"].startswith("application/json")
    got = receiver.received[f"rating.push:{rating_id}"]
    # What arrives is what the README documents, field by field.
    assert sorted(got) == sorted(_documented_fields())
    assert got["push_id"] == f"rating.push:{rating_id}" and got["action"] == "rated"
    assert got["number"] == done_app.number and got["subject"] == "case"
    assert got["level"] == 2 and got["level_label"] == "不满意"
    assert got["channel"] == "online" and got["accepted"] is True
    assert got["agency"]["code"] == first_agency(done_app).code
    assert got["region"]["code"] == "370102"
    assert {i["code"] for i in got["items"]} == set(
        done_app.subcases.values_list("item__code", flat=True)
    )
    assert {i["code"]: i["level"] for i in got["indicators"]}["overall"] == 2
    assert {i["name"] for i in got["indicators"]} >= {"整体满意度", "办事指南精确度"}
    # The ID number is masked: region and last four only.
    id_number = done_app.applicant_id_number
    assert got["rater"]["id_number"] == id_number[:6] + "********" + id_number[-4:]
    assert id_number not in json.dumps(got)
    assert got["rater"]["id_type"] == "居民身份证" and got["rater"]["name"] == "张建国"


def test_without_an_address_the_push_is_refused_not_retried(settings) -> None:
    settings.KUAIBAN_RATING_PUSH_URL = ""
    with pytest.raises(DeliveryRefused):
        rating_push_deliver({"push_id": "rating.push:1"})


def test_a_payload_without_its_key_is_refused(receiver) -> None:
    receiver.up()
    with pytest.raises(DeliveryRefused):
        rating_push_deliver({"level": 5})
    assert receiver.hits == 0


def test_the_bearer_token_is_sent_when_configured(receiver, settings) -> None:
    settings.KUAIBAN_RATING_PUSH_TOKEN = "province-token"
    receiver.up()
    rating_push_deliver({"push_id": "rating.push:9", "level": 5})
    assert receiver.headers_seen[-1]["Authorization"] == "Bearer province-token"
    assert receiver.headers_seen[-1]["Idempotency-Key"] == "rating.push:9"
