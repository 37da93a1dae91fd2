"""Every commitment gets a check: on site, by assistance, online; sampled reproducibly."""

from __future__ import annotations

import datetime as dt
import json
import threading
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
from tests.commitments.helpers import check_of, submitted, survivor_body

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


def test_sampling_is_reproducible_from_its_seed_and_rate(world) -> None:
    ItemPolicy.objects.filter(item__code="1.6.10").update(
        sample_rate=Decimal("0.5"), sample_seed="s1"
    )
    drawn = {True: 0, False: 0}
    for _ in range(6):
        app = submitted(world["zhangjianguo"], survivor_body(dependant_proof="commitment"))
        check = check_of(app, "dependant_proof")
        value = sample_value(seed="s1", number=app.number, material_code="dependant_proof")
        assert check.sample_value == value and check.sample_seed == "s1"
        assert check.sample_rate == Decimal("0.5")
        expected = is_drawn(value=value, rate=Decimal("0.5"))
        assert (check.status == CheckStatus.PENDING) is expected
        assert (check.status == CheckStatus.NOT_DRAWN) is (not expected)
        drawn[expected] += 1
    # Same inputs, same draw; a different seed draws differently for some of them.
    assert sample_value(seed="s1", number="x", material_code="m") == sample_value(
        seed="s1", number="x", material_code="m"
    )
    assert is_drawn(value=0.0, rate=Decimal("0.001")) and not is_drawn(value=0.999, rate=Decimal(0))


class _Partner:
    """The 民政 system on loopback: takes the signed request, answers later."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []


@pytest.fixture
def partner_server() -> Iterator[tuple[_Partner, str]]:
    partner = _Partner()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            partner.requests.append((dict(self.headers.items()), body))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

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


def _signed_answer(partner: AssistancePartner, url_path: str, body: dict[str, Any]) -> Any:
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signed_path_headers(
        agency_code=partner.code,
        secret=partner.webhook_secret,
        method="POST",
        path=url_path,
        body=raw,  # signed at the wall clock's time, as the platform checks it
    )
    return Client().post(url_path, raw, content_type="application/json", headers=headers)


def test_assistance_is_requested_through_the_outbox_and_answered_by_the_partner(
    world, partner_server
) -> None:
    server, url = partner_server
    _all_drawn()
    partner = AssistancePartner.objects.create(
        code="jinan-civil-affairs",
        name="济南市民政局",
        kind="civil_affairs",
        region=Region.objects.get(code="370100"),
        webhook_url=url,
        webhook_secret="s3cret-civil",
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
    path = sent["callback"]["answer"].split("testserver", 1)[-1]
    path = path[path.index("/api/") :]
    # A wrong signature is refused and changes nothing.
    wrong = AssistancePartner(code=partner.code, webhook_secret="not-it")
    assert _signed_answer(wrong, path, {"outcome": "false", "findings": "x"}).status_code == 401
    response = _signed_answer(
        partner, path, {"outcome": "false", "findings": "殡葬管理系统无该逝者火化记录"}
    )
    assert response.status_code == 200, response.content
    check.refresh_from_db()
    assert check.status == CheckStatus.FALSE
    assert check.decided_by_system == "jinan-civil-affairs" and check.decided_by is None
    assert CreditRecord.objects.get(commitment_check=check).id_number == "370102196503121234"
    # Answering again is a clear 409, nothing changes.
    again = _signed_answer(partner, path, {"outcome": "confirmed", "findings": "更正"})
    assert again.status_code == 409


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
    body = {
        "pack": "shandong-2020",
        "bundle": "3",
        "scenario": "3-1",
        "items": [],
        "channel": "web",
        "commitments": {"credit": True},
        "materials": {"termination_proof": "commitment"},
        "form": {
            "unemployment_date": "2025-02-01",
            "unemployment_reason": "劳动合同期满终止",
            "employer_name": "济南某某机械有限公司",
            "termination_date": "2025-02-01",
            "bank_name": "中国工商银行济南分行",
            "bank_account": "6222020200112233445",
            "account_holder": "李四",
        },
    }
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
