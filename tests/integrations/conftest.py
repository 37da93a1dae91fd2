"""An agency's system as a real HTTP server on 127.0.0.1, and a small world of sub-cases.

The receiver checks the HMAC signature of every request and applies each ``Idempotency-Key``
once: a second arrival of a key is acknowledged but not applied, as the README asks of
receivers. Each request's behaviour comes from a script (``receiver.plan(...)``), then
``"ok"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

SECRET = "agency-shared-secret"
APPLICANT_ID = "370102196503151234"  # not checksum-valid: never looked up, only masked
APPLICANT_PHONE = "13812345678"


@dataclass
class Arrival:
    key: str
    body: dict[str, Any]
    headers: dict[str, str]
    signature_ok: bool


@dataclass
class Receiver:
    url: str
    secret: str = SECRET
    require_signature: bool = True  # off for the SMS gateway, which uses a bearer token
    arrivals: list[Arrival] = field(default_factory=list)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)
    effective: Counter[str] = field(default_factory=Counter)
    script: list[str] = field(default_factory=list)
    stall_sleep: float = 1.0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self, *steps: str) -> None:
        """Behaviours of the next requests: ok | fail | apply_then_fail | sleep | stall."""
        with self.lock:
            self.script.extend(steps)

    def arrivals_of(self, key: str) -> int:
        return sum(1 for a in self.arrivals if a.key == key)

    def receive(self, key: str, body: dict[str, Any], headers: dict[str, str], ok: bool) -> str:
        with self.lock:
            self.arrivals.append(Arrival(key, body, headers, ok))
            step = self.script.pop(0) if self.script else "ok"
        return step

    def apply(self, key: str, body: dict[str, Any]) -> None:
        """The receiver's effect, once per key: what an idempotent receiver does."""
        with self.lock:
            if key not in self.applied:
                self.applied[key] = body
                self.effective[key] += 1


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Checked independently of kuaiban.integrations.signing, as an agency would."""
    timestamp = headers.get("X-Kuaiban-Timestamp", "")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    given = headers.get("X-Kuaiban-Signature", "")
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest("sha256=" + expected.hexdigest(), given)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up or was killed mid-request: expected here


def _respond(handler: BaseHTTPRequestHandler, status: int) -> None:
    data = json.dumps({"status": status}).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        pass  # the worker is gone (timed out or killed)


def _serve(receiver: Receiver, handler: BaseHTTPRequestHandler) -> None:
    raw = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
    headers = dict(handler.headers.items())
    ok = signature_valid(receiver.secret, headers, raw)
    body = json.loads(raw or b"{}")
    key = headers.get("Idempotency-Key", "")
    step = receiver.receive(key, body, headers, ok)
    if receiver.require_signature and not ok:
        return _respond(handler, 401)
    if step == "fail":
        return _respond(handler, 500)
    if step == "sleep":
        time.sleep(receiver.stall_sleep)
    receiver.apply(key, body)
    if step == "apply_then_fail":
        return _respond(handler, 500)
    if step == "stall":
        receiver.stalled.set()
        receiver.release.wait(60)
    return _respond(handler, 200)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            _serve(state["receiver"], self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), _Handler)
    fake = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/kuaiban/subcases")
    state["receiver"] = fake
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def down_url() -> str:
    """An address where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


# ---------------------------------------------------------------------------------------------
# A small world: a district in a city in a province, one webhook agency, one item, sub-cases
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    province: Any
    city: Any
    district: Any
    agency: Any
    other_agency: Any
    item: Any
    scenario: Any
    applicant: Any
    _serial: int = 0

    def application(self, **overrides: Any) -> Any:
        from kuaiban.applications.models import Application, ApplicationMaterial

        self._serial += 1
        values: dict[str, Any] = {
            "number": f"370102-20250303-{self._serial:05d}",
            "pack": self.scenario.bundle.pack,
            "bundle": self.scenario.bundle,
            "scenario": self.scenario,
            "snapshot": {},
            "applicant_kind": "person",
            "applicant": self.applicant,
            "applicant_name": "张建国",
            "applicant_id_number": APPLICANT_ID,
            "applicant_phone": APPLICANT_PHONE,
            "region": self.district,
            "channel": "web",
            "submitted_by": self.applicant,
            "form": {
                "id_number": APPLICANT_ID,
                "mobile": APPLICANT_PHONE,
                "unit_name": "济南齐鲁精工机械有限公司",
                "unrelated": "不属于本事项",
            },
            "promised_due_at": timezone.now() + dt.timedelta(days=7),
        }
        values.update(overrides)
        application = Application.objects.create(**values)
        ApplicationMaterial.objects.create(
            application=application, code="id_card", name="居民身份证", provision="shared"
        )
        ApplicationMaterial.objects.create(
            application=application,
            code="labour_contract",
            name="劳动合同",
            provision="gap",
            due_date=dt.date(2025, 3, 17),
        )
        return application

    def subcase(self, application: Any = None, **overrides: Any) -> Any:
        from kuaiban.cases.models import SubCase

        values: dict[str, Any] = {
            "item": self.item,
            "seed_name": "职工参保登记",
            "agency_kind": "social_insurance",
            "agency": self.agency,
            "stage": 1,
            "status": "open",
            "due_at": timezone.now() + dt.timedelta(days=5),
            "opened_at": timezone.now(),
        }
        values.update(overrides)
        subcase = SubCase.of_application(application or self.application(), **values)
        subcase.save()
        return subcase

    def dispatch(self, subcase: Any) -> Any:
        """The message the cases app enqueues for a webhook agency."""
        from kuaiban.integrations.models import OutboxKind
        from kuaiban.integrations.services import outbox_enqueue

        return outbox_enqueue(
            kind=OutboxKind.SUBCASE_DISPATCH,
            key=f"subcase.dispatch:{subcase.pk}:{subcase.agency.code}:{subcase.version}",
            payload={"subcase": subcase.pk, "agency": subcase.agency.code},
        )


def build_world(url: str) -> World:
    from kuaiban.accounts.models import Role, User
    from kuaiban.bundles.models import Bundle, Pack, Scenario
    from kuaiban.catalogue.models import (
        Agency,
        FormField,
        ItemField,
        ItemMaterial,
        Material,
        Region,
        ServiceItem,
    )

    province = Region.objects.create(code="370000", name="山东省", level="province")
    city = Region.objects.create(code="370100", name="济南市", level="city", parent=province)
    district = Region.objects.create(code="370102", name="历下区", level="county", parent=city)
    agency = Agency.objects.create(
        code="jn-si",
        name="济南市社会保险事业中心",
        kind="social_insurance",
        region=city,
        delivery="webhook",
        webhook_url=url,
        webhook_secret=SECRET,
    )
    other = Agency.objects.create(
        code="lx-si", name="历下区社会保险事业中心", kind="social_insurance", region=district
    )
    item = ServiceItem.objects.create(
        code="1.1.5",
        name="职工参保登记",
        category="社会保险",
        agency_kind="social_insurance",
        target="person",
        promised_limit_value=5,
    )
    for position, (key, label, kind) in enumerate(
        [
            ("id_number", "身份证号", "id_number"),
            ("mobile", "手机号", "phone"),
            ("unit_name", "单位名称", "text"),
        ]
    ):
        form_field = FormField.objects.create(key=key, label=label, field_type=kind)
        ItemField.objects.create(item=item, field=form_field, position=position)
    for code, name in [("id_card", "居民身份证"), ("labour_contract", "劳动合同")]:
        material = Material.objects.create(code=code, name=name, kind="proof")
        ItemMaterial.objects.create(item=item, material=material)
    pack = Pack.objects.create(
        code="test-pack",
        name="测试政策包",
        region=province,
        seed="seed.txt",
        version="1",
        file_name="test.yaml",
        content_hash="0" * 64,
    )
    bundle = Bundle.objects.create(
        pack=pack, code="1", name="企业职工退休一件事", target="person", mode="parallel", source="s"
    )
    scenario = Scenario.objects.create(
        bundle=bundle, code="1-1", name="正常退休", target="person", mode="parallel", source="s"
    )
    applicant = User.objects.create_user(
        username="zhangjianguo",
        password="correct horse battery",
        role=Role.PERSON,
        email="zhang@example.cn",
        phone=APPLICANT_PHONE,
    )
    return World(province, city, district, agency, other, item, scenario, applicant)


@pytest.fixture
def world(db: None, receiver: Receiver) -> World:
    return build_world(receiver.url)
