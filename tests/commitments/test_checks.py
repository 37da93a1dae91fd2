"""Every commitment gets a check: on site, by assistance, online; sampled reproducibly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kuaiban.catalogue.models import Region
from kuaiban.commitments.models import (
    AssistancePartner,
    CheckMethod,
    CheckStatus,
    CreditRecord,
    DecisionReview,
    ItemPolicy,
)
from kuaiban.commitments.online import checks_sweep
from kuaiban.commitments.outcomes import check_outcome_record, check_schedule
from kuaiban.commitments.sampling import is_drawn, sample_value
from kuaiban.core.models import AuditEvent
from kuaiban.integrations.models import OutboxKind, OutboxMessage, OutboxState
from kuaiban.integrations.signing import signed_path_headers
from kuaiban.integrations.worker import outbox_drain
from tests.commitments.helpers import check_of, submitted, survivor_body, unemployment_body

pytestmark = pytest.mark.django_db


def _all_drawn() -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(sample_rate=1)


def test_each_commitment_opens_a_check_by_its_rule_with_an_owner_agency_and_due_time(world) -> None:
    _all_drawn()
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    assert check.method == CheckMethod.ON_SITE
    assert check.status == CheckStatus.PENDING
    assert check.subcase is not None and check.subcase.item.code == "1.6.10"
    assert check.agency == check.subcase.agency
    # 20 working days from Monday 2025-03-03: Monday 2025-03-31, end of day.
    assert timezone.localtime(check.due_at).date() == dt.date(2025, 3, 31)
    assert check.commitment.material_code == "dependant_proof"


def test_on_site_check_is_scheduled_then_recorded_to_its_end(world) -> None:
    _all_drawn()
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    officer = world["officer-jn-si"]
    check = check_schedule(actor=officer, check=check, day=dt.date(2025, 3, 5))
    assert (check.status, check.owner, check.scheduled_for) == (
        CheckStatus.SCHEDULED,
        officer,
        dt.date(2025, 3, 5),
    )
    check = check_outcome_record(
        actor=officer, check=check, confirmed=True, findings="入户核实，供养亲属无其他生活来源"
    )
    assert check.status == CheckStatus.CONFIRMED
    assert check.decided_by == officer and check.decision_review == DecisionReview.NONE
    assert not CreditRecord.objects.exists()
    actions = set(
        AuditEvent.objects.filter(
            object_type="commitment_check", object_id=str(check.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"commitment_check.step", "commitment_check.outcome"}


def test_on_site_check_is_assigned_to_a_colleague_of_the_same_agency_only(world) -> None:
    from kuaiban.accounts.models import Role, User
    from kuaiban.core.errors import Unprocessable

    _all_drawn()
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    officer = world["officer-jn-si"]
    colleague = User.objects.create_user(
        username="officer-jn-si-2", role=Role.OFFICER, agency=officer.agency, region=officer.region
    )
    elsewhere = User.objects.exclude(agency=officer.agency).filter(role=Role.OFFICER).first()
    assert elsewhere is not None
    with pytest.raises(Unprocessable):
        check_schedule(actor=officer, check=check, day=dt.date(2025, 3, 5), owner=elsewhere)
    check.refresh_from_db()
    assert (check.status, check.owner) == (CheckStatus.PENDING, None)

    client = Client()
    client.force_login(officer)
    page = client.get(f"/checks/{check.pk}/")
    assert (
        "officer-jn-si-2" in page.content.decode()
        or colleague.display_name in page.content.decode()
    )
    client.post(
        f"/checks/{check.pk}/",
        {
            "action": "schedule",
            "day": "2025-03-06",
            "owner": str(colleague.pk),
            "version": check.version,
        },
    )
    check.refresh_from_db()
    assert (check.status, check.owner, check.scheduled_for) == (
        CheckStatus.SCHEDULED,
        colleague,
        dt.date(2025, 3, 6),
    )
    step = AuditEvent.objects.filter(object_type="commitment_check", object_id=str(check.pk)).last()
    assert step is not None and step.actor == officer


def _redraw(*, seed: str, rate: Decimal, number: str, material: str) -> bool:
    """The documented draw recomputed here from the stored values, not through the module:
    the first 52 bits of SHA-256 over ``seed:number:material`` as a fraction, under the rate."""
    digest = hashlib.sha256(f"{seed}:{number}:{material}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 12 < rate * (1 << 52)


def test_sampling_is_reproducible_from_its_seed_and_rate(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(
        sample_rate=Decimal("0.5"), sample_seed="s1"
    )
    apps = [
        submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
        for _ in range(8)
    ]
    checks = [check_of(app, "dependant_proof") for app in apps]
    # What was drawn is what anybody recomputes from the seed and rate stored on each check.
    drawn = {c.application.number for c in checks if c.status == CheckStatus.PENDING}
    not_drawn = {c.application.number for c in checks if c.status == CheckStatus.NOT_DRAWN}
    assert drawn and not_drawn and drawn | not_drawn == {a.number for a in apps}
    assert drawn == {
        c.application.number
        for c in checks
        if _redraw(
            seed=c.sample_seed,
            rate=c.sample_rate,
            number=c.application.number,
            material=c.material_code,
        )
    }
    assert {(c.sample_seed, c.sample_rate) for c in checks} == {("s1", Decimal("0.5"))}
    for check in checks:
        assert check.sample_value == sample_value(
            seed="s1", number=check.application.number, material_code="dependant_proof"
        )
    # Over many cases the rate is kept within five standard deviations of a fair draw…
    numbers = [f"370102-20250303-{i:05d}" for i in range(4000)]
    for rate in (Decimal("0.1"), Decimal("0.5"), Decimal("0.9")):
        share = sum(
            is_drawn(
                value=sample_value(seed="s1", number=n, material_code="dependant_proof"),
                rate=rate,
            )
            for n in numbers
        ) / len(numbers)
        bound = 5 * math.sqrt(float(rate) * (1 - float(rate)) / len(numbers))
        assert abs(share - float(rate)) < bound, (rate, share)

    # …and another seed draws another set of the same cases.
    def drawn_with(seed: str) -> set[str]:
        return {
            n
            for n in numbers
            if _redraw(seed=seed, rate=Decimal("0.5"), number=n, material="dependant_proof")
        }

    assert drawn_with("s1") != drawn_with("s2")
    assert 0.4 < len(drawn_with("s1") ^ drawn_with("s2")) / len(numbers) < 0.6
    assert is_drawn(value=0.0, rate=Decimal("0.001")) and not is_drawn(value=0.999, rate=Decimal(0))


class _Partner:
    """The 民政 system on loopback: checks the platform's signature on the request, answers
    202, then looks the record up and POSTs its signed answer to the callback it was given."""

    def __init__(self, *, code: str, secret: str) -> None:
        self.code, self.secret = code, secret
        self.findings = "殡葬管理系统无该逝者火化记录"
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.answered = threading.Event()
        # The record is looked up once the test lets it: SQLite's shared in-memory test
        # database refuses (instead of waiting) a write while the worker's transaction is open.
        self.looked_up = threading.Event()

    def answer(self, callback: str, body: dict[str, Any], *, secret: str | None = None) -> int:
        raw = json.dumps(body, ensure_ascii=False).encode()
        path = urllib.parse.urlsplit(callback).path
        headers = signed_path_headers(
            agency_code=self.code,
            secret=secret or self.secret,
            method="POST",
            path=path,
            body=raw,
        )
        request = urllib.request.Request(
            callback,
            data=raw,
            method="POST",
            headers=headers | {"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, data = response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            with error:
                status, data = error.code, json.loads(error.read() or b"{}")
        self.answers.append((status, data))
        return status

    def answer_later(self, callback: str) -> None:
        try:
            self.looked_up.wait(timeout=20)
            self.answer(callback, {"outcome": "false", "findings": self.findings})
        finally:
            self.answered.set()


@pytest.fixture
def partner_server() -> Iterator[tuple[_Partner, str]]:
    from tests.integrations.conftest import signature_valid

    partner = _Partner(code="jinan-civil-affairs", secret="s3cret-civil")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = dict(self.headers.items())
            ok = signature_valid(partner.secret, headers, raw)
            body = json.loads(raw)
            partner.requests.append((headers, body))
            self.send_response(202 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if ok:  # answered after the request is acknowledged, as a real system would
                threading.Thread(
                    target=partner.answer_later, args=(body["callback"]["answer"],), daemon=True
                ).start()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield partner, f"http://127.0.0.1:{server.server_address[1]}/assist"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)
def test_assistance_is_requested_through_the_outbox_and_answered_by_the_partner(
    world, partner_server, live_server, settings
) -> None:
    settings.KUAIBAN_PUBLIC_URL = live_server.url + "/"
    server, url = partner_server
    _all_drawn()
    partner = AssistancePartner.objects.create(
        code=server.code,
        name="济南市民政局",
        kind="civil_affairs",
        region=Region.objects.get(code="370100"),
        webhook_url=url,
        webhook_secret=server.secret,
    )
    body = survivor_body(cremation_certificate="commitment", dependant_proof="gap")
    app = submitted(world["zhangjianguo"], body)
    check = check_of(app, "cremation_certificate")
    assert (check.method, check.status, check.partner) == (
        CheckMethod.ASSISTANCE,
        CheckStatus.REQUESTED,
        partner,
    )
    message = OutboxMessage.objects.get(kind=OutboxKind.COMMITMENT_ASSIST)
    # The message's due time is the wall clock's (its column default), not the frozen one.
    outbox_drain(limit=50, worker_id="test", now=message.next_attempt_at + dt.timedelta(seconds=1))
    message.refresh_from_db()
    assert message.state == OutboxState.DELIVERED, (message.attempts, message.last_error)
    headers, sent = server.requests[0]
    assert headers["X-Kuaiban-Agency"] == "jinan-civil-affairs"
    assert sent["check"]["id"] == check.pk and "火化证明" in sent["check"]["material"]["name"]
    assert "370102196503121234" not in json.dumps(sent, ensure_ascii=False)  # masked
    callback = sent["callback"]["answer"]
    assert callback == f"{live_server.url}/api/v1/commitment-checks/{check.pk}/assistance-answer"
    # The partner's own system answers the live server; the check closes on its answer.
    server.looked_up.set()
    assert server.answered.wait(timeout=20)
    assert server.answers[0][0] == 200, server.answers
    check.refresh_from_db()
    assert check.status == CheckStatus.FALSE and check.findings.endswith(server.findings)
    assert check.decided_by_system == "jinan-civil-affairs" and check.decided_by is None
    assert CreditRecord.objects.get(commitment_check=check).id_number == "370102196503121234"
    # A wrong signature is refused; answering again is a clear 409; neither changes anything.
    assert server.answer(callback, {"outcome": "confirmed", "findings": "x"}, secret="no") == 401
    assert server.answer(callback, {"outcome": "confirmed", "findings": "更正"}) == 409
    check.refresh_from_db()
    assert check.status == CheckStatus.FALSE


def test_online_check_waits_for_data_then_decides_when_it_arrives(
    world, make_person, make_user
) -> None:
    from kuaiban.shareddata.models import EmploymentRecord

    person = make_person(insurance=True, name="李四")
    user = make_user(
        id_number=person.id_number,
        display_name="李四",
        region=Region.objects.get(code="370102"),
        username="lisi",
    )
    body = unemployment_body("李四")
    from tests.applications.helpers import post_multipart

    client = Client()
    client.force_login(user)
    response = post_multipart(client, body, {})
    assert response.status_code == 201, response.json()
    from kuaiban.applications.models import Application

    app = Application.objects.get(number=response.json()["number"])
    check = check_of(app, "termination_proof")
    assert check.method == CheckMethod.ONLINE and check.next_try_at is not None
    # No employment record yet: nothing decided, tried again later.
    result = checks_sweep(now=timezone.now())
    check.refresh_from_db()
    assert (result.ran, check.status, check.tries) == (1, CheckStatus.PENDING, 1)
    assert "暂无" in check.last_try_note
    # The record arrives, still running (no end date): the commitment was false.
    EmploymentRecord.objects.create(
        person=person,
        unit_name="济南某某机械有限公司",
        unit_credit_code="",
        start_date=dt.date(2015, 1, 1),
    )
    later = timezone.now() + dt.timedelta(hours=2)
    result = checks_sweep(now=later)
    check.refresh_from_db()
    assert (result.ran, result.decided) == (1, 1)
    assert check.status == CheckStatus.FALSE and check.decided_by_system.startswith("共享数据")
    reads = AuditEvent.objects.filter(action="shareddata.read", object_type="person")
    assert any(e.changes.get("purpose") == "告知承诺在线核查" for e in reads)


def test_overdue_checks_are_marked_once(world) -> None:
    _all_drawn()
    app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
    check = check_of(app, "dependant_proof")
    assert checks_sweep(now=check.due_at + dt.timedelta(minutes=1)).overdue == 1
    assert checks_sweep(now=check.due_at + dt.timedelta(minutes=2)).overdue == 0
    check.refresh_from_db()
    assert check.overdue
